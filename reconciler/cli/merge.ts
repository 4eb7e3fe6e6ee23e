// `patchops merge`: combine shard outputs into exactly the files a single plan run writes.
import type { Command } from "commander";
import { writePlanDir } from "../output/plan-dir.js";
import { planFiles } from "../output/plan-files.js";
import { MergeError, mergeShards, type PlanParts } from "../plan/merge.js";
import { UsageError } from "../errors.js";
import type { Io } from "./io.js";
import { addFormatOption, outputFormat, printResult } from "./output-format.js";
import { readPlanDir } from "./read-plan.js";

export function registerMerge(program: Command, io: Io): void {
  addFormatOption(
    program
      .command("merge")
      .description("combine the outputs of plan --shard i/N into the files a single run writes")
      .argument("<dirs...>", "the shard output directories")
      .requiredOption("--out <dir>", "where to write the merged plan"),
  ).action(async (dirs: string[], opts: { out: string; format?: string }) => {
    const format = outputFormat(opts.format);
    const parts = await Promise.all(dirs.map(readPlanDir));
    let merged: PlanParts;
    try {
      merged = mergeShards(parts);
    } catch (err) {
      if (err instanceof MergeError) throw new UsageError(err.message);
      throw err;
    }
    await writePlanDir(opts.out, planFiles(merged.plan, merged.hosts, merged.jobs));
    printResult(
      io,
      format,
      `Merged ${parts.length} shards: ${merged.hosts.length} hosts, ${merged.jobs.length} jobs into ${opts.out}\n`,
      { shards: parts.length, hosts: merged.hosts.length, jobs: merged.jobs.length, out: opts.out },
    );
  });
}
