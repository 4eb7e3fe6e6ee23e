// `patchops merge`: combine shard outputs into exactly the files a single plan run writes.
import type { Command } from "commander";
import { mergePlanDirs } from "../output/merge-stream.js";
import { MergeError } from "../plan/merge.js";
import { UsageError } from "../errors.js";
import type { Io } from "./io.js";
import { addFormatOption, outputFormat, printResult } from "./output-format.js";

export function registerMerge(program: Command, io: Io): void {
  addFormatOption(
    program
      .command("merge")
      .description("combine the outputs of plan --shard i/N into the files a single run writes")
      .argument("<dirs...>", "the shard output directories")
      .requiredOption("--out <dir>", "where to write the merged plan"),
  ).action(async (dirs: string[], opts: { out: string; format?: string }) => {
    const format = outputFormat(opts.format);
    // Streaming: each shard's files are read to count, then merged line by line (they are each in file order).
    let merged: { hosts: number; jobs: number };
    try {
      merged = await mergePlanDirs(dirs, opts.out);
    } catch (err) {
      if (err instanceof MergeError) throw new UsageError(err.message);
      throw err;
    }
    printResult(
      io,
      format,
      `Merged ${dirs.length} shards: ${merged.hosts} hosts, ${merged.jobs} jobs into ${opts.out}\n`,
      { shards: dirs.length, hosts: merged.hosts, jobs: merged.jobs, out: opts.out },
    );
  });
}
