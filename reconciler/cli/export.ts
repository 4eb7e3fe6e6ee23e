// `patchops export ansible`: a reader of a written plan; it never re-plans.
import type { Command } from "commander";
import { ansibleInventory } from "../export/ansible.js";
import { writeFilesAtomically } from "../output/atomic.js";
import { readPlanDir } from "./read-plan.js";
import type { Io } from "./io.js";
import { outputFormat, printResult } from "./output-format.js";
import { dirname, basename } from "node:path";

export function registerExport(program: Command, io: Io): void {
  const exp = program.command("export").description("turn a written plan into inputs for deployment tools");
  exp
    .command("ansible")
    .description("jobs as an Ansible inventory, one group per window, host variables for ansible.windows.win_updates")
    .option("--plan <dir>", "directory holding plan.json and jobs.ndjson", "out/plan")
    .option("--out <file>", "inventory file to write (YAML)", "out/ansible-inventory.yml")
    .option("--format <format>", "what to print: text or json", "text")
    .action(async (opts: { plan: string; out: string; format?: string }) => {
      const format = outputFormat(opts.format);
      const { plan, jobs } = await readPlanDir(opts.plan);
      await writeFilesAtomically(
        dirname(opts.out),
        new Map([[basename(opts.out), ansibleInventory(jobs, { now: plan.now, policyRevision: plan.policyRevision })]]),
      );
      printResult(io, format, `Wrote ${opts.out}: ${jobs.length} jobs\n`, { out: opts.out, jobs: jobs.length });
    });
}
