// `merge` without holding the fleet: shard files are counted in one read, then k-way merged into the plan set.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import type { ExposureLine, HostResult, Job } from "../model/plan.js";
import { checkShards, mergedPlan } from "../plan/merge.js";
import { SummaryCounters } from "../plan/passes/summary.js";
import { compareHosts, compareJobs } from "../plan/reconcile.js";
import { writePlanDir } from "./plan-dir.js";
import { notJson, readPlanJson } from "./plan-reader.js";
import { jsonLines, mergeSortedFiles } from "./sorted-runs.js";

/**
 * Merges the plan directories of `plan --shard i/N` into `out`: the bytes a single run writes. Throws MergeError for
 * shards that do not belong together, UsageError for unreadable ones.
 */
export async function mergePlanDirs(dirs: readonly string[], out: string): Promise<{ hosts: number; jobs: number }> {
  const plans = await Promise.all(dirs.map(readPlanJson));
  checkShards(plans);
  const hostFiles = dirs.map((d) => join(d, "hosts.ndjson"));
  const jobFiles = dirs.map((d) => join(d, "jobs.ndjson"));
  // Each shard judged its own hosts' exposure; shards written before exposure.ndjson existed merge without one.
  const exposureFiles = dirs.map((d) => join(d, "exposure.ndjson"));
  const withExposure = exposureFiles.every((f) => existsSync(f));
  const counters = new SummaryCounters();
  for (const p of plans) counters.addShard(p.summary);
  try {
    for (const f of hostFiles) for (const [h] of jsonLines(f, notJson)) counters.addHost(h as HostResult);
    for (const f of jobFiles) for (const [j] of jsonLines(f, notJson)) counters.addJob(j as Job);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read a shard: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const plan = mergedPlan(plans, counters);
  await writePlanDir(
    out,
    new Map([
      ["plan.json", JSON.stringify(plan, null, 2) + "\n"],
      ["hosts.ndjson", mergeSortedFiles<HostResult>(hostFiles, compareHosts)],
      ["jobs.ndjson", mergeSortedFiles(jobFiles, compareJobs)],
      ...(withExposure
        ? [["exposure.ndjson", mergeSortedFiles<ExposureLine>(exposureFiles, compareHosts)] as const]
        : []),
    ]),
  );
  return { hosts: counters.hosts, jobs: Object.values(counters.jobs).reduce((a, b) => a + b, 0) };
}
