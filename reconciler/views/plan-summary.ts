// A plan for people: counts by status, the next windows, the most-missing updates (text or markdown).
import { aboveBaselineUnlisted, type HostResult, type Job, type Plan } from "../model/plan.js";
import { oneLine } from "../log-safe.js";
import { compareText } from "../order.js";
import { escapeMarkdown } from "../report/markdown.js";
import { patchesOf } from "../report/patches.js";
import { PlanDigest } from "../report/plan-digest.js";

/** How many names a summary line lists before "… and N more": a step summary must stay readable at 20,000 hosts. */
export const LIST_LIMIT = 20;
/** How many findings a summary lists; plan.json keeps them all. */
export const FINDINGS_LIMIT = 50;

/** Names joined with ", ", cut after `limit` with "… and N more". */
export function cutList(names: readonly string[], limit = LIST_LIMIT): string {
  if (names.length <= limit) return names.join(", ");
  return `${names.slice(0, limit).join(", ")} … and ${names.length - limit} more`;
}

export function planSummary(
  plan: Plan,
  hosts: readonly HostResult[],
  jobs: readonly Job[],
  format: "text" | "markdown",
  outDir: string | null,
): string {
  return planSummaryOf(plan, PlanDigest.of(hosts, jobs), format, outDir);
}

/** The summary from a digest gathered while hosts and jobs streamed to their files. */
export function planSummaryOf(
  plan: Plan,
  digest: PlanDigest,
  format: "text" | "markdown",
  outDir: string | null,
): string {
  const md = format === "markdown";
  // Host names, notes, ids and messages come from inventories and policy files: in Markdown (the step summary) they
  // go through the one Markdown escaper, so a host named like a link or an image stays text.
  const t = (value: string | number): string => (md ? escapeMarkdown(value) : String(value));
  const names = (values: readonly string[], limit = LIST_LIMIT): string => cutList(values.map(t), limit);
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
    `${md ? "- " : "  "}${digest.jobs} jobs: ${j.install} install, ${j.synthetic} synthetic, ${j.healthcheck} healthcheck, ${j.isolate} isolate, ${j.notify} notify`,
  );
  if (plan.pilot.hosts.length) lines.push(`${md ? "- " : "  "}reference collection: ${names(plan.pilot.hosts)}`);
  const windows = digest.windows();
  if (windows.length) {
    lines.push("");
    h("Next windows (UTC)");
    for (const w of windows.slice(0, 8))
      lines.push(
        `${md ? "- " : "  "}${t(w.key)}  ${t(w.timeline.padEnd(9))} ${w.hosts} host${w.hosts === 1 ? "" : "s"}, ${names(w.updates)}`,
      );
    if (windows.length > 8) lines.push(`${md ? "- " : "  "}… and ${windows.length - 8} more windows`);
  }
  // Patches, not package versions: a Linux advisory's (or a source package's day's) versions are one line, its hosts
  // counted once each (plan.json summary.patches); any other update is its own line.
  const missing = [...patchesOf(plan.summary.updates, plan.summary.patches ?? {})]
    .map(([id, p]) => {
      const s = p.states;
      const n = (s.missing ?? 0) + (s.overdue ?? 0) + (s.exempt ?? 0) + (s.blocked ?? 0) + (s.failed ?? 0);
      // A single update keeps its own figures (held, the pilot's failed hosts).
      const single = p.updates.length === 1 && p.updates[0] === id ? plan.summary.updates[id]! : null;
      return { id, n, p, single };
    })
    .filter((x) => x.n > 0)
    .sort((a, b) => b.n - a.n || compareText(a.id, b.id));
  if (missing.length) {
    lines.push("");
    h("Most-missing updates");
    for (const m of missing.slice(0, 8)) {
      const u = m.single;
      const extra = [
        m.p.timeline === "emergency" ? "EMERGENCY" : "",
        u ? "" : `${m.p.updates.length} package versions`,
        m.p.states.overdue ? `${m.p.states.overdue} overdue` : "",
        m.p.states.failed ? `${m.p.states.failed} failed` : "",
        u?.pilot?.state === "failed"
          ? `PILOT FAILED on ${names(u.pilot.failedHosts)}: held until a pull request decides`
          : u?.held
            ? `held by pilot (${u.held.installed}/${u.held.pilotHosts})`
            : "",
      ]
        .filter(Boolean)
        .join(", ");
      lines.push(
        `${md ? "- " : "  "}${t(m.id.padEnd(12))} ${m.n} host${m.n === 1 ? "" : "s"}${extra ? ` (${extra})` : ""}`,
      );
    }
  }
  const unverified = Object.entries(plan.summary.updates).filter(([, u]) => u.unverified);
  if (unverified.length) {
    lines.push("");
    h("Approved but unverified (no jobs)");
    for (const [id, u] of unverified.slice(0, LIST_LIMIT))
      lines.push(`${md ? "- " : "  "}${t(id)}: ${t(u.unverified!)}`);
    if (unverified.length > LIST_LIMIT) lines.push(`${md ? "- " : "  "}… and ${unverified.length - LIST_LIMIT} more`);
  }
  const attention = digest.attention;
  if (attention.count) {
    lines.push("");
    h("Hosts needing attention");
    for (const x of attention.first)
      lines.push(`${md ? "- " : "  "}${t(x.host)} (${t(x.status)}): ${(x.notes ?? []).map(t).join("; ")}`);
    if (attention.count > 10) lines.push(`${md ? "- " : "  "}… and ${attention.count - 10} more`);
  }
  // The baseline's floor and its ceiling: hosts below it need an upgrade, updates above it may be unauthorised changes.
  const below = digest.below;
  if (below.count) {
    lines.push("");
    h(`Below baseline (${below.count} host${below.count === 1 ? "" : "s"}, not compliant until brought up to it)`);
    for (const x of below.first)
      lines.push(
        `${md ? "- " : "  "}${t(x.host)}: ${x.belowBaseline!.map((b) => `${t(b.reason)} (${t(b.file)}${b.line ? `:${b.line}` : ""})`).join("; ")}`,
      );
    if (below.count > 10) lines.push(`${md ? "- " : "  "}… and ${below.count - 10} more`);
  }
  const above = digest.above;
  if (above.count) {
    lines.push("");
    h(
      `Above baseline (${above.count} host${above.count === 1 ? "" : "s"} with updates nobody approved: check for unauthorised changes)`,
    );
    // Read from a compact plan file, a host's ids are only counted: explain with the inventory lists them.
    for (const x of above.first)
      lines.push(
        `${md ? "- " : "  "}${t(x.host)}: ${x.ids ? names(x.ids) : aboveBaselineUnlisted(x.count, t(x.host))}`,
      );
    if (above.count > 10) lines.push(`${md ? "- " : "  "}… and ${above.count - 10} more`);
  }
  if (plan.findings.length) {
    lines.push("");
    h("Findings");
    for (const f of plan.findings.slice(0, FINDINGS_LIMIT))
      lines.push(`${md ? "- " : "  "}${f.severity} ${f.code}: ${t(f.message)}`);
    if (plan.findings.length > FINDINGS_LIMIT)
      lines.push(
        `${md ? "- " : "  "}… and ${plan.findings.length - FINDINGS_LIMIT} more findings (plan.json lists them all)`,
      );
  }
  if (outDir)
    lines.push(
      "",
      `Wrote ${t(outDir)}/plan.json, ${t(outDir)}/hosts.ndjson, ${t(outDir)}/jobs.ndjson, ${t(outDir)}/exposure.ndjson`,
    );
  // Host names and notes come from inventory: one value must never become a line of its own in a CI log.
  return lines.map(oneLine).join("\n") + "\n";
}
