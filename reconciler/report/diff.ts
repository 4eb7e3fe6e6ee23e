// The impact of a policy change as markdown for a pull-request comment: a verdict, what still needs approval, the
// inventory's age and the job changes visible; details folded away. Every policy or inventory string is escaped.
import { pushTo } from "../multimap.js";
import type { PullRequestVerdict } from "../approvals/pull-request.js";
import type { Diagnostic } from "../diagnostics.js";
import type { PolicySet } from "../load/policy-set.js";
import type { Job } from "../model/plan.js";
import type { ReconcileResult } from "../plan/reconcile.js";
import { isoLocal } from "../schedule/wall-clock.js";
import { exemptionEnd } from "../policy/exemptions.js";
import { compareText } from "../order.js";
import { codeLine, escapeMarkdown as md } from "./markdown.js";
import { jobChanges, type InventoryFacts, type JobChange } from "./plan-diff.js";

export const DIFF_MARKER = "<!-- patchops:plan-diff -->";
const MAX_ROWS = 40;
/** Up to this many job changes are shown open as a diff block; more are folded with their counts above. */
export const UNFOLDED_ROWS = 15;
const MAX_CHARS = 60_000;

export interface DiffSide {
  label: string;
  set: PolicySet;
  result: ReconcileResult;
}

/** What the comment says beyond the two plans: the approval judgement and the inventory both were planned against. */
export interface DiffContext {
  /** The judgement `approvals --pr` makes for this pull request, or null when no pull request was given. */
  approvals?: PullRequestVerdict | { error: string } | null;
  inventory?: { files: string[]; facts: InventoryFacts } | null;
  /** Hosts each assignment selector matched in the inventory, e.g. "windows/assignments/web.yaml#selectors[0]" → 12. */
  selectorMatches?: { subject: string; hosts: number; before: number | null }[];
}

function zoneOf(set: PolicySet, host: string): string | null {
  for (const a of set.assignments) {
    if (a.spec.hosts.some((h) => h.name.toLowerCase() === host.toLowerCase()))
      return set.timetables.find((t) => t.name === a.spec.timetable)?.spec.timeZone ?? null;
  }
  return null;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function details(summary: string, rows: string[], header?: string): string {
  if (rows.length === 0) return "";
  const shown = rows.slice(0, MAX_ROWS);
  const more =
    rows.length > MAX_ROWS ? `\n\n…and ${rows.length - MAX_ROWS} more (see the plan artifact for all of them).` : "";
  return `<details><summary>${summary}</summary>\n\n${header ? header + "\n" : ""}${shown.join("\n")}${more}\n\n</details>\n`;
}

/** "2026-12-13 00:00–04:00 UTC", or across days "2026-12-13 00:00 – 2026-12-14 00:00 UTC". */
function windowText(start: string, end: string): string {
  const s = `${start.slice(0, 10)} ${start.slice(11, 16)}`;
  return start.slice(0, 10) === end.slice(0, 10)
    ? `${s}–${end.slice(11, 16)} UTC`
    : `${s} – ${end.slice(0, 10)} ${end.slice(11, 16)} UTC`;
}

function what(j: Job): string {
  return j.type === "install" || j.type === "synthetic" ? j.updates.join(" ") : `${j.type} ${j.updates.join(" ")}`;
}

/** One line of the visible change block: + gained, ~ changed, - lost (the diff syntax GitHub colours). */
function changeLine(c: JobChange, clusterOf: ReadonlyMap<string, string>, width: number): string {
  const j = c.job;
  const sign = c.kind === "gained" ? "+" : c.kind === "changed" ? "!" : "-";
  const cluster = clusterOf.get(c.host);
  const host = `${c.host}${cluster ? ` [${cluster}]` : ""}`.padEnd(width);
  const force = (x: Job) => (x.enforcement.forceInstall ? "forced" : "not forced");
  let tail = `${what(j)}  ${force(j)}`;
  if (c.before) {
    tail =
      `${what(c.before)} → ${what(j)}` +
      (c.before.enforcement.forceInstall !== j.enforcement.forceInstall ? `  ${force(c.before)} → ${force(j)}` : "");
  }
  return codeLine(`${sign} ${host}  ${windowText(j.window.start, j.window.end)}  ${j.timeline.padEnd(9)}  ${tail}`);
}

export function renderDiff(
  base: DiffSide,
  head: DiffSide,
  now: number,
  headFindings: readonly Diagnostic[],
  context: DiffContext = {},
): string {
  const out: string[] = [DIFF_MARKER, `## patchops: impact of this change`, ""];
  const errors = headFindings.filter((d) => d.severity === "error");
  const warnings = headFindings.filter((d) => d.severity === "warning");

  // Updates whose decision, timeline or approver changed.
  const baseU = base.result.plan.summary.updates;
  const headU = head.result.plan.summary.updates;
  const ids = [...new Set([...Object.keys(baseU), ...Object.keys(headU)])].sort(compareText);
  const titleOf = (id: string) =>
    head.result.catalog.get(id)?.spec.title ?? base.result.catalog.get(id)?.spec.title ?? "";
  const updateRows: string[] = [];
  const approvedNow: string[] = [];
  const emergency: string[] = [];
  for (const id of ids) {
    const b = baseU[id];
    const h = headU[id];
    if (b && h && b.decision === h.decision && b.timeline === h.timeline && b.decidedBy === h.decidedBy) continue;
    const from = b ? `${b.decision}${b.decision === "approved" ? ` (${b.timeline})` : ""}` : "—";
    const to = h ? `${h.decision}${h.decision === "approved" ? ` (${h.timeline})` : ""}` : "removed";
    if (h?.decision === "approved" && b?.decision !== "approved") approvedNow.push(id);
    if (
      h?.decision === "approved" &&
      h.timeline === "emergency" &&
      (b?.decision !== "approved" || b.timeline !== "emergency")
    )
      emergency.push(id);
    updateRows.push(
      `| ${md(id)}${h?.timeline === "emergency" && h.decision === "approved" ? " 🚨" : ""} | ${md(titleOf(id))} | ${from} | ${to} | ${h?.decidedBy ?? "—"} |`,
    );
  }

  const changes = errors.length ? [] : jobChanges(base.result.jobs, head.result.jobs);
  const gained = changes.filter((c) => c.kind === "gained");
  const changed = changes.filter((c) => c.kind === "changed");
  const lost = changes.filter((c) => c.kind === "lost");
  const hostsGaining = new Set(gained.map((c) => c.host));
  const hostsLosing = new Set(lost.map((c) => c.host));
  const hostsChanging = new Set(changed.map((c) => c.host));
  const clusterOf = new Map<string, string>();
  for (const a of head.set.assignments) for (const h of a.spec.hosts) if (h.cluster) clusterOf.set(h.name, h.cluster);
  const clusters = [
    ...new Set(
      [...hostsGaining, ...hostsLosing, ...hostsChanging].map((h) => clusterOf.get(h)).filter((c): c is string => !!c),
    ),
  ].sort(compareText);
  const windows = new Set([...gained, ...changed].map((c) => c.job.window.start));

  // Exemptions added, changed, removed; one line each, with the expiry when it is near.
  const baseEx = new Map(base.set.exemptions.map((e) => [e.name, e]));
  const headEx = new Map(head.set.exemptions.map((e) => [e.name, e]));
  const exemptionRows: string[] = [];
  for (const [name, e] of [...headEx].sort(([a], [b]) => compareText(a, b))) {
    const left = exemptionEnd(e.spec.expires) - now;
    const soon = left > 0 && left <= 14 * 86_400_000 ? ` ⏳ expires within ${Math.ceil(left / 86_400_000)} days` : "";
    if (!baseEx.has(name))
      exemptionRows.push(
        `- ➕ **${md(name)}** (${md(e.spec.type)}, ticket ${md(e.spec.ticket)}) until ${md(e.spec.expires)}${soon}: ${md(e.spec.reason)}`,
      );
    else if (JSON.stringify(baseEx.get(name)!.spec) !== JSON.stringify(e.spec))
      exemptionRows.push(`- ✏️ **${md(name)}** changed (${md(e.spec.type)}, until ${md(e.spec.expires)})${soon}`);
    else if (soon) exemptionRows.push(`- **${md(name)}**${soon}`);
  }
  for (const name of [...baseEx.keys()].sort(compareText))
    if (!headEx.has(name)) exemptionRows.push(`- ➖ **${md(name)}** removed`);

  // Hosts moving between periods.
  const periodOf = (set: PolicySet) =>
    new Map(
      set.assignments.flatMap((a) => a.spec.hosts.map((h) => [h.name, `${a.spec.timetable}/${h.period}`] as const)),
    );
  const bp = periodOf(base.set);
  const hp = periodOf(head.set);
  const moves: string[] = [];
  for (const [host, p] of [...hp].sort(([a], [b]) => compareText(a, b)))
    if (bp.get(host) !== p) moves.push(`- ${md(host)}: ${md(bp.get(host) ?? "unassigned")} → ${md(p)}`);
  for (const [host, p] of [...bp].sort(([a], [b]) => compareText(a, b)))
    if (!hp.has(host)) moves.push(`- ${md(host)}: ${md(p)} → unassigned`);

  // The verdict.
  const verdict: string[] = [];
  if (approvedNow.length)
    verdict.push(`Approves ${plural(approvedNow.length, "update")} (${approvedNow.map(md).join(", ")})`);
  const rejectedNow = ids.filter((id) => headU[id]?.decision === "rejected" && baseU[id]?.decision !== "rejected");
  if (rejectedNow.length) verdict.push(`rejects ${rejectedNow.map(md).join(", ")}`);
  if (emergency.length) verdict.push(`🚨 emergency timeline for ${emergency.map(md).join(", ")}`);
  verdict.push(
    `jobs change for ${plural(new Set([...hostsGaining, ...hostsLosing, ...hostsChanging]).size, "host")} in ${plural(windows.size, "window")} (${hostsGaining.size} gain a job, ${hostsChanging.size} get a changed job, ${hostsLosing.size} lose one)`,
  );
  if (clusters.length) verdict.push(`clusters touched: ${clusters.map(md).join(", ")}`);
  if (moves.length) verdict.push(`maintenance period changes for ${plural(moves.length, "host")}`);
  if (exemptionRows.length) verdict.push(`${plural(exemptionRows.length, "exemption change")}`);
  if (errors.length) {
    out.push(
      `❌ **The policy at ${md(head.label)} is invalid (${plural(errors.length, "error")}); it must not merge.** Its impact cannot be planned until the findings below are fixed.`,
    );
  } else if (
    updateRows.length === 0 &&
    changes.length === 0 &&
    moves.length === 0 &&
    exemptionRows.length === 0 &&
    errors.length === 0
  ) {
    out.push("**No effect on any host or update.**");
  } else out.push(`**${verdict.join("; ")}.**`);

  if (!errors.length) for (const id of emergency) out.push(emergencyLine(id, titleOf(id), head));
  out.push(approvalsText(context.approvals));
  if (context.inventory) out.push(inventoryText(context.inventory, base.label, head.label));
  else
    out.push(
      `Planned at ${head.result.plan.now} against the same inventory for ${md(base.label)} and ${md(head.label)}, assuming the change is merged with CAB approval.`,
    );
  if (context.selectorMatches?.length) out.push(selectorText(context.selectorMatches));

  if (errors.length || warnings.length) {
    const rows = [...errors, ...warnings].map(
      (d) =>
        `- ${d.severity === "error" ? "❌" : "⚠️"} \`${d.code}\` ${md(d.file ?? "")}${d.line ? `:${d.line}` : ""} ${md(d.message)}`,
    );
    const title = `Validation: ${plural(errors.length, "error")}, ${plural(warnings.length, "warning")}`;
    // Errors are what the CAB must see first: open when they are few.
    out.push(
      errors.length && rows.length <= UNFOLDED_ROWS ? `**${title}**\n\n${rows.join("\n")}` : details(title, rows),
    );
  }
  out.push(changeBlock(changes, clusterOf, head.set, base.set));
  if (updateRows.length)
    out.push(
      details(
        `Updates changed (${updateRows.length})`,
        updateRows,
        "| update | title | before | after | decided by |\n|---|---|---|---|---|",
      ),
    );
  if (moves.length) out.push(details(`Maintenance periods changed (${moves.length})`, moves));
  if (exemptionRows.length) out.push(details(`Exemptions (${exemptionRows.length})`, exemptionRows));
  if (!errors.length) out.push(statusText(base, head));
  let text = out.filter((l) => l !== "").join("\n\n") + "\n";
  if (text.length > MAX_CHARS)
    text =
      text.slice(0, MAX_CHARS - 200) +
      "\n\n</details>\n\n…the comment was cut to fit GitHub's limit; the full impact is in the workflow's plan artifact.\n";
  return text;
}

/** One visible line per emergency update: which hours, how many hosts, and the deadline. */
function emergencyLine(id: string, title: string, head: DiffSide): string {
  const jobs = head.result.jobs.filter((j) => j.timeline === "emergency" && j.updates.includes(id));
  const name = `🚨 **${md(id)}**${title ? ` ${md(title)}` : ""}`;
  if (jobs.length === 0) {
    const states = Object.entries(head.result.plan.summary.updates[id]?.states ?? {})
      .filter(([, n]) => (n ?? 0) > 0)
      .map(([s, n]) => `${s} ${n}`)
      .join(", ");
    return `${name}: emergency timeline, but **no host gets a job** (${states || "no host it applies to"}).`;
  }
  const starts = jobs.map((j) => j.window.start).sort(compareText);
  const ends = jobs.map((j) => j.window.end).sort(compareText);
  const deadlines = jobs.map((j) => j.deadline).sort(compareText);
  const first = starts[0]!;
  const deadline = deadlines[deadlines.length - 1]!;
  const hours = Math.round((Date.parse(deadline) - Date.parse(first)) / 360_000) / 10;
  const hosts = new Set(jobs.map((j) => j.host)).size;
  const slots = new Set(starts).size;
  return `${name}: emergency timeline, ${plural(hosts, "host")} in ${plural(slots, "hourly window")} from ${windowText(first, ends[ends.length - 1]!)}; every host by ${deadline.slice(0, 10)} ${deadline.slice(11, 16)} UTC (${hours} h after the first window).`;
}

function approvalsText(v: DiffContext["approvals"]): string {
  if (!v)
    return "**Approvals:** not judged in this comment (no pull request given); the patchops approvals check on this pull request decides.";
  if ("error" in v) return `**Approvals:** ⚠️ could not be judged here (${md(v.error)}); the approvals check decides.`;
  if (v.lines.length === 0) return "**Approvals:** ✅ no policy file changes need approval.";
  const head = v.ok
    ? `**Approvals:** ✅ every change has the approvals it needs (approved by ${v.approvers.map(md).join(", ") || "nobody"}).`
    : `**Still needed before merging** (reviews as of this comment; the approvals check is live): approved so far by ${v.approvers.map(md).join(", ") || "nobody"} (the author, ${md(v.author)}, never counts).`;
  const rows = v.lines.map((l) => `- ${l.ok ? "✅" : "⏳"} ${md(l.subject)}: ${md(l.detail)}`);
  const waiting = v.lines.filter((l) => !l.ok).length;
  if (rows.length <= UNFOLDED_ROWS) return `${head}\n\n${rows.join("\n")}`;
  return `${head}\n\n${details(`${plural(rows.length, "file")} to approve, ${waiting} still waiting`, rows)}`;
}

function inventoryText(inv: NonNullable<DiffContext["inventory"]>, base: string, head: string): string {
  const f = inv.facts;
  const files = inv.files.map((p) => `\`${codeLine(p.split("/").pop() ?? p)}\``).join(", ");
  if (f.newest === null) return `**Inventory:** ${files} holds no usable scan; every host is planned as unscanned.`;
  const age = f.ageHours === null ? "" : f.ageHours < 0 ? " (newer than the plan's instant)" : `, ${f.ageHours} h old`;
  const oldest = f.oldest !== f.newest ? `; oldest scan ${f.oldest!.slice(0, 16).replace("T", " ")} UTC` : "";
  const bad = f.malformed ? `; ${plural(f.malformed, "malformed record")} (those hosts count as stale)` : "";
  return `**Inventory:** ${files}, ${plural(f.hosts, "host")}, newest scan ${f.newest.slice(0, 16).replace("T", " ")} UTC${age}${oldest}${bad}. Both ${md(base)} and ${md(head)} are planned against it, assuming the change is merged with the approvals above.`;
}

function selectorText(rows: NonNullable<DiffContext["selectorMatches"]>): string {
  const lines = rows.map(
    (r) =>
      `- ${md(r.subject)}: ${plural(r.hosts, "host")}${r.before !== null && r.before !== r.hosts ? ` (${r.before} before)` : ""}`,
  );
  return `**Assignment selectors** (hosts matched in this inventory):\n\n${lines.join("\n")}`;
}

/** The job changes: a diff block open when few, folded by window with counts when many. */
function changeBlock(
  changes: readonly JobChange[],
  clusterOf: ReadonlyMap<string, string>,
  headSet: PolicySet,
  baseSet: PolicySet,
): string {
  if (changes.length === 0) return "";
  const width = Math.min(
    40,
    Math.max(...changes.map((c) => c.host.length + (clusterOf.get(c.host) ? clusterOf.get(c.host)!.length + 3 : 0))),
  );
  const count = (k: JobChange["kind"]) => changes.filter((c) => c.kind === k);
  const summary = `${plural(count("gained").length, "job")} gained, ${count("changed").length} changed, ${count("lost").length} lost on ${plural(new Set(changes.map((c) => c.host)).size, "host")}`;
  if (changes.length <= UNFOLDED_ROWS)
    return `**Job changes** (${summary}):\n\n\`\`\`diff\n${changes.map((c) => changeLine(c, clusterOf, width)).join("\n")}\n\`\`\``;
  const byWindow = (list: readonly JobChange[], sign: string, set: PolicySet) => {
    const groups = new Map<string, JobChange[]>();
    for (const c of list) pushTo(groups, `${c.job.window.start}|${c.job.window.end}|${c.job.timeline}`, c);
    const rows: string[] = [];
    for (const key of [...groups.keys()].sort(compareText)) {
      const hosts = groups.get(key)!;
      const [start, end, timeline] = key.split("|") as [string, string, string];
      const zone = zoneOf(set, hosts[0]!.host);
      const local = zone ? ` (${isoLocal(zone, Date.parse(start))} ${md(zone)})` : "";
      const HOSTS_PER_ROW = 25;
      const names = hosts.slice(0, HOSTS_PER_ROW).map((c) => {
        const cluster = clusterOf.get(c.host);
        const jobs = c.before ? `${what(c.before)} → ${what(c.job)}` : what(c.job);
        return `${md(c.host)}${cluster ? ` \\[${md(cluster)}\\]` : ""} (${md(jobs)})`;
      });
      const more = hosts.length > HOSTS_PER_ROW ? ` …and ${hosts.length - HOSTS_PER_ROW} more hosts` : "";
      rows.push(
        `- ${sign} **${windowText(start, end)}**${local}, ${timeline}${timeline === "emergency" ? " 🚨" : ""}, ${plural(hosts.length, "host")}: ${names.join(", ")}${more}`,
      );
    }
    return rows;
  };
  const rows = [
    ...byWindow(count("gained"), "➕", headSet),
    ...byWindow(count("changed"), "✏️", headSet),
    ...byWindow(count("lost"), "➖", baseSet),
  ];
  return `**Job changes:** ${summary}.\n\n${details(`Job changes by window (${rows.length} windows)`, rows)}`;
}

/** The host status counts: a table only when the change moves them. */
function statusText(base: DiffSide, head: DiffSide): string {
  const b = base.result.plan.summary.byStatus;
  const h = head.result.plan.summary.byStatus;
  const keys = ["compliant", "noncompliant", "stale", "unscanned", "unmanaged"] as const;
  if (keys.every((k) => (b[k] ?? 0) === (h[k] ?? 0)))
    return `Host status counts do not change: ${keys.map((k) => `${h[k] ?? 0} ${k}`).join(", ")}.`;
  return `| hosts | ${keys.join(" | ")} |\n|---|---|---|---|---|---|\n| ${md(base.label)} | ${keys.map((k) => b[k] ?? 0).join(" | ")} |\n| ${md(head.label)} | ${keys.map((k) => h[k] ?? 0).join(" | ")} |`;
}
