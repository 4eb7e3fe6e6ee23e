// The impact of a policy change as markdown for a pull-request comment: a verdict first, details folded away.
import { pushTo } from "../multimap.js";
import type { Diagnostic } from "../diagnostics.js";
import type { PolicySet } from "../load/policy-set.js";
import type { Job } from "../model/plan.js";
import type { ReconcileResult } from "../plan/reconcile.js";
import { isoLocal } from "../schedule/wall-clock.js";
import { exemptionEnd } from "../policy/exemptions.js";
import { compareText } from "../order.js";

export const DIFF_MARKER = "<!-- patchops:plan-diff -->";
const MAX_ROWS = 40;
const MAX_CHARS = 60_000;

export interface DiffSide {
  label: string;
  set: PolicySet;
  result: ReconcileResult;
}

interface JobChange {
  job: Job;
  zone: string | null;
}

function jobKey(j: Job): string {
  return `${j.host}|${j.type}|${j.timeline}|${j.window.start}|${j.window.end}|${j.updates.join(",")}|${j.enforcement.forceInstall}`;
}

/** The same host, type and window on both sides: a job that changed rather than one gained and one lost. */
function slotKey(j: Job): string {
  return `${j.host}|${j.type}|${j.timeline}|${j.window.start}|${j.window.end}`;
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

export function renderDiff(base: DiffSide, head: DiffSide, now: number, headFindings: readonly Diagnostic[]): string {
  const out: string[] = [DIFF_MARKER, `## patchops: impact of this change`, ""];
  const errors = headFindings.filter((d) => d.severity === "error");
  const warnings = headFindings.filter((d) => d.severity === "warning");

  // Updates whose decision, timeline or approver changed.
  const baseU = base.result.plan.summary.updates;
  const headU = head.result.plan.summary.updates;
  const ids = [...new Set([...Object.keys(baseU), ...Object.keys(headU)])].sort();
  const updateRows: string[] = [];
  const approvedNow: string[] = [];
  const emergency: string[] = [];
  for (const id of ids) {
    const b = baseU[id];
    const h = headU[id];
    const title = head.result.catalog.get(id)?.spec.title ?? base.result.catalog.get(id)?.spec.title ?? "";
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
      `| ${id}${h?.timeline === "emergency" && h.decision === "approved" ? " 🚨" : ""} | ${title.replace(/\|/g, "\\|")} | ${from} | ${to} | ${h?.decidedBy ?? "—"} |`,
    );
  }

  // Jobs gained and lost.
  const baseJobs = new Map(base.result.jobs.map((j) => [jobKey(j), j]));
  const headJobs = new Map(head.result.jobs.map((j) => [jobKey(j), j]));
  const addedJobs = [...headJobs].filter(([k]) => !baseJobs.has(k)).map(([, j]) => j);
  const removedJobs = [...baseJobs].filter(([k]) => !headJobs.has(k)).map(([, j]) => j);
  const removedBySlot = new Map(removedJobs.map((j) => [slotKey(j), j]));
  const addedSlots = new Set(addedJobs.map(slotKey));
  const changed: { before: Job; after: JobChange }[] = addedJobs
    .filter((j) => removedBySlot.has(slotKey(j)))
    .map((j) => ({ before: removedBySlot.get(slotKey(j))!, after: { job: j, zone: zoneOf(head.set, j.host) } }));
  const gained: JobChange[] = addedJobs
    .filter((j) => !removedBySlot.has(slotKey(j)))
    .map((j) => ({ job: j, zone: zoneOf(head.set, j.host) }));
  const lost: JobChange[] = removedJobs
    .filter((j) => !addedSlots.has(slotKey(j)))
    .map((j) => ({ job: j, zone: zoneOf(base.set, j.host) }));
  const hostsGaining = new Set(gained.map((c) => c.job.host));
  const hostsLosing = new Set(lost.map((c) => c.job.host));
  const hostsChanging = new Set(changed.map((c) => c.after.job.host));
  const clusterOf = new Map<string, string>();
  for (const a of head.set.assignments) for (const h of a.spec.hosts) if (h.cluster) clusterOf.set(h.name, h.cluster);
  const clusters = [
    ...new Set(
      [...hostsGaining, ...hostsLosing, ...hostsChanging].map((h) => clusterOf.get(h)).filter((c): c is string => !!c),
    ),
  ].sort();
  const windows = new Set([...gained, ...changed.map((c) => c.after)].map((c) => c.job.window.start));

  // Exemptions added, removed, expiring soon.
  const baseEx = new Map(base.set.exemptions.map((e) => [e.name, e]));
  const headEx = new Map(head.set.exemptions.map((e) => [e.name, e]));
  const exemptionRows: string[] = [];
  for (const [name, e] of headEx) {
    if (!baseEx.has(name))
      exemptionRows.push(
        `- ➕ **${name}** (${e.spec.type}, ${e.spec.ticket}) until ${e.spec.expires}: ${e.spec.reason.replace(/\s+/g, " ")}`,
      );
    else if (JSON.stringify(baseEx.get(name)!.spec) !== JSON.stringify(e.spec))
      exemptionRows.push(`- ✏️ **${name}** changed (${e.spec.type}, until ${e.spec.expires})`);
    const left = exemptionEnd(e.spec.expires) - now;
    if (left > 0 && left <= 14 * 86_400_000) exemptionRows.push(`- ⏳ **${name}** expires ${e.spec.expires}`);
  }
  for (const name of baseEx.keys()) if (!headEx.has(name)) exemptionRows.push(`- ➖ **${name}** removed`);

  // Hosts moving between periods.
  const periodOf = (set: PolicySet) =>
    new Map(
      set.assignments.flatMap((a) => a.spec.hosts.map((h) => [h.name, `${a.spec.timetable}/${h.period}`] as const)),
    );
  const bp = periodOf(base.set);
  const hp = periodOf(head.set);
  const moves: string[] = [];
  for (const [host, p] of hp) if (bp.get(host) !== p) moves.push(`- ${host}: ${bp.get(host) ?? "unassigned"} → ${p}`);
  for (const [host, p] of bp) if (!hp.has(host)) moves.push(`- ${host}: ${p} → unassigned`);

  // The verdict.
  const verdict: string[] = [];
  if (approvedNow.length) verdict.push(`Approves ${plural(approvedNow.length, "update")} (${approvedNow.join(", ")})`);
  const rejectedNow = ids.filter((id) => headU[id]?.decision === "rejected" && baseU[id]?.decision !== "rejected");
  if (rejectedNow.length) verdict.push(`rejects ${rejectedNow.join(", ")}`);
  if (emergency.length) verdict.push(`🚨 **emergency timeline** for ${emergency.join(", ")}`);
  verdict.push(
    `jobs change for ${plural(new Set([...hostsGaining, ...hostsLosing, ...hostsChanging]).size, "host")} in ${plural(windows.size, "window")} (${hostsGaining.size} gain a job, ${hostsChanging.size} get a changed job, ${hostsLosing.size} lose one)`,
  );
  if (clusters.length) verdict.push(`clusters touched: ${clusters.join(", ")}`);
  if (moves.length) verdict.push(`maintenance period changes for ${plural(moves.length, "host")}`);
  if (exemptionRows.length) verdict.push(`${plural(exemptionRows.length, "exemption change")}`);
  if (errors.length) {
    out.push(
      `❌ **The policy at ${head.label} is invalid (${plural(errors.length, "error")}); it must not merge.** Its impact cannot be planned until the findings below are fixed.`,
    );
  } else if (
    updateRows.length === 0 &&
    gained.length === 0 &&
    lost.length === 0 &&
    changed.length === 0 &&
    moves.length === 0 &&
    exemptionRows.length === 0 &&
    errors.length === 0
  ) {
    out.push("**No effect on any host or update.**");
  } else out.push(`**${verdict.join("; ")}.**`);
  out.push(
    "",
    `Planned at ${head.result.plan.now} against the same inventory for ${base.label} and ${head.label}, assuming the change is merged with CAB approval.`,
    "",
  );

  if (errors.length || warnings.length) {
    out.push(
      details(
        `Validation: ${plural(errors.length, "error")}, ${plural(warnings.length, "warning")}`,
        [...errors, ...warnings].map(
          (d) =>
            `- ${d.severity === "error" ? "❌" : "⚠️"} \`${d.code}\` ${d.file ?? ""}${d.line ? `:${d.line}` : ""} ${d.message}`,
        ),
      ),
    );
  }
  if (updateRows.length)
    out.push(
      details(
        `Updates changed (${updateRows.length})`,
        updateRows,
        "| update | title | before | after | decided by |\n|---|---|---|---|---|",
      ),
    );
  const byWindow = (changes: JobChange[], sign: string) => {
    const groups = new Map<string, JobChange[]>();
    for (const c of changes) pushTo(groups, `${c.job.window.start}|${c.job.window.end}|${c.job.timeline}`, c);
    const rows: string[] = [];
    for (const key of [...groups.keys()].sort()) {
      const list = groups.get(key)!.sort((a, b) => compareText(a.job.host, b.job.host));
      const [start, end, timeline] = key.split("|") as [string, string, string];
      const zone = list[0]!.zone;
      const local = zone ? ` (${isoLocal(zone, Date.parse(start))} ${zone})` : "";
      const HOSTS_PER_ROW = 25;
      const names = list
        .slice(0, HOSTS_PER_ROW)
        .map(
          (c) =>
            `${c.job.host}${clusterOf.get(c.job.host) ? ` [${clusterOf.get(c.job.host)}]` : ""} (${c.job.updates.join(", ") || c.job.type})`,
        );
      const more = list.length > HOSTS_PER_ROW ? ` …and ${list.length - HOSTS_PER_ROW} more hosts` : "";
      rows.push(
        `- ${sign} **${start} – ${end.slice(11)} UTC**${local}, ${timeline}${timeline === "emergency" ? " 🚨" : ""}, ${plural(list.length, "host")}: ${names.join(", ")}${more}`,
      );
    }
    return rows;
  };
  if (gained.length) out.push(details(`Hosts gaining jobs (${hostsGaining.size})`, byWindow(gained, "➕")));
  if (changed.length) {
    const rows = changed
      .sort(
        (a, b) =>
          compareText(a.after.job.window.start, b.after.job.window.start) ||
          compareText(a.after.job.host, b.after.job.host),
      )
      .map(({ before, after }) => {
        const local = after.zone ? ` (${isoLocal(after.zone, Date.parse(after.job.window.start))} ${after.zone})` : "";
        return `- ✏️ **${after.job.window.start} – ${after.job.window.end.slice(11)} UTC**${local}, ${after.job.timeline}: ${after.job.host}${clusterOf.get(after.job.host) ? ` [${clusterOf.get(after.job.host)}]` : ""}: ${before.updates.join(", ")} → ${after.job.updates.join(", ")}${before.enforcement.forceInstall !== after.job.enforcement.forceInstall ? ` (forced: ${before.enforcement.forceInstall} → ${after.job.enforcement.forceInstall})` : ""}`;
      });
    out.push(details(`Hosts whose jobs change (${hostsChanging.size})`, rows));
  }
  if (lost.length) out.push(details(`Hosts losing jobs (${hostsLosing.size})`, byWindow(lost, "➖")));
  if (moves.length) out.push(details(`Maintenance periods changed (${moves.length})`, moves));
  if (exemptionRows.length) out.push(details(`Exemptions (${exemptionRows.length})`, exemptionRows));
  const b = base.result.plan.summary.byStatus;
  const h = head.result.plan.summary.byStatus;
  out.push(
    `| hosts | compliant | noncompliant | stale | unscanned | unmanaged |\n|---|---|---|---|---|---|\n| ${base.label} | ${b.compliant} | ${b.noncompliant} | ${b.stale} | ${b.unscanned} | ${b.unmanaged} |\n| ${head.label} | ${h.compliant} | ${h.noncompliant} | ${h.stale} | ${h.unscanned} | ${h.unmanaged} |`,
  );
  let text = out.filter((l) => l !== "").join("\n\n") + "\n";
  if (text.length > MAX_CHARS)
    text =
      text.slice(0, MAX_CHARS - 200) +
      "\n\n</details>\n\n…the comment was cut to fit GitHub's limit; the full impact is in the workflow's plan artifact.\n";
  return text;
}
