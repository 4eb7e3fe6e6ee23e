// The decision trail of one host, in plain words: what it has, what it gets, when, and which file decided it.
import { aboveBaselineCount } from "../model/plan.js";
import type { ReconcileResult } from "../plan/reconcile.js";

export function explainHost(result: ReconcileResult, hostName: string, updateId: string | null): string | null {
  const host = result.hosts.find((h) => h.host.toLowerCase() === hostName.toLowerCase());
  if (!host) return null;
  const lines: string[] = [];
  lines.push(
    `${host.host}: ${host.status}${host.owner ? `, owner ${host.owner}` : ""}${host.period ? `, period ${host.period}` : ""}${host.cluster ? `, cluster ${host.cluster}` : ""}`,
  );
  if (host.scannedAt) lines.push(`  last scan ${host.scannedAt}`);
  if (host.estimated) lines.push("  estimated: no agent scan; matched from advisory text");
  if (host.baselines.length) lines.push(`  baselines: ${host.baselines.join(", ")}`);
  if (host.exemptions?.length) lines.push(`  exemptions: ${host.exemptions.join(", ")}`);
  for (const n of host.notes ?? []) lines.push(`  ${n}`);
  for (const b of host.belowBaseline ?? [])
    lines.push(`  below baseline ${b.baseline}: ${b.reason} (${b.file}${b.line ? `:${b.line}` : ""})`);
  const above = aboveBaselineCount(host);
  // A compact host line counts them; explain plans the host in full from the inventory, which lists them.
  if (host.aboveBaseline?.length)
    lines.push(
      `  above baseline: ${host.aboveBaseline.join(", ")} installed but neither approved, required nor superseded by an approved update`,
    );
  else if (above > 0)
    lines.push(
      `  above baseline: ${above} installed update${above === 1 ? "" : "s"} neither approved, required nor superseded by an approved one (patchops explain --host ${host.host} --inventory FILE lists them)`,
    );
  if (result.plan.approvalVerification === "off") lines.push("  (CAB approval verification is OFF for this run)");
  const trail = result.trail.of(host.host);
  const ids = updateId
    ? [updateId.toUpperCase()]
    : [...new Set([...Object.keys(host.updates), ...trail.keys()])].sort();
  for (const id of ids) {
    const state = host.updates[id];
    const entry = result.catalog.get(id);
    lines.push("");
    lines.push(
      `${id}${entry ? ` — ${entry.spec.title}` : ""}: ${state ?? (entry ? entry.decision : "unknown to the policy")}`,
    );
    const steps = trail.get(id) ?? [];
    if (steps.length === 0) {
      if (!entry) lines.push("  no Update file, baseline or rule names this id");
      else if (entry.decision === "pending")
        lines.push(`  pending: ${entry.pendingNote ?? "no decision"}; pending updates get no jobs`);
      else if (entry.decision === "rejected")
        lines.push(`  rejected at ${entry.decisionAt ?? entry.decisionFile}; not installed, nothing to do`);
      else lines.push("  nothing to do for this host");
    }
    for (const s of steps) lines.push(`  - ${s}`);
    for (const job of result.jobs.filter((j) => j.host === host.host && j.updates.includes(id))) {
      lines.push(
        `  → job ${job.id}: ${job.type} on the ${job.timeline} timeline, window ${job.window.start} – ${job.window.end}, deadline ${job.deadline}, ${job.enforcement.forceInstall ? "forced install" : "not forced"}${job.enforcement.forceRestart ? " and restart" : ""}, priority ${job.priority}`,
      );
    }
  }
  const other = result.jobs.filter((j) => j.host === host.host && j.updates.length === 0);
  for (const job of other)
    lines.push("", `→ job ${job.id}: ${job.type}, ${job.window.start} – ${job.window.end}: ${job.reason.summary}`);
  return lines.join("\n") + "\n";
}
