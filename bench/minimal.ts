// The bench's minimal program (issue 33): the least any plan of the bench's fleets must do. Given what the policy says
// (bench/minimal-table.ts, worked out once), it reads and parses each inventory line, checks the host's installed ids
// and writes the same hosts.ndjson as `patchops plan`, byte for byte (the bench compares). It knows only the bench
// fleets' shape (Windows hosts without agent scans, baselines, exemptions, job results or pilot waves), imports
// nothing of patchops, and its CPU time beside the parse floor's is the reachable limit of floor/plan.
//   node dist/bench/minimal.js TABLE INVENTORY OUT
import { createReadStream, createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { MinimalTable } from "./minimal-table.js";

const HOUR = 3_600_000;

interface Scan {
  host: string;
  scannedAt: string;
  os: { family: string; name: string; version: string };
  installed: string[];
  pendingReboot: boolean;
  products: { name: string }[];
}

/** Dotted versions, numerically: a ≥ b. */
function atLeast(a: string, b: string): boolean {
  const x = a.split(".");
  const y = b.split(".");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = Number(x[i] ?? 0) - Number(y[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Sets {
  overdue: Map<string, Set<string>>;
  compliant: Set<string>;
  settled: Set<string>;
}

function hostLine(t: MinimalTable, sets: Sets, r: Scan): string {
  const [owner, period, cluster, role] = t.hosts[r.host] ?? [null, null, null, null];
  const installed = new Set(r.installed.map((id) => id.toUpperCase()));
  const covered = new Set<string>();
  for (const id of installed) for (const old of t.covers[id] ?? []) covered.add(old);
  const relevant = new Set<string>();
  for (const [id, min] of t.byOs[r.os.name] ?? []) if (!min || atLeast(r.os.version, min)) relevant.add(id);
  for (const p of r.products) for (const id of t.byProduct[p.name.toLowerCase()] ?? []) relevant.add(id);
  for (const id of installed) if (t.entries[id]) relevant.add(id);
  const products = new Set(r.products.map((p) => p.name.toLowerCase()));
  const applies = (e: MinimalTable["entries"][string]) =>
    e[3] ? e[3] === r.os.name && (!e[4] || atLeast(r.os.version, e[4])) : products.has(e[5]);
  const states = new Map<string, string>();
  const missing: string[] = [];
  // sort() without a comparer: UTF-16 code-unit order, as plan's compareText.
  for (const id of [...relevant].sort()) {
    const [decision, , restartNever] = t.entries[id]!;
    if (installed.has(id)) {
      if (decision === "rejected") states.set(id, "rejected-installed");
      else if (r.pendingReboot && decision === "approved" && !restartNever) states.set(id, "pending-reboot");
      else if (decision === "approved") states.set(id, "installed");
      continue;
    }
    if (decision !== "approved") continue;
    if (covered.has(id)) states.set(id, "superseded");
    else {
      states.set(id, "missing");
      missing.push(id);
    }
  }
  const blockedBy: [string, string[]][] = [];
  const due = [...missing];
  for (const id of missing) {
    const absent: string[] = [];
    for (const req of t.requires[id] ?? []) {
      if (installed.has(req) || covered.has(req)) continue;
      const dep = t.entries[req];
      if ((dep && !applies(dep)) || states.get(req) === "missing") continue;
      if (dep && dep[0] === "approved") {
        states.set(req, "missing");
        due.push(req);
      } else absent.push(req);
    }
    if (absent.length > 0) {
      states.set(id, "blocked");
      blockedBy.push([id, absent]);
      due.splice(due.indexOf(id), 1);
    }
  }
  const stale = Date.parse(r.scannedAt) < t.now - t.staleAfterHours * HOUR;
  const late = period ? sets.overdue.get(period) : undefined;
  if (!stale && late) for (const id of due) if (late.has(id)) states.set(id, "overdue");
  let status = stale ? "stale" : "compliant";
  if (!stale) for (const s of states.values()) if (!sets.compliant.has(s)) status = "noncompliant";
  // Above the baseline: installed, and neither approved nor superseded by an approved update.
  const isAbove = (id: string) => {
    const e = t.entries[id];
    return !e || (e[0] !== "approved" && !e[1]);
  };
  const sorted = [...states].sort(([a], [b]) => byText(a, b));
  const line: Record<string, unknown> = {
    host: r.host,
    status,
    owner,
    period,
    cluster,
    role,
    scannedAt: r.scannedAt,
    baselines: [],
  };
  // Both kinds of line count the states; a compact one lists only the unsettled ids.
  const tally = new Map<string, number>();
  for (const [, v] of sorted) tally.set(v, (tally.get(v) ?? 0) + 1);
  const counts: Record<string, number> = {};
  for (const s of t.states) if (tally.has(s)) counts[s] = tally.get(s)!;
  line.counts = counts;
  if (t.compact) {
    line.updates = Object.fromEntries(sorted.filter(([, s]) => !sets.settled.has(s)));
    // A compact line counts the installed ids above the baseline; a full one lists them.
    let above = 0;
    for (const id of installed) if (isAbove(id)) above++;
    if (above > 0) line.aboveBaselineCount = above;
  } else {
    line.updates = Object.fromEntries(sorted);
    line.aboveBaseline = [...installed].filter(isAbove).sort();
  }
  if (blockedBy.length > 0) line.blockedBy = Object.fromEntries(blockedBy.sort(([a], [b]) => byText(a, b)));
  if (stale) line.notes = [`last scan ${r.scannedAt} is older than staleAfterHours (${t.staleAfterHours})`];
  line.os = r.os;
  line.estimated = true;
  return JSON.stringify(line);
}

async function main(tableFile: string, inventory: string, outFile: string): Promise<void> {
  const t = JSON.parse(await readFile(tableFile, "utf8")) as MinimalTable;
  const sets: Sets = {
    overdue: new Map(Object.entries(t.overdue).map(([p, ids]) => [p, new Set(ids)])),
    compliant: new Set(t.compliant),
    settled: new Set(t.settled),
  };
  // hosts.ndjson is in lower-case name order; the lines wait as bytes outside the heap.
  const lines: { key: string; bytes: Buffer }[] = [];
  for await (const text of createInterface({ input: createReadStream(inventory), crlfDelay: Infinity })) {
    if (!text) continue;
    const r = JSON.parse(text) as Scan;
    lines.push({ key: r.host.toLowerCase(), bytes: Buffer.from(hostLine(t, sets, r) + "\n") });
  }
  lines.sort((a, b) => byText(a.key, b.key));
  const out = createWriteStream(outFile);
  for (const l of lines) if (!out.write(l.bytes)) await new Promise<void>((r) => out.once("drain", () => r()));
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

const [table, inventory, out] = process.argv.slice(2);
const cpu = process.cpuUsage();
const t0 = performance.now();
await main(table!, inventory!, out!);
const used = process.cpuUsage(cpu);
process.stdout.write(
  JSON.stringify({ cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - t0 }) + "\n",
);
