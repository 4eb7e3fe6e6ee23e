// Reads a written plan directory (plan.json, hosts.ndjson, jobs.ndjson) whole, for the commands that consume one so.
import type { HostResult, Job, Plan } from "../model/plan.js";
import { PlanReader } from "../output/plan-reader.js";

export interface WrittenPlan {
  plan: Plan;
  hosts: HostResult[];
  jobs: Job[];
}

/** The plan and all its lines, checked as `PlanReader` checks them (`report` reads them in passes instead). */
export async function readPlanDir(dir: string): Promise<WrittenPlan> {
  const reader = await PlanReader.open(dir);
  try {
    return { plan: reader.plan, hosts: [...reader.hosts()], jobs: [...reader.jobs()] };
  } finally {
    await reader.close();
  }
}
