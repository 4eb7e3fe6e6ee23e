// Which jobs of a written plan are due at an instant: their window is open and no result says they already ran.
import type { JobResult } from "../model/job-result.js";
import type { Job } from "../model/plan.js";

/**
 * A result ends a job when something was attempted (succeeded, failed) or staged. A job that was not run because
 * the clock was outside its window, its wave was stopped (max-errors) or its export did not match its plan
 * (provenance-mismatch) stays due while its window is open: a fresh export from the plan may run it.
 */
export function endsJob(r: JobResult): boolean {
  return r.status !== "not-run" || r.reason === "staged";
}

export interface DueJobs {
  /** Open at `now` and without a result that ends them, in plan order. */
  due: Job[];
  /** Open at `now` but already ended by a result. */
  done: Job[];
}

/** A window is open from its start (included) to its end (excluded), as the playbook's gate checks it. */
export function dueJobs(jobs: readonly Job[], now: number, results: readonly JobResult[]): DueJobs {
  const ended = new Set<string>();
  for (const r of results) if (endsJob(r)) ended.add(`${r.jobId}|${r.host.toLowerCase()}`);
  const due: Job[] = [];
  const done: Job[] = [];
  for (const job of jobs) {
    if (!(Date.parse(job.window.start) <= now && now < Date.parse(job.window.end))) continue;
    (ended.has(`${job.id}|${job.host.toLowerCase()}`) ? done : due).push(job);
  }
  return { due, done };
}
