// The cluster-safety pass over one unit (a cluster's nodes, or a lone host): overlapping nodes' later jobs are held.
import type { Diagnostic } from "../../diagnostics.js";
import type { HostResult, Job } from "../../model/plan.js";
import { clusterHoldFindings, holdClusterOverlaps } from "../cluster-safety.js";
import type { HostContext } from "../hosts.js";

/** Returns the jobs kept; held updates are marked on `results` and reported in `findings`. */
export function clusterSafetyPass(
  unit: readonly HostContext[],
  jobs: readonly Job[],
  results: HostResult[],
  findings: Diagnostic[],
): Job[] {
  const clustered = unit.filter((h) => h.entry?.cluster);
  if (clustered.length < 2) return [...jobs];
  const clusterOf = new Map(clustered.map((h) => [h.name, h.entry!.cluster!]));
  const safe = holdClusterOverlaps(jobs, clusterOf);
  const fileOf = new Map(unit.map((h) => [h.name, h.assignment?.file ?? null]));
  findings.push(...clusterHoldFindings(safe.held, results, (host) => fileOf.get(host) ?? null));
  return safe.kept;
}
