// The plan sink that writes: host lines, jobs and exposure lines go to sorted runs (spilled past a budget), merged
// into the plan set.
import type { ExposureLine, HostResult, Job, Plan } from "../model/plan.js";
import type { PlanSink } from "../plan/passes/sink.js";
import { compareHosts, compareJobs } from "../plan/reconcile.js";
import type { FileContent } from "./atomic.js";
import { writePlanDir } from "./plan-dir.js";
import { SortedRuns, SpillDir } from "./sorted-runs.js";

/** Items held per file before a sorted run is spilled: bounds memory to about this many host lines plus jobs. */
export const DEFAULT_RUN_BUDGET = 10_000;

export class PlanDirWriter implements PlanSink {
  private readonly spill = new SpillDir();
  private readonly hosts: SortedRuns<HostResult>;
  private readonly jobs: SortedRuns<Job>;
  private readonly exposure: SortedRuns<ExposureLine>;

  constructor(budget = DEFAULT_RUN_BUDGET) {
    const dir = this.spill.path;
    // The keys order exactly as compareHosts (lower-case name) and compareJobs (window start, host, type, id).
    this.hosts = new SortedRuns({
      compare: compareHosts,
      keyOf: (h) => [h.host.toLowerCase()],
      dir,
      name: "hosts",
      budget,
    });
    this.jobs = new SortedRuns({
      compare: compareJobs,
      keyOf: (j) => [j.window.start, j.host, j.type, j.id],
      dir,
      name: "jobs",
      budget,
    });
    this.exposure = new SortedRuns({
      compare: compareHosts,
      keyOf: (x) => [x.host.toLowerCase()],
      dir,
      name: "exposure",
      budget,
    });
  }

  onHost(result: HostResult): void {
    this.hosts.add(result);
  }

  onJob(job: Job): void {
    this.jobs.add(job);
  }

  onExposure(line: ExposureLine): void {
    this.exposure.add(line);
  }

  /** How many runs went to disk (hosts, jobs). */
  get spilled(): { hosts: number; jobs: number } {
    return { hosts: this.hosts.spilled, jobs: this.jobs.spilled };
  }

  /** Writes plan.json and the merged line files (hosts, jobs, exposure) as one set under the lock of `out`, then drops the spill files. */
  async write(out: string, plan: Plan, options: { lockWaitMs?: number } = {}): Promise<void> {
    try {
      const files = new Map<string, FileContent>([
        ["plan.json", JSON.stringify(plan, null, 2) + "\n"],
        ["hosts.ndjson", this.hosts.lines()],
        ["jobs.ndjson", this.jobs.lines()],
        ["exposure.ndjson", this.exposure.lines()],
      ]);
      await writePlanDir(out, files, options);
    } finally {
      this.discard();
    }
  }

  /** Drops the spill files without writing (a run that fails before its plan is complete). */
  discard(): void {
    this.spill.remove();
  }
}
