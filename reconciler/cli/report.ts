// `patchops report`: compliance, metrics, the status site, the step summary and owner digests, from a written plan.
import { join } from "node:path";
import type { Command } from "commander";
import { readSnapshotHistory } from "../git/status-history.js";
import { loadPolicySet } from "../load/policy-set.js";
import { writeTreeAtomically } from "../output/atomic.js";
import { PlanReader } from "../output/plan-reader.js";
import { SpillDir } from "../output/sorted-runs.js";
import { reportFiles, tallyPlan } from "../report/from-plan.js";
import { metrics } from "../report/metrics.js";
import { updateInfoOf, type UpdateInfo } from "../report/update-info.js";
import { siteFactsOf, type SiteFacts } from "../report/site/policy-facts.js";
import type { Io } from "./io.js";
import { outputFormat, printResult } from "./output-format.js";
import { addResultsOption, repoDir } from "./options.js";
import { readResultsOrExit } from "./read-results.js";
import { policySourceFor } from "../app/policy-source.js";

export function registerReport(program: Command, io: Io): void {
  addResultsOption(
    program
      .command("report")
      .description(
        "compliance, metrics, the self-serve status site, the step summary and owner digests, from a written plan",
      )
      .option("--plan <dir>", "directory holding plan.json, hosts.ndjson and jobs.ndjson", "out/plan")
      .option("--out <dir>", "where to write the site and reports", "out/site")
      .option("--history <ref>", "the status branch holding compliance snapshots (metrics)", "patchops-status")
      .option("--repo <dir>", "policy repository, for update titles (default: current directory)")
      .option("--format <format>", "what to print: text or json", "text"),
  ).action(
    async (opts: {
      plan: string;
      out: string;
      history: string;
      repo?: string;
      results?: string[];
      format?: string;
    }) => {
      const format = outputFormat(opts.format);
      const results = await readResultsOrExit(opts.results, io);
      if (!results) return;
      const reader = await PlanReader.open(opts.plan);
      const spill = new SpillDir();
      try {
        const tally = tallyPlan(reader, spill.path);
        const repo = repoDir(opts.repo);
        let info = new Map<string, UpdateInfo>();
        let facts: SiteFacts | undefined;
        try {
          const { set } = await loadPolicySet(await policySourceFor(repo, undefined));
          info = updateInfoOf(set);
          facts = siteFactsOf(set);
        } catch {
          // Titles and severities are a nicety; a report without the policy repository still has every figure.
        }
        const { snapshots, rejected } = await readSnapshotHistory(repo, opts.history);
        for (const r of rejected) io.err(`patchops: warning: ${opts.history}:${r.file} was skipped: ${r.reason}\n`);
        const m = metrics(snapshots, results);
        await writeTreeAtomically(
          opts.out,
          reportFiles(tally, { metrics: m, info, refusedSnapshots: rejected.length, facts }),
        );
        const hosts = tally.hosts.count;
        printResult(
          io,
          format,
          `Wrote the status site and reports to ${opts.out} (${hosts} hosts, ${snapshots.length} snapshots): open ${join(opts.out, "index.html")}\n`,
          { out: opts.out, index: join(opts.out, "index.html"), hosts, snapshots: snapshots.length },
        );
      } finally {
        spill.remove();
        await reader.close();
      }
    },
  );
}
