// `merge` without holding the fleet: shard files are counted in one read, then k-way merged into the plan set.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import type { HostResult, Job, Plan } from "../model/plan.js";
import { checkShards, mergedPlan } from "../plan/merge.js";
import { SummaryCounters } from "../plan/passes/summary.js";
import { compareHosts, compareJobs } from "../plan/reconcile.js";
import { writePlanDir } from "./plan-dir.js";
import { jsonLines, mergeSortedFiles } from "./sorted-runs.js";

const notJson = (path: string, line: number) => new UsageError(`${path}:${line}: not a JSON line`);

/** plan.json of a plan directory; a missing or foreign file is a usage error. */
export async function readPlanJson(dir: string): Promise<Plan> {
  const path = join(dir, "plan.json");
  let plan: Plan;
  try {
    plan = JSON.parse(await readFile(path, "utf8")) as Plan;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read the plan in ${dir}: ${code ?? (err as Error).message}${code === "ENOENT" ? " (run `patchops plan --inventory FILE` first, or pass --plan DIR)" : ""}`,
    );
  }
  if (plan?.kind !== "Plan") throw new UsageError(`${path} is not a patchops plan`);
  return plan;
}

/**
 * Merges the plan directories of `plan --shard i/N` into `out`: the bytes a single run writes. Throws MergeError for
 * shards that do not belong together, UsageError for unreadable ones.
 */
export async function mergePlanDirs(dirs: readonly string[], out: string): Promise<{ hosts: number; jobs: number }> {
  const plans = await Promise.all(dirs.map(readPlanJson));
  checkShards(plans);
  const hostFiles = dirs.map((d) => join(d, "hosts.ndjson"));
  const jobFiles = dirs.map((d) => join(d, "jobs.ndjson"));
  const counters = new SummaryCounters();
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
      ["hosts.ndjson", mergeSortedFiles(hostFiles, compareHosts)],
      ["jobs.ndjson", mergeSortedFiles(jobFiles, compareJobs)],
    ]),
  );
  return { hosts: counters.hosts, jobs: Object.values(counters.jobs).reduce((a, b) => a + b, 0) };
}
