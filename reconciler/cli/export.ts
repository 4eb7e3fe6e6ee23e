// `patchops export ansible`: a reader of a written plan; it never re-plans.
import type { Command } from "commander";
import { ansibleInventory } from "../export/ansible.js";
import { writeFilesAtomically } from "../output/atomic.js";
import { readPlanDir } from "./read-plan.js";
import type { Io } from "./io.js";
import { dirname, basename } from "node:path";
import { checkExportTarget } from "./export-target.js";
import { repoDir } from "./options.js";

export function registerExport(program: Command, io: Io): void {
  const exp = program.command("export").description("turn a written plan into inputs for deployment tools");
  exp
    .command("ansible")
    .description("jobs as an Ansible inventory, one group per window, host variables for ansible.windows.win_updates")
    .requiredOption("--plan <dir>", "directory holding plan.json and jobs.ndjson")
    .requiredOption("--out <file>", "inventory file to write (YAML); never inside policy folders or over other files")
    .option("--repo <dir>", "the policy repository whose folders are never written (default: current directory)")
    .action(async (opts: { plan: string; out: string; repo?: string }) => {
      const { plan, jobs } = await readPlanDir(opts.plan);
      await checkExportTarget(opts.out, repoDir(opts.repo));
      await writeFilesAtomically(
        dirname(opts.out),
        new Map([[basename(opts.out), ansibleInventory(jobs, { now: plan.now, policyRevision: plan.policyRevision })]]),
      );
      io.out(`Wrote ${opts.out}: ${jobs.length} jobs\n`);
    });
}
