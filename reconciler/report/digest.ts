// Markdown for people: the fleet summary for the workflow step summary, and one digest per owner team.
import { OPEN } from "../policy/states.js";
import { pushTo } from "../multimap.js";
import type { HostResult, Job, Plan } from "../model/plan.js";
import type { Compliance } from "./compliance.js";
import type { Metrics } from "./metrics.js";
import { compareText } from "../order.js";
import { escapeMarkdown as md } from "./markdown.js";

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

/** One digest per owner: their hosts, what will happen when, and how to patch early. */
export function ownerDigests(plan: Plan, hosts: readonly HostResult[], jobs: readonly Job[]): Map<string, string> {
  const byOwner = new Map<string, HostResult[]>();
  for (const h of hosts) if (h.owner) pushTo(byOwner, h.owner, h);
  const jobsByHost = new Map<string, Job[]>();
  for (const j of jobs) pushTo(jobsByHost, j.host, j);
  const out = new Map<string, string>();
  for (const [owner, list] of [...byOwner].sort(([a], [b]) => compareText(a, b))) {
    const attention = list.filter((h) => h.status !== "compliant");
    const lines = [
      `# Patch digest for ${md(owner)} — ${plan.now}`,
      "",
      `${list.length} hosts: ${list.filter((h) => h.status === "compliant").length} compliant, ${attention.length} need something.`,
      "",
      "## What will happen when",
      "",
      "| host | window (UTC) | timeline | updates | enforcement |",
      "|---|---|---|---|---|",
    ];
    for (const h of [...list].sort((a, b) => compareText(a.host, b.host))) {
      for (const j of jobsByHost.get(h.host) ?? []) {
        const what = j.type === "install" || j.type === "synthetic" ? j.updates.join(", ") : j.type;
        lines.push(
          `| ${md(h.host)} | ${j.window.start} – ${j.window.end.slice(11)} | ${j.timeline} | ${md(what)} | ${j.type === "install" || j.type === "synthetic" ? (j.enforcement.forceInstall ? "forced install and restart at the deadline" : "not forced") : "—"} |`,
        );
      }
    }
    lines.push("", "## Hosts that need attention", "");
    for (const h of attention.sort((a, b) => compareText(a.host, b.host))) {
      const open = Object.entries(h.updates)
        .filter(([, s]) => OPEN.has(s))
        .map(([id, s]) => `${id} (${s})`);
      lines.push(
        `- **${md(h.host)}** (${h.status}, period ${md(h.period ?? "none")})${open.length ? `: ${md(open.join(", "))}` : ""}${h.notes?.length ? ` — ${md(h.notes.join("; "))}` : ""}`,
      );
      for (const b of h.belowBaseline ?? [])
        lines.push(
          `  - below baseline ${b.baseline}: ${b.reason} (${b.file}${b.line ? `:${b.line}` : ""}); bring it up to the baseline`,
        );
    }
    const above = list.filter((h) => h.aboveBaseline.length).sort((a, b) => compareText(a.host, b.host));
    if (above.length) {
      lines.push("", "## Above baseline: installed updates nobody approved", "");
      for (const h of above)
        lines.push(`- **${h.host}**: ${h.aboveBaseline.join(", ")} (check for unauthorised changes)`);
    }
    if (attention.length === 0) lines.push("None.");
    lines.push(
      "",
      "## Patching early",
      "",
      "You may install any listed update before its window (Windows Update, `Install-WindowsUpdate`, or your deployment tool). The next scan reports it installed and the job is dropped; nothing is forced on a host that is already compliant.",
    );
    out.set(owner, lines.join("\n") + "\n");
  }
  return out;
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
