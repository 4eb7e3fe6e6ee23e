// Combines the outputs of `plan --shard i/N` into exactly the plan a single run writes.
import type { HostResult, Job, Plan } from "../model/plan.js";
import { compareFindings, compareHosts, compareJobs, tally } from "./reconcile.js";
import { mergeSlaAtRisk } from "./late-approval.js";

export interface PlanParts {
  plan: Plan;
  hosts: HostResult[];
  jobs: Job[];
}

export class MergeError extends Error {}

export function mergeShards(parts: readonly PlanParts[]): PlanParts {
  if (parts.length === 0) throw new MergeError("no shards to merge");
  const counts = new Set(parts.map((p) => p.plan.shard?.split("/")[1] ?? "?"));
  const indexes = parts.map((p) => p.plan.shard?.split("/")[0] ?? "?").sort((a, b) => Number(a) - Number(b));
  if (counts.size !== 1 || counts.has("?"))
    throw new MergeError("every input must be a shard of the same count (plan --shard i/N)");
  const count = Number([...counts][0]);
  const expected = Array.from({ length: count }, (_, i) => String(i + 1));
  if (indexes.join(",") !== expected.join(","))
    throw new MergeError(`shards ${indexes.join(", ")} given; expected each of 1..${count} exactly once`);
  const first = parts[0]!.plan;
  for (const p of parts) {
    if (
      p.plan.now !== first.now ||
      p.plan.policyRevision !== first.policyRevision ||
      p.plan.approvalVerification !== first.approvalVerification
    ) {
      throw new MergeError(
        `shard ${p.plan.shard} was planned with other inputs (now, policy revision or verification differ)`,
      );
    }
  }
  const hosts = parts.flatMap((p) => p.hosts).sort(compareHosts);
  const jobs = parts.flatMap((p) => p.jobs).sort(compareJobs);
  const seen = new Set<string>();
  const sla = mergeSlaAtRisk(parts.map((p) => p.plan));
  const findings = [...parts.flatMap((p) => p.plan.findings).filter((f) => f.code !== "sla-at-risk"), ...sla.findings]
    .filter((f) => {
      const k = JSON.stringify(f);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort(compareFindings);
  const pilotJob = jobs.find((j) => j.timeline === "pilot");
  const plan: Plan = {
    ...first,
    shard: null,
    summary: tally(hosts, jobs, withSlaAtRisk(first.summary.updates, sla.byUpdate)),
    pilot: { hosts: first.pilot.hosts, window: pilotJob ? pilotJob.window : null },
    findings,
  };
  return { plan, hosts, jobs };
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
