// `npm run bench`: the streaming plan users run, at fleet scale, each figure printed beside its target (issues 16, 33);
// then explain for one host, validate on 10,000 Update files and a large assignment file against `yaml` alone.
// Plan time is CPU time (user + system) beside the parse floor's, each in a fresh process, in alternating pairs; beside
// it the minimal program's (bench/minimal.ts, the reachable limit) and DuckDB's on a narrower question (the peer).
//   npm run bench                 50k and 300k hosts with 300 and 2,000 updates, and the diverse fleet's 50k and 300k × 300
//   npm run bench -- --quick      10k and 50k hosts with 300 updates, and the diverse 50k × 300, one pair each
//   npm run bench -- --full       adds 1,000,000 hosts × 2,000 updates (slow; the memory target)
//   npm run bench -- --profile    one 50k × 300 plan under --cpu-prof; prints the top self-time functions
//                                 (add --diverse for the diverse fleet)
//   npm run bench -- 300000x300   only the cases named (hosts x updates; a trailing d: the diverse fleet, 50000x300d)
// Figures go to stdout and, as a markdown table, to out/bench.md (scripts/bench-table.py puts it in the README);
// a quick run or named cases write out/bench-partial.md instead, so they never replace the whole run's table.
import { execFileSync } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseDocument } from "yaml";
import { loadPlanInputs } from "../reconciler/app/plan-inputs.js";
import { workingTreeSource } from "../reconciler/load/source.js";
import { PlanDirWriter } from "../reconciler/output/plan-stream.js";
import { reconcileInto } from "../reconciler/plan/reconcile.js";
import { PlanDigest } from "../reconciler/report/plan-digest.js";
import { validateSource } from "../reconciler/validate/validate.js";
import { generateFleet } from "./fleet.js";
import { writeMinimalTable, type MinimalTable } from "./minimal-table.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");
const NOW_ISO = "2026-12-10T09:00:00Z";
/** Floor and plan run in alternating pairs, each in a fresh process; the ratio is the median pair's. */
const PAIRS = 3;

/** CPU (user + system, every thread of the process) and wall time of `work`, in ms. */
async function measured<T>(work: () => Promise<T>): Promise<{ cpuMs: number; wallMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - t, value };
}

/** The floor: read the inventory and JSON.parse each line, nothing else (a child of its own). */
async function floorChild(dir: string): Promise<void> {
  const m = await measured(async () => {
    for await (const line of createInterface({
      input: createReadStream(join(dir, "inventory.jsonl")),
      crlfDelay: Infinity,
    }))
      if (line) JSON.parse(line);
  });
  process.stdout.write(JSON.stringify({ cpuMs: m.cpuMs, wallMs: m.wallMs }) + "\n");
}

interface ChildFigures {
  hosts: number;
  jobs: number;
  cpuMs: number;
  planMs: number;
  loadMs: number;
  reconcileMs: number;
  writeMs: number;
  maxRssMiB: number;
}

/** Runs in a child process so its peak RSS is its own: the same calls `patchops plan` makes. */
async function child(dir: string): Promise<void> {
  const inventory = join(dir, "inventory.jsonl");
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const loaded = await loadPlanInputs({
    repo: dir,
    inventory: [inventory],
    now: NOW,
    verifyApprovals: false,
    summaries: true,
  });
  if (!loaded.input) throw new Error(`generated policy invalid: ${loaded.policyErrors[0]?.message}`);
  const t1 = performance.now();
  const writer = new PlanDirWriter();
  const digest = new PlanDigest();
  let hosts = 0;
  let jobs = 0;
  const { plan } = reconcileInto(loaded.input, {
    onHost: (h, above) => {
      hosts++;
      writer.onHost(h);
      digest.addHost(h, above);
    },
    onJob: (j) => {
      jobs++;
      writer.onJob(j);
      digest.addJob(j);
    },
  });
  const t2 = performance.now();
  await writer.write(join(dir, "out"), plan);
  loaded.input.inventory.dispose?.();
  const t3 = performance.now();
  const used = process.cpuUsage(cpu);
  const figures: ChildFigures = {
    hosts,
    jobs,
    cpuMs: (used.user + used.system) / 1000,
    planMs: t3 - t0,
    loadMs: t1 - t0,
    reconcileMs: t2 - t1,
    writeMs: t3 - t2,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(figures) + "\n");
}

/**
 * The peer (issue 33): DuckDB answers the narrower question "which hosts miss which approved updates" (the approved
 * updates hosts are measured against, by OS name or product, that a host does not list as installed; no supersedence,
 * builds, states or windows), from the same inventory, writing the pairs as CSV. Timed in a child of its own.
 */
async function duckdbChild(dir: string): Promise<void> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const table = JSON.parse(await readFile(join(dir, "minimal-table.json"), "utf8")) as MinimalTable;
  const rows = [
    "target,id",
    ...Object.entries(table.byOs).flatMap(([os, ids]) => ids.map(([id]) => `${os},${id}`)),
    ...Object.entries(table.byProduct).flatMap(([p, ids]) => ids.map((id) => `${p},${id}`)),
  ];
  await writeFile(join(dir, "approved.csv"), rows.join("\n") + "\n");
  const sql = (p: string) => `'${p.replace(/'/g, "''")}'`;
  const m = await measured(async () => {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run(`CREATE TABLE approved AS SELECT * FROM read_csv(${sql(join(dir, "approved.csv"))}, header = true)`);
    await c.run(`CREATE TABLE scan AS SELECT * FROM read_json(${sql(join(dir, "inventory.jsonl"))},
      format = 'newline_delimited',
      columns = {host: 'VARCHAR', os: 'STRUCT(family VARCHAR, name VARCHAR, version VARCHAR)', installed: 'VARCHAR[]',
                 products: 'STRUCT(name VARCHAR, version VARCHAR)[]'})`);
    await c.run(`COPY (
      WITH targets AS (
        SELECT host, installed, os.name AS target FROM scan
        UNION ALL SELECT host, installed, lower(unnest(products).name) AS target FROM scan)
      SELECT t.host, a.id FROM targets t JOIN approved a ON a.target = t.target
      WHERE NOT list_contains(t.installed, a.id) ORDER BY t.host, a.id
    ) TO ${sql(join(dir, "duck-missing.csv"))} (HEADER false)`);
    const n = await c.runAndReadAll(`SELECT count(*) FROM read_csv(${sql(join(dir, "duck-missing.csv"))})`);
    return Number(n.getRows()[0]![0]);
  });
  process.stdout.write(JSON.stringify({ cpuMs: m.cpuMs, wallMs: m.wallMs, pairs: m.value }) + "\n");
}

/** Node's default heap limit on this machine (it grows with the machine's memory). */
function defaultHeapMiB(): number {
  return Number(
    execFileSync(process.execPath, ["-p", "Math.round(require('v8').getHeapStatistics().heap_size_limit / 1048576)"], {
      encoding: "utf8",
    }).trim(),
  );
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const n = (x: number) => x.toLocaleString("en-US");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** The machine's load when a figure was taken (the 1-minute average, as `uptime` shows it). */
const load = () => `load ${loadavg()[0]!.toFixed(2)}`;

interface Row {
  figure: string;
  measured: string;
  target: string;
  met: boolean | null;
}

/** The child's heap limit: Node's own default (as `patchops plan` runs), or PATCHOPS_BENCH_HEAP_MIB, or `heapMiB`. */
function runChild(args: string[], heapMiB = Number(process.env.PATCHOPS_BENCH_HEAP_MIB ?? 0)): string {
  return execFileSync(process.execPath, [...(heapMiB > 0 ? [`--max-old-space-size=${heapMiB}`] : []), ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The last line a child printed, as JSON. */
function lastJson<T>(out: string): T {
  return JSON.parse(out.trim().split("\n").pop()!) as T;
}

interface Case {
  hosts: number;
  updates: number;
  diverse: boolean;
}

const caseName = (c: Case) => `${n(c.hosts)} hosts × ${n(c.updates)} updates${c.diverse ? " (diverse fleet)" : ""}`;

async function planCase(c: Case, rows: Row[], points: { c: Case; cpuMs: number }[], pairs: number) {
  const { hosts, updates } = c;
  const dir = await mkdtemp(join(tmpdir(), "patchops-bench-"));
  const self = process.argv[1]!;
  const minimal = join(self, "..", "minimal.js");
  try {
    await generateFleet(dir, { hosts, updates, diverse: c.diverse });
    const at = load();
    const floors: { cpuMs: number; wallMs: number }[] = [];
    const plans: ChildFigures[] = [];
    const minimals: { cpuMs: number; wallMs: number }[] = [];
    let identical = "";
    for (let i = 0; i < pairs; i++) {
      floors.push(lastJson(runChild([self, "--floor", dir])));
      try {
        plans.push(lastJson(runChild([self, "--child", dir])));
      } catch (err) {
        const e = err as { status?: number; signal?: string; stderr?: string };
        const oom = /heap out of memory|Allocation failed/i.test(e.stderr ?? "");
        rows.push({
          figure: `plan ${caseName(c)}`,
          measured: oom ? "out of memory" : `failed (exit ${e.status ?? e.signal})`,
          target: "completes",
          met: false,
        });
        return;
      }
      const planned = join(dir, "out", "hosts.ndjson");
      if (i === 0) {
        // The detail the plan was written with, as plan.json records it (full lines carry `counts` too).
        const detail = (JSON.parse(await readFile(join(dir, "out", "plan.json"), "utf8")) as { detail?: string })
          .detail;
        runChild([self, "--table", dir, detail === "full" ? "full" : "compact"]);
      }
      const written = join(dir, "minimal-hosts.ndjson");
      minimals.push(
        lastJson(runChild([minimal, join(dir, "minimal-table.json"), join(dir, "inventory.jsonl"), written])),
      );
      identical = sameBytes(planned, written);
    }
    const ratios = plans.map((p, i) => floors[i]!.cpuMs / p.cpuMs);
    const ratio = median(ratios);
    const r = plans[ratios.indexOf(ratio)]!;
    const floor = floors[ratios.indexOf(ratio)]!;
    points.push({ c, cpuMs: median(plans.map((p) => p.cpuMs)) });
    rows.push({
      figure: `floor/plan (CPU), ${caseName(c)}`,
      measured: `${ratio.toFixed(3)} (pairs ${ratios.map((x) => x.toFixed(3)).join(", ")}; median pair: plan ${s(r.cpuMs)} CPU, ${s(r.planMs)} wall: load ${s(r.loadMs)}, reconcile ${s(r.reconcileMs)}, write ${s(r.writeMs)}; floor ${s(floor.cpuMs)} CPU, ${s(floor.wallMs)} wall; ${n(Math.round(hosts / (r.planMs / 1000)))} hosts/s; ${n(r.jobs)} jobs; peak ${n(Math.round(r.maxRssMiB))} MiB; ${at})`,
      target: "≥ 0.15 (aim 0.2)",
      met: ratio >= 0.15,
    });
    const mRatios = minimals.map((m, i) => floors[i]!.cpuMs / m.cpuMs);
    const mRatio = median(mRatios);
    const mCpu = median(minimals.map((m) => m.cpuMs));
    rows.push({
      figure: `floor/minimal program (CPU; reads, parses, checks installed ids, writes the same hosts.ndjson), ${caseName(c)}`,
      measured: `${mRatio.toFixed(3)} (pairs ${mRatios.map((x) => x.toFixed(3)).join(", ")}; ${s(mCpu)} CPU; plan takes ${(median(plans.map((p) => p.cpuMs)) / mCpu).toFixed(1)} × its CPU; ${identical})`,
      target: "(the reachable limit, not a target)",
      met: null,
    });
    const duck = lastJson<{ cpuMs: number; wallMs: number; pairs: number }>(runChild([self, "--duckdb", dir]));
    rows.push({
      figure: `DuckDB, "which hosts miss which approved updates" (the peer), ${caseName(c)}`,
      measured: `${s(duck.cpuMs)} CPU, ${s(duck.wallMs)} wall, ${n(duck.pairs)} host-update pairs; plan takes ${(median(plans.map((p) => p.cpuMs)) / duck.cpuMs).toFixed(1)} × its CPU (${load()})`,
      target: "(the peer, not a target)",
      met: null,
    });
    if (hosts >= 1_000_000) {
      const peak = Math.max(...plans.map((p) => p.maxRssMiB));
      rows.push({
        figure: `peak RSS, ${caseName(c)} (Node's default heap limit, ${n(defaultHeapMiB())} MiB here; the highest of ${plans.length} runs)`,
        measured: `${n(Math.round(peak))} MiB`,
        target: "< 1,536 MiB",
        met: peak < 1536,
      });
      // The same plan under a smaller heap, which shows what the plan holds rather than how long the collector lets
      // garbage wait.
      let capped: ChildFigures | null = null;
      try {
        capped = lastJson(runChild([self, "--child", dir], 1024));
      } catch {
        capped = null;
      }
      rows.push({
        figure: `peak RSS, ${caseName(c)} (heap capped at 1,024 MiB)`,
        measured: capped ? `${n(Math.round(capped.maxRssMiB))} MiB (plan ${s(capped.planMs)})` : "out of memory",
        target: "(what the plan holds)",
        met: null,
      });
    }
    if (hosts === 300_000 && updates === 300 && !c.diverse)
      rows.push(...(await explainCases(dir, median(floors.map((f) => f.wallMs)))));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether two files hold the same bytes, said for the table (`cmp` names the first difference). */
function sameBytes(a: string, b: string): string {
  try {
    execFileSync("cmp", [a, b], { stdio: ["ignore", "pipe", "pipe"] });
    return "the same hosts.ndjson, byte for byte";
  } catch (err) {
    const out = String((err as { stdout?: Buffer }).stdout ?? "").trim();
    return `NOT the same hosts.ndjson (${out || "cmp failed"}): the limit is not valid`;
  }
}

/**
 * `patchops explain` for one host of the fleet, timed from outside like a user would (a fresh process): from the
 * inventory alone, and with `--plan` (the plan the child just wrote from the same inputs), which is the target's case.
 */
async function explainCases(dir: string, floorMs: number): Promise<Row[]> {
  const cli = join(process.argv[1]!, "..", "..", "reconciler", "cli", "main.js");
  const time = (extra: string[]) => {
    const args = ["explain", "--repo", dir, "--host", "h123", "--inventory", join(dir, "inventory.jsonl")];
    const argv = JSON.stringify(["node", "patchops", ...args, "--no-verify-approvals", ...extra]);
    const t = performance.now();
    runChild([
      "--input-type=module",
      "-e",
      `const { main } = await import(${JSON.stringify(cli)}); process.exitCode = await main(${argv});`,
    ]);
    return performance.now() - t;
  };
  const whole = time(["--now", NOW_ISO]);
  const planned = time(["--plan", join(dir, "out")]);
  return [
    {
      figure: "explain one host of 300,000, from the inventory alone",
      measured: `${s(whole)} (${(whole / floorMs).toFixed(1)} × the parse floor)`,
      target: "(no target: every line is read)",
      met: null,
    },
    {
      figure: "explain one host of 300,000, with --plan",
      measured: `${s(planned)} (${(planned / floorMs).toFixed(2)} × the parse floor)`,
      target: "< 2 × the parse floor",
      met: planned < 2 * floorMs,
    },
  ];
}

/** `yaml` alone on the files validate reads: the Update files and the assignments (a child of its own, cold). */
async function yamlChild(dir: string): Promise<void> {
  const files: string[] = [];
  for (const sub of ["policies/updates", "windows/assignments"])
    for (const f of await readdir(join(dir, sub))) files.push(join(dir, sub, f));
  const m = await measured(async () => {
    for (const f of files) parseDocument(await readFile(f, "utf8")).toJS();
  });
  process.stdout.write(JSON.stringify({ cpuMs: m.cpuMs, wallMs: m.wallMs, files: files.length }) + "\n");
}

/** `patchops validate`'s work on the same repository (a child of its own, cold). */
async function validateChild(dir: string): Promise<void> {
  const m = await measured(() => validateSource(workingTreeSource(dir), NOW));
  process.stdout.write(JSON.stringify({ cpuMs: m.cpuMs, wallMs: m.wallMs }) + "\n");
}

async function validateCase(rows: Row[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "patchops-bench-validate-"));
  try {
    await generateFleet(dir, { hosts: 40_000, updates: 10_000 });
    const self = process.argv[1]!;
    const at = load();
    const yaml = lastJson<{ cpuMs: number; wallMs: number; files: number }>(runChild([self, "--yaml", dir]));
    const validate = lastJson<{ cpuMs: number; wallMs: number }>(runChild([self, "--validate", dir]));
    rows.push({
      figure: "validate 10,000 Update files (+ assignments for 40,000 hosts), each timed cold in its own process",
      measured: `${s(validate.cpuMs)} CPU (${s(validate.wallMs)} wall); yaml alone ${s(yaml.cpuMs)} CPU (${s(yaml.wallMs)} wall) on the same ${n(yaml.files)} files (yaml/validate ${(yaml.cpuMs / validate.cpuMs).toFixed(2)}; ${at})`,
      target: "≤ yaml's own CPU time (ratio ≥ 1)",
      met: validate.cpuMs <= yaml.cpuMs,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Self time by function from a V8 CPU profile, top first. */
function topSelf(profile: {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}): { name: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const f = node.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(dist|node_modules)\//, "$1/")}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"} ${where}`.trim();
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self]
    .map(([name, ms]) => ({ name, ms, share: ms / total }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 15);
}

async function profileCase(diverse: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "patchops-bench-profile-"));
  try {
    await generateFleet(dir, { hosts: 50_000, updates: 300, diverse });
    runChild(["--cpu-prof", "--cpu-prof-dir", join(dir, "prof"), process.argv[1]!, "--child", dir]);
    const file = (await readdir(join(dir, "prof")))[0]!;
    await mkdir("out", { recursive: true });
    const text = await readFile(join(dir, "prof", file), "utf8");
    await writeFile("out/bench.cpuprofile", text);
    const top = topSelf(JSON.parse(text));
    const total = top[0] ? top[0].ms / top[0].share : 0;
    console.log(
      `top self time, plan of 50,000 hosts × 300 updates${diverse ? " (diverse fleet)" : ""}, ${s(total)} sampled (out/bench.cpuprofile; ${load()}):`,
    );
    for (const t of top) console.log(`  ${(t.share * 100).toFixed(1).padStart(5)} %  ${t.name}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A case named on the command line: `50000x300`, or `50000x300d` for the diverse fleet. */
function parseCase(a: string): Case {
  const [, hosts, updates, d] = /^(\d+)x(\d+)(d?)$/.exec(a)!;
  return { hosts: Number(hosts), updates: Number(updates), diverse: d === "d" };
}

/** The fitted exponent of plan CPU time in hosts, for cases alike but in hosts. */
function exponent(points: { c: Case; cpuMs: number }[]): number {
  const xs = points.map((p) => Math.log(p.c.hosts));
  const ys = points.map((p) => Math.log(p.cpuMs));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  return xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") return child(args[1]!);
  if (args[0] === "--floor") return floorChild(args[1]!);
  if (args[0] === "--duckdb") return duckdbChild(args[1]!);
  if (args[0] === "--yaml") return yamlChild(args[1]!);
  if (args[0] === "--validate") return validateChild(args[1]!);
  if (args[0] === "--table") {
    await writeMinimalTable(args[1]!, NOW, args[2] === "compact");
    return;
  }
  if (args.includes("--profile")) return profileCase(args.includes("--diverse"));
  const quick = args.includes("--quick");
  const chosen = args.filter((a) => /^\d+x\d+d?$/.test(a)).map(parseCase);
  const cases: Case[] = chosen.length
    ? chosen
    : quick
      ? ["10000x300", "50000x300", "50000x300d"].map(parseCase)
      : [
          ...["50000x300", "50000x2000", "300000x300", "300000x2000", "50000x300d", "300000x300d"],
          ...(args.includes("--full") ? ["1000000x2000"] : []),
        ].map(parseCase);
  const pairs = quick ? 1 : PAIRS;
  console.log(`patchops bench on node ${process.version}${quick ? " (quick)" : ""}`);
  const rows: Row[] = [];
  const points: { c: Case; cpuMs: number }[] = [];
  const line = (r: Row) =>
    console.log(
      `${r.figure}: ${r.measured}${r.met === null ? "" : `  [target ${r.target}: ${r.met ? "met" : "missed"}]`}`,
    );
  for (const c of cases) {
    const before = rows.length;
    await planCase(c, rows, points, pairs);
    rows.slice(before).forEach(line);
  }
  for (const [label, alike] of [
    ["2,000 updates", (c: Case) => !c.diverse && c.updates === 2000],
    ["the diverse fleet, 300 updates", (c: Case) => c.diverse && c.updates === 300],
  ] as const) {
    const series = points.filter((p) => alike(p.c));
    if (series.length < 2) continue;
    const k = exponent(series);
    rows.push({
      figure: `fitted exponent of plan CPU time in hosts (${label}, ${series.map((p) => n(p.c.hosts)).join(" / ")})`,
      measured: k.toFixed(2),
      target: "≤ 1.05",
      met: k <= 1.05,
    });
    line(rows[rows.length - 1]!);
  }
  if (!quick && !chosen.length) {
    await validateCase(rows);
    line(rows[rows.length - 1]!);
  }
  const table = [
    "| figure | measured | target | |",
    "|---|---|---|---|",
    ...rows.map(
      (r) => `| ${r.figure} | ${r.measured} | ${r.target} | ${r.met === null ? "" : r.met ? "met" : "missed"} |`,
    ),
  ].join("\n");
  console.log("\n" + table);
  await mkdir("out", { recursive: true });
  // Only a whole run (the default cases, or --full) replaces the figures the README shows.
  const target = quick || chosen.length ? "out/bench-partial.md" : "out/bench.md";
  await writeFile(
    target,
    `Measured ${new Date().toISOString().slice(0, 10)} on node ${process.version}${quick ? " (quick run)" : ""}:\n\n${table}\n`,
  );
  console.log(
    target === "out/bench.md"
      ? "\nwrote out/bench.md (python3 scripts/bench-table.py puts it in the README)"
      : `\nwrote ${target} (a partial run: the README's table comes from a whole run)`,
  );
}

await main();
