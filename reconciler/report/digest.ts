// Markdown for people: the fleet summary for the workflow step summary, and one digest per owner team.
import { createHash } from "node:crypto";
import { OPEN } from "../policy/states.js";
import { aboveBaselineCount, aboveBaselineUnlisted, type HostResult, type Job, type Plan } from "../model/plan.js";
import type { Compliance } from "./compliance.js";
import type { Metrics } from "./metrics.js";
import { compareText } from "../order.js";
import { escapeMarkdown as md } from "./markdown.js";
import { DEFAULT_RUN_BUDGET } from "../output/plan-stream.js";
import { SortedRuns } from "../output/sorted-runs.js";

export function summaryMarkdown(plan: Plan, c: Compliance, m: Metrics): string {
  const f = c.fleet;
  const lines = [
    `## Patch compliance at ${plan.now}`,
    plan.approvalVerification === "off" ? "\n> ⚠️ CAB approval verification was OFF for this plan.\n" : "",
    `**${f.percent ?? "—"}% compliant**: ${f.compliant} of ${f.hosts} hosts (${f.noncompliant} noncompliant, ${f.stale} stale, ${f.unscanned} unscanned, ${f.unmanaged} unmanaged).`,
    f.belowBaseline || f.aboveBaseline
      ? `Baselines: ${f.belowBaseline} host${f.belowBaseline === 1 ? "" : "s"} below (not compliant until brought up to it), ${f.aboveBaseline} with updates above it (nobody approved them).`
      : "",
    "",
    "| owner | hosts | compliant | noncompliant | stale | unscanned | % |",
    "|---|---|---|---|---|---|---|",
    ...c.byOwner.map(
      (g) =>
        `| ${md(g.name)} | ${g.hosts} | ${g.compliant} | ${g.noncompliant} | ${g.stale} | ${g.unscanned} | ${g.percent ?? "—"} |`,
    ),
    "",
    "| update | timeline | installed | missing | exempt | % |",
    "|---|---|---|---|---|---|",
    ...c.byUpdate
      .slice(0, 15)
      .map((u) => `| ${u.id} | ${u.timeline} | ${u.installed} | ${u.missing} | ${u.exempt} | ${u.percent ?? "—"} |`),
    "",
    `Emergency updates: ${m.emergencyRatio === null ? "—" : Math.round(m.emergencyRatio * 100) + "%"} · rejected RFCs: ${m.rejectedRatio === null ? "—" : Math.round(m.rejectedRatio * 100) + "%"} · snapshots: ${m.snapshots}`,
    ...pilotAndSaturationLines(plan, m),
  ];
  return lines.filter((l, i) => l !== "" || lines[i - 1] !== "").join("\n") + "\n";
}

/** What a digest says of one owner before its lists: counts. */
export interface OwnerCounts {
  hosts: number;
  compliant: number;
  /** Hosts that are not compliant. */
  attention: number;
  /** Hosts with installed updates above their baseline. */
  above: number;
}

/** A digest's lines for one host and section (0 what will happen, 1 attention, 2 above baseline). */
interface DigestLines {
  key: [owner: string, section: string, host: string];
  text: string;
}

/** By owner, section, then host as hosts.ndjson orders them (by lower-case name). */
const compareKeys = (a: DigestLines, b: DigestLines) =>
  compareText(a.key[0], b.key[0]) ||
  compareText(a.key[1], b.key[1]) ||
  compareText(a.key[2].toLowerCase(), b.key[2].toLowerCase());

/**
 * One digest per owner (their hosts, what will happen when, and how to patch early), gathered host by host in any
 * order: counts per owner in memory, each host's lines in sorted runs spilled to `dir` past `budget`.
 */
export class OwnerDigests {
  private readonly owners = new Map<string, OwnerCounts>();
  private readonly lines: SortedRuns<DigestLines>;

  constructor(
    private readonly plan: Plan,
    dir: string,
    budget = DEFAULT_RUN_BUDGET,
  ) {
    this.lines = new SortedRuns({
      compare: compareKeys,
      keyOf: ({ key }) => [key[0], key[1], key[2].toLowerCase()],
      dir,
      name: "digests",
      budget,
    });
  }

  /** A host with its jobs (in the order of jobs.ndjson); hosts without an owner are in no digest. */
  add(h: HostResult, jobs: readonly Job[]): void {
    const owner = h.owner;
    if (!owner) return;
    let o = this.owners.get(owner);
    if (!o) this.owners.set(owner, (o = { hosts: 0, compliant: 0, attention: 0, above: 0 }));
    o.hosts++;
    if (jobs.length)
      this.lines.add({
        key: [owner, "0", h.host],
        text: jobs
          .map((j) => {
            const what = j.type === "install" || j.type === "synthetic" ? j.updates.join(", ") : j.type;
            return `| ${md(h.host)} | ${j.window.start} – ${j.window.end.slice(11)} | ${j.timeline} | ${md(what)} | ${j.type === "install" || j.type === "synthetic" ? (j.enforcement.forceInstall ? "forced install and restart at the deadline" : "not forced") : "—"} |`;
          })
          .join("\n"),
      });
    if (h.status === "compliant") o.compliant++;
    else {
      o.attention++;
      const open = Object.entries(h.updates)
        .filter(([, s]) => OPEN.has(s))
        .map(([id, s]) => `${id} (${s})`);
      const text = [
        `- **${md(h.host)}** (${h.status}, period ${md(h.period ?? "none")})${open.length ? `: ${md(open.join(", "))}` : ""}${h.notes?.length ? ` — ${md(h.notes.join("; "))}` : ""}`,
      ];
      for (const b of h.belowBaseline ?? [])
        text.push(
          `  - below baseline ${b.baseline}: ${b.reason} (${b.file}${b.line ? `:${b.line}` : ""}); bring it up to the baseline`,
        );
      this.lines.add({ key: [owner, "1", h.host], text: text.join("\n") });
    }
    const above = aboveBaselineCount(h);
    if (above > 0) {
      o.above++;
      // A compact line counts them (the inventory's installed list minus what the policy names): explain lists them.
      const what = h.aboveBaseline ? md(h.aboveBaseline.join(", ")) : aboveBaselineUnlisted(above, md(h.host));
      this.lines.add({
        key: [owner, "2", h.host],
        text: `- **${md(h.host)}**: ${what} (check for unauthorised changes)`,
      });
    }
  }

  /**
   * Each owner's digest as chunks of text, in owner order. The digests share one pass over the spilled lines: read
   * them in this order (some may be left out), each once.
   */
  digests(): [owner: string, text: Iterable<string>, counts: Readonly<OwnerCounts>][] {
    const owners = [...this.owners].sort(([a], [b]) => compareText(a, b));
    let lines: Iterator<string> | undefined;
    let head: DigestLines | null = null;
    let reading: string | null = null;
    const next = () => {
      const r = lines!.next();
      head = r.done ? null : (JSON.parse(r.value) as DigestLines);
    };
    /** The lines of one owner's section, skipping those of owners left out before it. */
    function* section(owner: string, s: string): Generator<string> {
      while (head && compareText(head.key[0], owner) < 0) next();
      while (head && head.key[0] === owner && head.key[1] === s) {
        yield head.text + "\n";
        next();
      }
    }
    const plan = this.plan;
    const all = this.lines;
    return owners.map(([owner, o]) => [
      owner,
      {
        *[Symbol.iterator]() {
          if (reading !== null && compareText(owner, reading) <= 0)
            throw new Error(`the digest of ${owner} was read out of order (after ${reading})`);
          reading = owner;
          if (!lines) {
            lines = all.lines()[Symbol.iterator]();
            next();
          }
          yield [
            `# Patch digest for ${md(owner)} — ${plan.now}`,
            "",
            `${o.hosts} hosts: ${o.compliant} compliant, ${o.attention} need something.`,
            "",
            "## What will happen when",
            "",
            "| host | window (UTC) | timeline | updates | enforcement |",
            "|---|---|---|---|---|",
            "",
          ].join("\n");
          yield* section(owner, "0");
          yield "\n## Hosts that need attention\n\n";
          yield* section(owner, "1");
          if (o.above) {
            yield "\n## Above baseline: installed updates nobody approved\n\n";
            yield* section(owner, "2");
          }
          if (o.attention === 0) yield "None.\n";
          yield "\n## Patching early\n\nYou may install any listed update before its window (Windows Update, `Install-WindowsUpdate`, or your deployment tool). The next scan reports it installed and the job is dropped; nothing is forced on a host that is already compliant.\n";
        },
      },
      o,
    ]);
  }
}

/** Failed pilots the CAB must decide on, and the seed's Table 4 saturation intervals (hours). */
function pilotAndSaturationLines(plan: Plan, m: Metrics): string[] {
  const lines: string[] = [];
  const failed = Object.entries(plan.summary.updates).filter(([, u]) => u.pilot?.state === "failed");
  if (failed.length > 0) {
    lines.push("", "**Pilot failed — the broad wave is held until a pull request decides:**");
    for (const [id, u] of failed)
      lines.push(`- ${id}: not installed on ${u.pilot!.failedHosts.join(", ")} after the pilot window`);
  }
  const rows = m.updates.filter((u) => u.table4.testTo60 !== null || u.hoursTo60 !== null);
  if (rows.length > 0) {
    const h = (x: number | null) => (x === null ? "—" : String(x));
    lines.push(
      "",
      "| update | test success → 60 % (h) | 60 → 80 % (h) | 80 → 90 % (h) | approval → 60 % (h) |",
      "|---|---|---|---|---|",
      ...rows
        .slice(0, 15)
        .map(
          (u) =>
            `| ${u.id} | ${h(u.table4.testTo60)} | ${h(u.table4.from60To80)} | ${h(u.table4.from80To90)} | ${h(u.hoursTo60)} |`,
        ),
    );
  }
  return lines;
}

/**
 * The file of an owner's digest under digests/: the owner's own name when it is already a safe, lower-case file name,
 * else its safe form with a short hash of the exact name, so "web platform", "web_platform" and "Web_Platform" get
 * three files (on case-insensitive disks too) and no team's digest overwrites another's.
 */
export function digestFileName(owner: string): string {
  if (/^[a-z0-9_-][a-z0-9._-]{0,99}$/.test(owner)) return `digests/${owner}.md`;
  const safe = owner
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, "_")
    .replace(/^\./, "_")
    .slice(0, 80);
  const hash = createHash("sha256").update(owner, "utf8").digest("hex").slice(0, 12);
  return `digests/${safe}-${hash}.md`;
}
