// A compliance snapshot: the small, durable record of one reconcile kept on the status branch for metrics.
import type { HostResult, Plan } from "../model/plan.js";
import type { StatusSnapshot } from "../model/snapshot.js";
import { compareText } from "../order.js";
import type { JobResult } from "../model/job-result.js";
import { PatchStates } from "./patches.js";

export type { StatusSnapshot };

/** `hosts` is read once, host by host (a written plan's lines streamed, or an array). */
export function snapshotOf(
  plan: Plan,
  hosts: Iterable<HostResult>,
  results: readonly JobResult[] = [],
): StatusSnapshot {
  // A Map, not an object: an owner named "__proto__" is an owner like any other.
  const byOwner = new Map<string, StatusSnapshot["byOwner"][string]>();
  const patches = new PatchStates(plan.summary.updates);
  // Plan counts patches from every host's evaluation; a plan without them (older) is counted from its host lines.
  if (plan.summary.patches) patches.addCounts(plan.summary.patches);
  for (const h of hosts) {
    if (!plan.summary.patches) patches.addHost(h);
    const owner = h.owner ?? "(unassigned)";
    const o = byOwner.get(owner) ?? {};
    byOwner.set(owner, o);
    o[h.status] = (o[h.status] ?? 0) + 1;
  }
  const updates: StatusSnapshot["updates"] = {};
  for (const [id, u] of Object.entries(plan.summary.updates))
    updates[id] = {
      decision: u.decision,
      timeline: u.timeline,
      approvedAt: u.approvedAt,
      ...(u.patch ? { patch: u.patch } : {}),
      states: u.states,
      ...(u.pilot ? { pilot: { state: u.pilot.state, passedAt: u.pilot.passedAt } } : {}),
    };
  return {
    apiVersion: "patchops/v1",
    kind: "StatusSnapshot",
    now: plan.now,
    policyRevision: plan.policyRevision,
    approvalVerification: plan.approvalVerification,
    hosts: plan.summary.hosts,
    byStatus: plan.summary.byStatus,
    jobs: plan.summary.jobs,
    updates,
    ...(patches.empty ? {} : { patches: patches.result() }),
    byOwner: Object.fromEntries([...byOwner].sort(([a], [b]) => compareText(a, b))),
    ...(results.length > 0 ? { jobResults: [...results] } : {}),
  };
}
