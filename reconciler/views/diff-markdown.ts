// The impact of a policy change as markdown for a pull-request comment: a verdict, what still needs approval, the
// inventory's age and the job changes visible; details folded away. Every policy or inventory string is escaped.
import type { Job } from "../model/plan.js";
import { pushTo } from "../multimap.js";
import { compareText } from "../order.js";
import { codeLine, escapeMarkdown as md } from "../report/markdown.js";
import type { JobChange } from "../report/plan-diff.js";
import type { EmergencyImpact, PolicyDiff } from "../report/policy-diff.js";
import { isoLocal } from "../schedule/wall-clock.js";

export const DIFF_MARKER = "<!-- patchops:plan-diff -->";
const MAX_ROWS = 40;
/** Up to this many job changes are shown open as a diff block; more are folded with their counts above. */
export const UNFOLDED_ROWS = 15;
const MAX_CHARS = 60_000;

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
function changeLine(c: JobChange, clusterOf: Readonly<Record<string, string>>, width: number): string {
  const j = c.job;
  const sign = c.kind === "gained" ? "+" : c.kind === "changed" ? "!" : "-";
  const cluster = clusterOf[c.host];
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

function decisionText(s: PolicyDiff["updates"][number]["before"], missing: string): string {
  return s ? `${s.decision}${s.decision === "approved" ? ` (${s.timeline})` : ""}` : missing;
}

export function renderDiffMarkdown(d: PolicyDiff): string {
  const out: string[] = [DIFF_MARKER, `## patchops: impact of this change`, ""];
  const updateRows = d.updates.map(
    (u) =>
      `| ${md(u.id)}${u.after?.timeline === "emergency" && u.after.decision === "approved" ? " 🚨" : ""} | ${md(u.title)} | ${decisionText(u.before, "—")} | ${decisionText(u.after, "removed")} | ${u.after?.decidedBy ?? "—"} |`,
  );
  const exemptionRows = d.exemptions.map((e) => {
    const soon = e.expiresInDays !== null ? ` ⏳ expires within ${e.expiresInDays} days` : "";
    if (e.change === "added")
      return `- ➕ **${md(e.name)}** (${md(e.type)}, ticket ${md(e.ticket)}) until ${md(e.expires)}${soon}: ${md(e.reason)}`;
    if (e.change === "changed") return `- ✏️ **${md(e.name)}** changed (${md(e.type)}, until ${md(e.expires)})${soon}`;
    if (e.change === "expiring") return `- **${md(e.name)}**${soon}`;
    return `- ➖ **${md(e.name)}** removed`;
  });
  const moves = d.moves.map((m) => `- ${md(m.host)}: ${md(m.before ?? "unassigned")} → ${md(m.after ?? "unassigned")}`);
  const verdict: string[] = [];
  if (d.approvedNow.length)
    verdict.push(`Approves ${plural(d.approvedNow.length, "update")} (${d.approvedNow.map(md).join(", ")})`);
  if (d.rejectedNow.length) verdict.push(`rejects ${d.rejectedNow.map(md).join(", ")}`);
  const emergencyIds = d.updates
    .filter(
      (u) =>
        u.after?.decision === "approved" &&
        u.after.timeline === "emergency" &&
        (u.before?.decision !== "approved" || u.before.timeline !== "emergency"),
    )
    .map((u) => u.id);
  if (emergencyIds.length) verdict.push(`🚨 emergency timeline for ${emergencyIds.map(md).join(", ")}`);
  verdict.push(
    `jobs change for ${plural(d.hosts.total, "host")} in ${plural(d.windows, "window")} (${d.hosts.gaining} gain a job, ${d.hosts.changing} get a changed job, ${d.hosts.losing} lose one)`,
  );
  if (d.clusters.length) verdict.push(`clusters touched: ${d.clusters.map(md).join(", ")}`);
  if (moves.length) verdict.push(`maintenance period changes for ${plural(moves.length, "host")}`);
  if (exemptionRows.length) verdict.push(`${plural(exemptionRows.length, "exemption change")}`);
  if (d.errors.length) {
    out.push(
      `❌ **The policy at ${md(d.head)} is invalid (${plural(d.errors.length, "error")}); it must not merge.** Its impact cannot be planned until the findings below are fixed.`,
    );
  } else if (d.noEffect) out.push("**No effect on any host or update.**");
  else out.push(`**${verdict.join("; ")}.**`);

  for (const e of d.emergency) out.push(emergencyLine(e));
  out.push(approvalsText(d.approvals));
  if (d.inventory) out.push(inventoryText(d.inventory, d.base, d.head));
  else
    out.push(
      `Planned at ${d.plannedAt} against the same inventory for ${md(d.base)} and ${md(d.head)}, assuming the change is merged with CAB approval.`,
    );
  if (d.selectorMatches.length) out.push(selectorText(d.selectorMatches));

  if (d.errors.length || d.warnings.length) {
    const rows = [...d.errors, ...d.warnings].map(
      (x) =>
        `- ${x.severity === "error" ? "❌" : "⚠️"} \`${x.code}\` ${md(x.file ?? "")}${x.line ? `:${x.line}` : ""} ${md(x.message)}`,
    );
    const title = `Validation: ${plural(d.errors.length, "error")}, ${plural(d.warnings.length, "warning")}`;
    // Errors are what the CAB must see first: open when they are few.
    out.push(
      d.errors.length && rows.length <= UNFOLDED_ROWS ? `**${title}**\n\n${rows.join("\n")}` : details(title, rows),
    );
  }
  out.push(changeBlock(d));
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
  if (!d.errors.length) out.push(statusText(d));
  let text = out.filter((l) => l !== "").join("\n\n") + "\n";
  if (text.length > MAX_CHARS)
    text =
      text.slice(0, MAX_CHARS - 200) +
      "\n\n</details>\n\n…the comment was cut to fit GitHub's limit; the full impact is in the workflow's plan artifact.\n";
  return text;
}

/** One visible line per emergency update: which hours, how many hosts, and the deadline. */
function emergencyLine(e: EmergencyImpact): string {
  const name = `🚨 **${md(e.id)}**${e.title ? ` ${md(e.title)}` : ""}`;
  if (!("deadline" in e)) {
    const states = Object.entries(e.states)
      .map(([s, n]) => `${s} ${n}`)
      .join(", ");
    return `${name}: emergency timeline, but **no host gets a job** (${states || "no host it applies to"}).`;
  }
  return `${name}: emergency timeline, ${plural(e.hosts, "host")} in ${plural(e.windows, "hourly window")} from ${windowText(e.firstStart, e.lastEnd)}; every host by ${e.deadline.slice(0, 10)} ${e.deadline.slice(11, 16)} UTC (${e.hours} h after the first window).`;
}

function approvalsText(v: PolicyDiff["approvals"]): string {
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

function inventoryText(inv: NonNullable<PolicyDiff["inventory"]>, base: string, head: string): string {
  const f = inv.facts;
  const files = inv.files.map((p) => `\`${codeLine(p.split("/").pop() ?? p)}\``).join(", ");
  if (f.newest === null) return `**Inventory:** ${files} holds no usable scan; every host is planned as unscanned.`;
  const age = f.ageHours === null ? "" : f.ageHours < 0 ? " (newer than the plan's instant)" : `, ${f.ageHours} h old`;
  const oldest = f.oldest !== f.newest ? `; oldest scan ${f.oldest!.slice(0, 16).replace("T", " ")} UTC` : "";
  const bad = f.malformed ? `; ${plural(f.malformed, "malformed record")} (those hosts count as stale)` : "";
  return `**Inventory:** ${files}, ${plural(f.hosts, "host")}, newest scan ${f.newest.slice(0, 16).replace("T", " ")} UTC${age}${oldest}${bad}. Both ${md(base)} and ${md(head)} are planned against it, assuming the change is merged with the approvals above.`;
}

function selectorText(rows: PolicyDiff["selectorMatches"]): string {
  const lines = rows.map(
    (r) =>
      `- ${md(r.subject)}: ${plural(r.hosts, "host")}${r.before !== null && r.before !== r.hosts ? ` (${r.before} before)` : ""}`,
  );
  return `**Assignment selectors** (hosts matched in this inventory):\n\n${lines.join("\n")}`;
}

/** The job changes: a diff block open when few, folded by window with counts when many. */
function changeBlock(d: PolicyDiff): string {
  const changes = d.jobChanges;
  if (changes.length === 0) return "";
  const clusterOf = d.clusterOf;
  const width = Math.min(
    40,
    Math.max(...changes.map((c) => c.host.length + (clusterOf[c.host] ? clusterOf[c.host]!.length + 3 : 0))),
  );
  const count = (k: JobChange["kind"]) => changes.filter((c) => c.kind === k);
  const summary = `${plural(count("gained").length, "job")} gained, ${count("changed").length} changed, ${count("lost").length} lost on ${plural(new Set(changes.map((c) => c.host)).size, "host")}`;
  if (changes.length <= UNFOLDED_ROWS)
    return `**Job changes** (${summary}):\n\n\`\`\`diff\n${changes.map((c) => changeLine(c, clusterOf, width)).join("\n")}\n\`\`\``;
  const byWindow = (list: readonly JobChange[], sign: string, zones: Readonly<Record<string, string>>) => {
    const groups = new Map<string, JobChange[]>();
    for (const c of list) pushTo(groups, `${c.job.window.start}|${c.job.window.end}|${c.job.timeline}`, c);
    const rows: string[] = [];
    for (const key of [...groups.keys()].sort(compareText)) {
      const hosts = groups.get(key)!;
      const [start, end, timeline] = key.split("|") as [string, string, string];
      const zone = zones[hosts[0]!.host];
      const local = zone ? ` (${isoLocal(zone, Date.parse(start))} ${md(zone)})` : "";
      const HOSTS_PER_ROW = 25;
      const names = hosts.slice(0, HOSTS_PER_ROW).map((c) => {
        const cluster = clusterOf[c.host];
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
    ...byWindow(count("gained"), "➕", d.zoneOf.head),
    ...byWindow(count("changed"), "✏️", d.zoneOf.head),
    ...byWindow(count("lost"), "➖", d.zoneOf.base),
  ];
  return `**Job changes:** ${summary}.\n\n${details(`Job changes by window (${rows.length} windows)`, rows)}`;
}

/** The host status counts: a table only when the change moves them. */
function statusText(d: PolicyDiff): string {
  const b = d.status.base;
  const h = d.status.head;
  const keys = ["compliant", "noncompliant", "stale", "unscanned", "unmanaged"] as const;
  if (keys.every((k) => (b[k] ?? 0) === (h[k] ?? 0)))
    return `Host status counts do not change: ${keys.map((k) => `${h[k] ?? 0} ${k}`).join(", ")}.`;
  return `| hosts | ${keys.join(" | ")} |\n|---|---|---|---|---|---|\n| ${md(d.base)} | ${keys.map((k) => b[k] ?? 0).join(" | ")} |\n| ${md(d.head)} | ${keys.map((k) => h[k] ?? 0).join(" | ")} |`;
}
