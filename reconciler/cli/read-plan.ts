// Reads a written plan directory (plan.json, hosts.ndjson, jobs.ndjson) for the commands that consume one.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { HostResult, Job, Plan } from "../model/plan.js";
import { UsageError } from "../errors.js";

export interface WrittenPlan {
  plan: Plan;
  hosts: HostResult[];
  jobs: Job[];
}

export async function readPlanDir(dir: string): Promise<WrittenPlan> {
  const lines = async (file: string): Promise<unknown[]> =>
    (await readFile(join(dir, file), "utf8"))
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l, i) => {
        try {
          return JSON.parse(l) as unknown;
        } catch {
          throw new UsageError(`${join(dir, file)}:${i + 1}: not a JSON line`);
        }
      });
  try {
    const plan = JSON.parse(await readFile(join(dir, "plan.json"), "utf8")) as Plan;
    if (plan?.kind !== "Plan") throw new UsageError(`${join(dir, "plan.json")} is not a patchops plan`);
    return { plan, hosts: (await lines("hosts.ndjson")) as HostResult[], jobs: (await lines("jobs.ndjson")) as Job[] };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      `cannot read the plan in ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}${noPlanHint(err)}`,
    );
  }
}

/** Where a reader of a plan finds none: say how to make one. */
export function noPlanHint(err: unknown): string {
  return (err as NodeJS.ErrnoException).code === "ENOENT"
    ? " (run `patchops plan --inventory FILE` first, or pass --plan DIR)"
    : "";
}
