// `patchops deploy due`: the Ansible inventory of exactly the jobs due now, for the hourly deploy loop.
import type { Command } from "commander";
import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { inventoryOf } from "../app/ansible-export.js";
import { EXIT } from "../errors.js";
import { groupOf } from "../export/ansible.js";
import { dueJobs } from "../export/due.js";
import { writeFilesAtomically } from "../output/atomic.js";
import { readResults, ResultsReadError } from "../results/read.js";
import { UsageError } from "../errors.js";
import { diagnosticsAsText } from "../views/diagnostics.js";
import { checkExportTarget, refuseClusterOverlaps } from "./export-target.js";
import type { Io } from "./io.js";
import { nowOption, repoDir } from "./options.js";
import { outputFormat, printResult } from "./output-format.js";
import { readPlanDir } from "./read-plan.js";

/** The .ndjson files of a results folder, by name; a folder that does not exist yet holds none. */
export async function resultFiles(dir: string | undefined): Promise<string[]> {
  if (dir === undefined) return [];
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return [] as string[];
    throw new UsageError(`cannot read the results folder ${dir}: ${err.code ?? err.message}`);
  });
  return names
    .filter((n) => n.endsWith(".ndjson"))
    .sort()
    .map((n) => join(dir, n));
}

interface DueOptions {
  plan: string;
  out: string;
  now?: string;
  results?: string[];
  resultsDir?: string;
  repo?: string;
  format?: string;
  maxErrors?: string;
}

/** `--max-errors`: a count of failed jobs, or a percentage of a group's hosts. */
function maxErrorsOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,5})$|^(0|[1-9][0-9]?|100)%$/.test(value))
    throw new UsageError(
      `--max-errors '${value}' is neither a count (e.g. 2) nor a percentage from 0% to 100% (e.g. 10%)`,
    );
  return value;
}

export function registerDeploy(program: Command, io: Io): void {
  const deploy = program.command("deploy").description("run a written plan: which jobs are due now");
  deploy
    .command("due")
    .description(
      "write the Ansible inventory of the jobs whose window is open now and that have no result yet; print their groups, one a line",
    )
    .option("--plan <dir>", "directory holding plan.json and jobs.ndjson", "out/plan")
    .option("--out <file>", "inventory file to write (YAML)", "out/ansible-due.yml")
    .option("--now <iso>", "the instant to select for (default: the clock)")
    .option("--results <file...>", "job results already written (NDJSON files or Ansible JSON callback output)")
    .option("--results-dir <dir>", "a folder of result files (*.ndjson), e.g. the playbook's patchops_results_dir")
    .option(
      "--max-errors <n|n%>",
      "stop starting jobs of a group once more than this many (or this % of its hosts) failed (default: the policy's rollout.maxErrors)",
    )
    .option("--repo <dir>", "the policy repository whose folders are never written (default: current directory)")
    .option("--format <format>", "what to print: text (the groups) or json", "text")
    .action(async (opts: DueOptions) => {
      const format = outputFormat(opts.format);
      const now = nowOption(opts.now);
      // A bad option is a usage error before anything is read.
      const given = maxErrorsOption(opts.maxErrors);
      const { plan, hosts, jobs } = await readPlanDir(opts.plan);
      // The option wins; without it the PatchPolicy's rollout.maxErrors, as the plan recorded it.
      const fromPolicy = plan.rollout?.maxErrors;
      const maxErrors = given ?? (fromPolicy === undefined ? undefined : maxErrorsOption(String(fromPolicy)));
      await checkExportTarget(opts.out, repoDir(opts.repo));
      if (refuseClusterOverlaps(io, opts.plan, jobs, hosts)) return;
      const files = [...(opts.results ?? []), ...(await resultFiles(opts.resultsDir))];
      let read;
      try {
        read = await readResults(files);
      } catch (err) {
        if (err instanceof ResultsReadError) throw new UsageError(err.message);
        throw err;
      }
      // A broken result line is reported (exit 1), and only the job it would have ended is due again: the rest
      // of the fleet is still exported.
      if (read.diagnostics.length > 0) {
        io.err(diagnosticsAsText(read.diagnostics, 0));
        io.exitCode(EXIT.invalid);
      }
      const { due, done } = dueJobs(jobs, now, read.results);
      await writeFilesAtomically(
        dirname(opts.out),
        new Map([
          [
            basename(opts.out),
            await inventoryOf(opts.plan, plan, due, hosts, maxErrors === undefined ? {} : { maxErrors }),
          ],
        ]),
      );
      const groups = [...new Set(due.map(groupOf))].sort();
      const at = new Date(now).toISOString().replace(/\.000Z$/, "Z");
      io.err(
        `Wrote ${opts.out}: ${due.length} job(s) due at ${at} in ${groups.length} group(s); ${done.length} open job(s) already have a result\n`,
      );
      printResult(io, format, groups.map((g) => `${g}\n`).join(""), {
        out: opts.out,
        now: at,
        groups,
        due: due.map((j) => ({ jobId: j.id, host: j.host, type: j.type, group: groupOf(j), window: j.window })),
        done: done.map((j) => ({ jobId: j.id, host: j.host })),
      });
    });
}
