// Combines the outputs of `plan --shard i/N` into exactly the plan a single run writes.
import { InputError } from "../errors.js";
import { compareText } from "../order.js";
import type { ExposureLine, HostResult, Job, Plan } from "../model/plan.js";
import { compareFindings, compareHosts, compareJobs } from "./reconcile.js";
import { SummaryCounters } from "./passes/summary.js";
import { mergeSlaAtRisk } from "./late-approval.js";

export interface PlanParts {
  plan: Plan;
  hosts: HostResult[];
  jobs: Job[];
  /** exposure.ndjson, where the shard has one. */
  exposure?: ExposureLine[];
}

export class MergeError extends InputError {
  override name = "MergeError";
}

export function mergeShards(parts: readonly PlanParts[]): PlanParts {
  checkShards(parts.map((p) => p.plan));
  const hosts = parts.flatMap((p) => p.hosts).sort(compareHosts);
  const jobs = parts.flatMap((p) => p.jobs).sort(compareJobs);
  const counters = new SummaryCounters();
  hosts.forEach((h) => counters.addHost(h));
  jobs.forEach((j) => counters.addJob(j));
  parts.forEach((p) => counters.addShard(p.plan.summary));
  // Hosts are disjoint across shards, and each shard judged its own: the merged file is their lines in host order.
  const exposure = parts.every((p) => p.exposure)
    ? { exposure: parts.flatMap((p) => p.exposure!).sort(compareHosts) }
    : {};
  return {
    plan: mergedPlan(
      parts.map((p) => p.plan),
      counters,
    ),
    hosts,
    jobs,
    ...exposure,
  };
}

/** Refuses inputs that are not each shard of one count exactly once, planned with the same inputs. */
export function checkShards(plans: readonly Plan[]): void {
  if (plans.length === 0) throw new MergeError("no shards to merge");
  const counts = new Set(plans.map((p) => p.shard?.split("/")[1] ?? "?"));
  const indexes = plans.map((p) => p.shard?.split("/")[0] ?? "?").sort((a, b) => Number(a) - Number(b));
  if (counts.size !== 1 || counts.has("?"))
    throw new MergeError("every input must be a shard of the same count (plan --shard i/N)");
  const count = Number([...counts][0]);
  const expected = Array.from({ length: count }, (_, i) => String(i + 1));
  if (indexes.join(",") !== expected.join(","))
    throw new MergeError(`shards ${indexes.join(", ")} given; expected each of 1..${count} exactly once`);
  const first = plans[0]!;
  for (const p of plans) {
    if (
      p.now !== first.now ||
      p.policyRevision !== first.policyRevision ||
      p.approvalVerification !== first.approvalVerification ||
      p.detail !== first.detail ||
      JSON.stringify(p.inputs ?? null) !== JSON.stringify(first.inputs ?? null)
    ) {
      throw new MergeError(
        `shard ${p.shard} was planned with other inputs (now, policy revision, verification, --detail, policy files, inventory, job results or status history differ)`,
      );
    }
  }
}

/**
 * Every shard's updates: the policy's are in each, but an update only hosts' agents reported (agent-updates.ts) is in
 * the shards whose hosts reported it. The first shard's word wins, in id order as a single run writes them.
 */
function unionOfUpdates(plans: readonly Plan[]): Plan["summary"]["updates"] {
  const all = new Map<string, Plan["summary"]["updates"][string]>();
  for (const p of plans) for (const [id, u] of Object.entries(p.summary.updates)) if (!all.has(id)) all.set(id, u);
  return Object.fromEntries([...all].sort(([a], [b]) => compareText(a, b)));
}

/**
 * plan.json of the merged run: the shards' findings once each, sla-at-risk summed, counts from `counters` (hosts and
 * jobs from the lines, per-update states summed from the shards' plan.json: a compact host line lists only some).
 */
export function mergedPlan(plans: readonly Plan[], counters: SummaryCounters): Plan {
  const first = plans[0]!;
  const seen = new Set<string>();
  const slaAtRisk = mergeSlaAtRisk(plans);
  const findings = plans
    .flatMap((p) => p.findings)
    .filter((f) => {
      const k = JSON.stringify(f);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort(compareFindings);
  const pilotJob = counters.firstPilotJob;
  return {
    ...first,
    shard: null,
    summary: counters.summary(withSlaAtRisk(unionOfUpdates(plans), slaAtRisk)),
    pilot: { hosts: first.pilot.hosts, window: pilotJob ? pilotJob.window : null },
    findings,
  };
}

function withSlaAtRisk(
  updates: Plan["summary"]["updates"],
  atRisk: ReadonlyMap<string, NonNullable<Plan["summary"]["updates"][string]["slaAtRisk"]>>,
): Plan["summary"]["updates"] {
  const out: Plan["summary"]["updates"] = {};
  for (const [id, u] of Object.entries(updates)) {
    const { slaAtRisk: _shard, ...rest } = u;
    void _shard;
    out[id] = atRisk.has(id) ? { ...rest, slaAtRisk: atRisk.get(id)! } : rest;
  }
  return out;
}
