// A plan for people: counts by status, the next windows, the most-missing updates (text or markdown).
import type { HostResult, Job, Plan } from "../model/plan.js";
import { compareText } from "../order.js";

export function planSummary(
  plan: Plan,
  hosts: readonly HostResult[],
  jobs: readonly Job[],
  format: "text" | "markdown",
  outDir: string | null,
): string {
  const md = format === "markdown";
  const lines: string[] = [];
  const h = (t: string) => lines.push(md ? `### ${t}` : t);
  lines.push(
    md
      ? `## patchops plan at ${plan.now}`
      : `patchops plan at ${plan.now} (policy ${plan.policyRevision?.slice(0, 12) ?? "working tree"})`,
  );
  if (plan.approvalVerification === "off") {
    lines.push(
      md
        ? "> ⚠️ **CAB approval verification is OFF** (demo mode): approved files are trusted as written."
        : "!! CAB approval verification is OFF (demo mode): approved files are trusted as written.",
    );
  }
  const s = plan.summary.byStatus;
  lines.push("");
  h("Hosts");
  lines.push(
    `${md ? "- " : "  "}${plan.summary.hosts} hosts: ${s.compliant} compliant, ${s.noncompliant} noncompliant, ${s.stale} stale, ${s.unscanned} unscanned, ${s.unmanaged} unmanaged`,
  );
  const j = plan.summary.jobs;
  lines.push(
    `${md ? "- " : "  "}${jobs.length} jobs: ${j.install} install, ${j.synthetic} synthetic, ${j.healthcheck} healthcheck, ${j.isolate} isolate, ${j.notify} notify`,
  );
  if (plan.pilot.hosts.length) lines.push(`${md ? "- " : "  "}reference collection: ${plan.pilot.hosts.join(", ")}`);
  const windows = new Map<string, { timeline: string; hosts: Set<string>; updates: Set<string> }>();
  for (const job of jobs) {
    if (job.type !== "install" && job.type !== "synthetic") continue;
    const key = `${job.window.start} → ${job.window.end}`;
    const w = windows.get(key) ?? { timeline: job.timeline, hosts: new Set(), updates: new Set() };
    w.hosts.add(job.host);
    job.updates.forEach((u) => w.updates.add(u));
    windows.set(key, w);
  }
  if (windows.size) {
    lines.push("");
    h("Next windows (UTC)");
    for (const [key, w] of [...windows].slice(0, 8))
      lines.push(
        `${md ? "- " : "  "}${key}  ${w.timeline.padEnd(9)} ${w.hosts.size} host${w.hosts.size === 1 ? "" : "s"}, ${[...w.updates].join(", ")}`,
      );
    if (windows.size > 8) lines.push(`${md ? "- " : "  "}… and ${windows.size - 8} more windows`);
  }
  const missing = Object.entries(plan.summary.updates)
    .map(([id, u]) => ({
      id,
      n: (u.states.missing ?? 0) + (u.states.overdue ?? 0) + (u.states.exempt ?? 0) + (u.states.blocked ?? 0),
      u,
    }))
    .filter((x) => x.n > 0)
    .sort((a, b) => b.n - a.n || compareText(a.id, b.id));
  if (missing.length) {
    lines.push("");
    h("Most-missing updates");
    for (const m of missing.slice(0, 8)) {
      const extra = [
        m.u.timeline === "emergency" ? "EMERGENCY" : "",
        m.u.states.overdue ? `${m.u.states.overdue} overdue` : "",
        m.u.pilot?.state === "failed"
          ? `PILOT FAILED on ${m.u.pilot.failedHosts.join(", ")}: held until a pull request decides`
          : m.u.held
            ? `held by pilot (${m.u.held.installed}/${m.u.held.pilotHosts})`
            : "",
      ]
        .filter(Boolean)
        .join(", ");
      lines.push(
        `${md ? "- " : "  "}${m.id.padEnd(12)} ${m.n} host${m.n === 1 ? "" : "s"}${extra ? ` (${extra})` : ""}`,
      );
    }
  }
  const unverified = Object.entries(plan.summary.updates).filter(([, u]) => u.unverified);
  if (unverified.length) {
    lines.push("");
    h("Approved but unverified (no jobs)");
    for (const [id, u] of unverified) lines.push(`${md ? "- " : "  "}${id}: ${u.unverified}`);
  }
  const attention = hosts.filter((x) => x.status === "stale" || x.status === "unscanned" || x.status === "unmanaged");
  if (attention.length) {
    lines.push("");
    h("Hosts needing attention");
    for (const x of attention.slice(0, 10))
      lines.push(`${md ? "- " : "  "}${x.host} (${x.status}): ${(x.notes ?? []).join("; ")}`);
    if (attention.length > 10) lines.push(`${md ? "- " : "  "}… and ${attention.length - 10} more`);
  }
  // The baseline's floor and its ceiling: hosts below it need an upgrade, updates above it may be unauthorised changes.
  const below = hosts.filter((x) => x.belowBaseline?.length);
  if (below.length) {
    lines.push("");
    h(`Below baseline (${below.length} host${below.length === 1 ? "" : "s"}, not compliant until brought up to it)`);
    for (const x of below.slice(0, 10))
      lines.push(
        `${md ? "- " : "  "}${x.host}: ${x.belowBaseline!.map((b) => `${b.reason} (${b.file}${b.line ? `:${b.line}` : ""})`).join("; ")}`,
      );
    if (below.length > 10) lines.push(`${md ? "- " : "  "}… and ${below.length - 10} more`);
  }
  const above = hosts.filter((x) => x.aboveBaseline.length);
  if (above.length) {
    lines.push("");
    h(
      `Above baseline (${above.length} host${above.length === 1 ? "" : "s"} with updates nobody approved: check for unauthorised changes)`,
    );
    for (const x of above.slice(0, 10)) lines.push(`${md ? "- " : "  "}${x.host}: ${x.aboveBaseline.join(", ")}`);
    if (above.length > 10) lines.push(`${md ? "- " : "  "}… and ${above.length - 10} more`);
  }
  if (plan.findings.length) {
    lines.push("");
    h("Findings");
    for (const f of plan.findings) lines.push(`${md ? "- " : "  "}${f.severity} ${f.code}: ${f.message}`);
  }
  if (outDir) lines.push("", `Wrote ${outDir}/plan.json, ${outDir}/hosts.ndjson, ${outDir}/jobs.ndjson`);
  return lines.join("\n") + "\n";
}
