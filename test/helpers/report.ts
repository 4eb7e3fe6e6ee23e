// `patchops report` from lines held in a test: the plan written as `patchops plan` writes it, then tallied and
// written by the report's own passes (report/from-plan.ts), or compliance counted as the report counts it.
import { readdir } from "node:fs/promises";
import type { HostResult, Job, Plan } from "../../reconciler/model/plan.js";
import { writeTreeAtomically } from "../../reconciler/output/atomic.js";
import { PlanReader } from "../../reconciler/output/plan-reader.js";
import { SpillDir } from "../../reconciler/output/sorted-runs.js";
import { ComplianceCounts, type Compliance } from "../../reconciler/report/compliance.js";
import { reportFiles, tallyPlan } from "../../reconciler/report/from-plan.js";
import type { Metrics } from "../../reconciler/report/metrics.js";
import type { UpdateInfo } from "../../reconciler/report/update-info.js";
import { writePlanFiles } from "./plan-fixture.js";
import { tempDir } from "./repo.js";

/** Compliance of hosts and jobs in file order (jobs sorted as jobs.ndjson is), counted as `report` counts it. */
export function complianceOf(plan: Plan, hosts: readonly HostResult[], jobs: readonly Job[]): Compliance {
  const c = new ComplianceCounts(plan);
  for (const j of jobs) c.addJob(j);
  for (const h of hosts) c.addHost(h);
  return c.result();
}

/**
 * Writes the plan (lines in file order) to a temp folder and the report of it to `out`, as `patchops report` does
 * with the given metrics and titles; `budget` is the items held before a sorted run spills to disk.
 */
export async function writeReport(
  lines: { plan: Plan; hosts: readonly HostResult[]; jobs: readonly Job[] },
  extras: { metrics: Metrics; info: ReadonlyMap<string, UpdateInfo>; refusedSnapshots?: number },
  out: string,
  budget?: number,
): Promise<{ compliance: Compliance; spilledRuns: number }> {
  const dir = await writePlanFiles(
    { plan: lines.plan, hosts: [...lines.hosts], jobs: [...lines.jobs] },
    await tempDir(),
  );
  const reader = await PlanReader.open(dir);
  const spill = new SpillDir();
  try {
    const tally = tallyPlan(reader, spill.path, budget);
    await writeTreeAtomically(out, reportFiles(tally, extras));
    return { compliance: tally.compliance, spilledRuns: (await readdir(spill.path)).length };
  } finally {
    spill.remove();
    await reader.close();
  }
}
