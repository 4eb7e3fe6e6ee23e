// `patchops export ansible`: a reader of a written plan; it never re-plans.
import type { Command } from "commander";
import { inventoryOf } from "../app/ansible-export.js";
import { writeFilesAtomically } from "../output/atomic.js";
import { readPlanDir } from "./read-plan.js";
import type { Io } from "./io.js";
import { outputFormat, printResult } from "./output-format.js";
import { basename, dirname } from "node:path";
import { checkExportTarget, refuseClusterOverlaps } from "./export-target.js";
import { repoDir } from "./options.js";

export function registerExport(program: Command, io: Io): void {
  const exp = program.command("export").description("turn a written plan into inputs for deployment tools");
  exp
    .command("ansible")
    .description("jobs as an Ansible inventory, one group per window, host variables for ansible.windows.win_updates")
    .option("--plan <dir>", "directory holding plan.json and jobs.ndjson", "out/plan")
    .option(
      "--out <file>",
      "inventory file to write (YAML); never inside policy folders or over other files",
      "out/ansible-inventory.yml",
    )
    .option("--repo <dir>", "the policy repository whose folders are never written (default: current directory)")
    .option("--format <format>", "what to print: text or json", "text")
    .action(async (opts: { plan: string; out: string; repo?: string; format?: string }) => {
      const format = outputFormat(opts.format);
      const { plan, hosts, jobs } = await readPlanDir(opts.plan);
      await checkExportTarget(opts.out, repoDir(opts.repo));
      if (refuseClusterOverlaps(io, opts.plan, jobs, hosts)) return;
      const inventory = await inventoryOf(opts.plan, plan, jobs, hosts);
      await writeFilesAtomically(dirname(opts.out), new Map([[basename(opts.out), inventory]]));
      printResult(io, format, `Wrote ${opts.out}: ${jobs.length} jobs\n`, { out: opts.out, jobs: jobs.length });
    });
}
