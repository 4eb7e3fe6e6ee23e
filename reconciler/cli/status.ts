// `patchops status record`: append the plan's compliance snapshot to the status branch (one commit per run).
import type { Command } from "commander";
import { appendSnapshot, StatusBranchError } from "../git/status-branch.js";
import { snapshotOf } from "../report/snapshot.js";
import { UsageError } from "../errors.js";
import type { Io } from "./io.js";
import { outputFormat, printResult } from "./output-format.js";
import { PlanReader } from "../output/plan-reader.js";
import { repoDir } from "./options.js";
import { readResultsOrExit } from "./read-results.js";
import { recordedResults } from "../git/recorded-results.js";
import { resultKey } from "../report/job-metrics.js";

export function registerStatus(program: Command, io: Io): void {
  const status = program.command("status").description("the compliance history kept on a status branch");
  status
    .command("record")
    .description("append the plan's compliance snapshot to the status branch (default patchops-status) as one commit")
    .option("--plan <dir>", "directory holding plan.json and hosts.ndjson", "out/plan")
    .option("--repo <dir>", "the git repository (default: current directory)")
    .option("--branch <name>", "the status branch", "patchops-status")
    .option("--remote <name>", "push the commit to this remote (e.g. origin); without it only the local branch moves")
    .option(
      "--results <file...>",
      "job results: the playbook's NDJSON files or ansible-playbook output with ANSIBLE_STDOUT_CALLBACK=json",
    )
    .option("--format <format>", "what to print: text or json", "text")
    .action(
      async (opts: {
        plan: string;
        repo?: string;
        branch: string;
        remote?: string;
        results?: string[];
        format?: string;
      }) => {
        const format = outputFormat(opts.format);
        const results = await readResultsOrExit(opts.results, io);
        if (!results) return;
        // The host lines are streamed (a million hosts' file is larger than a string can be): only counts are kept.
        const reader = await PlanReader.open(opts.plan);
        const plan = reader.plan;
        const name = `${plan.now.replace(/:/g, "")}.json`;
        let snapshot;
        try {
          // Record each result once: skip what the branch's snapshots of the last 45 days already keep.
          const planAt = Date.parse(plan.now);
          const since = Number.isNaN(planAt)
            ? ""
            : new Date(planAt - 45 * 86_400_000).toISOString().replace(/\.000Z$/, "Z");
          const seen = new Set<string>();
          if (results.length > 0)
            for (const ref of [opts.branch, ...(opts.remote ? [`refs/remotes/${opts.remote}/${opts.branch}`] : [])])
              for (const r of await recordedResults(repoDir(opts.repo), ref, since, name)) seen.add(resultKey(r));
          snapshot = snapshotOf(
            plan,
            reader.hosts({ anyOrder: true }),
            results.filter((r) => !seen.has(resultKey(r))),
          );
        } finally {
          await reader.close();
        }
        const r = await appendSnapshot({
          repo: repoDir(opts.repo),
          branch: opts.branch,
          remote: opts.remote ?? null,
          name,
          content: JSON.stringify(snapshot, null, 1) + "\n",
          message: `status ${plan.now}: ${plan.summary.byStatus.compliant}/${plan.summary.hosts} compliant (policy ${plan.policyRevision?.slice(0, 12) ?? "working tree"})`,
        }).catch((err: unknown) => {
          throw err instanceof StatusBranchError ? new UsageError(err.message) : err;
        });
        printResult(
          io,
          format,
          `Recorded ${r.path} on ${opts.branch} as ${r.commit.slice(0, 12)}${r.pushed ? ` and pushed to ${opts.remote}` : ""}\n`,
          { path: r.path, branch: opts.branch, commit: r.commit, pushed: r.pushed },
        );
      },
    );
}
