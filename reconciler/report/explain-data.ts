// The decision trail of one host as data (explain --format json): the same facts the text trail words.
import type { HostResult, Job } from "../model/plan.js";
import { compareText } from "../order.js";
import type { ReconcileResult } from "../plan/reconcile.js";

export interface UpdateExplanation {
  id: string;
  title: string | null;
  /** The host's state for the update, or the update's decision when the host is not measured against it. */
  state: string;
  steps: string[];
  jobs: Job[];
}

export interface HostExplanation {
  host: HostResult;
  approvalVerification: string;
  updates: UpdateExplanation[];
  /** Jobs that carry no update (health checks, isolation, notification). */
  otherJobs: Job[];
}

export function explainHostData(
  result: ReconcileResult,
  hostName: string,
  updateId: string | null,
): HostExplanation | null {
  const host = result.hosts.find((h) => h.host.toLowerCase() === hostName.toLowerCase());
  if (!host) return null;
  const trail = result.trail.of(host.host);
  const jobs = result.jobs.filter((j) => j.host === host.host);
  const ids = updateId
    ? [updateId.toUpperCase()]
    : [...new Set([...Object.keys(host.updates), ...trail.keys()])].sort(compareText);
  return {
    host,
    approvalVerification: result.plan.approvalVerification,
    updates: ids.map((id) => {
      const entry = result.catalog.get(id);
      return {
        id,
        title: entry?.spec.title ?? null,
        state: host.updates[id] ?? (entry ? entry.decision : "unknown"),
        steps: trail.get(id) ?? [],
        jobs: jobs.filter((j) => j.updates.includes(id)),
      };
    }),
    otherJobs: jobs.filter((j) => j.updates.length === 0),
  };
}
