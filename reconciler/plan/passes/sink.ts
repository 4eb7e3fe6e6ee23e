// Where the reconcile emits: one host line and its jobs at a time, so nothing fleet-sized has to be held.
import type { ExposureLine, HostResult, Job } from "../../model/plan.js";

/** Receives each host's result and each job as soon as they are final, in no particular order. */
export interface PlanSink {
  /**
   * `aboveBaseline`: the host's installed ids above its baseline, in no order; a compact line carries only their
   * count, and the plan summary names a few hosts' ids.
   */
  onHost(result: HostResult, aboveBaseline: readonly string[]): void;
  onJob(job: Job): void;
  /** A host exposed now to an exploited CVE (exposure.ndjson), judged from every state measured on it. */
  onExposure?(line: ExposureLine): void;
}
