// Reads a written plan directory (plan.json, hosts.ndjson, jobs.ndjson) whole, for the commands that consume one so.
import type { HostResult, Job, Plan } from "../model/plan.js";
import { PlanReader } from "../output/plan-reader.js";

export interface WrittenPlan {
  plan: Plan;
  hosts: HostResult[];
  jobs: Job[];
}

/**
 * The plan and all its lines in any order (a plan merged by hand is still read, e.g. for export to refuse its
 * overlaps); `report` reads them in passes instead, and needs them in order.
 */
export async function readPlanDir(dir: string): Promise<WrittenPlan> {
  const reader = await PlanReader.open(dir);
  try {
    return {
      plan: reader.plan,
      hosts: [...reader.hosts({ anyOrder: true })],
      jobs: [...reader.jobs({ anyOrder: true })],
    };
  } finally {
    await reader.close();
  }
}
