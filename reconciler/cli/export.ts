// `patchops export ansible`: a reader of a written plan; it never re-plans.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { ansibleInventory } from "../export/ansible.js";
import type { Job, Plan } from "../model/plan.js";
import { writeFilesAtomically } from "../output/atomic.js";
import { UsageError } from "./errors.js";
import type { Io } from "./io.js";
import { dirname, basename } from "node:path";

async function readPlan(dir: string): Promise<{ plan: Plan; jobs: Job[] }> {
  try {
    const plan = JSON.parse(await readFile(join(dir, "plan.json"), "utf8")) as Plan;
    const text = await readFile(join(dir, "jobs.ndjson"), "utf8");
    const jobs = text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l, i) => {
        try {
          return JSON.parse(l) as Job;
        } catch {
          throw new UsageError(`${join(dir, "jobs.ndjson")}:${i + 1}: not a JSON job line`);
        }
      });
    if (plan.kind !== "Plan") throw new UsageError(`${join(dir, "plan.json")} is not a patchops plan`);
    return { plan, jobs };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read the plan in ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function registerExport(program: Command, io: Io): void {
  const exp = program.command("export").description("turn a written plan into inputs for deployment tools");
  exp
    .command("ansible")
    .description("jobs as an Ansible inventory, one group per window, host variables for ansible.windows.win_updates")
    .requiredOption("--plan <dir>", "directory holding plan.json and jobs.ndjson")
    .requiredOption("--out <file>", "inventory file to write (YAML)")
    .action(async (opts: { plan: string; out: string }) => {
      const { plan, jobs } = await readPlan(opts.plan);
      await writeFilesAtomically(dirname(opts.out), new Map([[basename(opts.out), ansibleInventory(jobs, { now: plan.now, policyRevision: plan.policyRevision })]]));
      io.out(`Wrote ${opts.out}: ${jobs.length} jobs\n`);
    });
}
