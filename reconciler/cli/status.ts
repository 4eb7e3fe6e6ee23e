// `patchops status record`: append the plan's compliance snapshot to the status branch (one commit per run).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { appendSnapshot } from "../git/status-branch.js";
import type { HostResult, Plan } from "../model/plan.js";
import { snapshotOf } from "../report/snapshot.js";
import { UsageError } from "../errors.js";
import type { Io } from "./io.js";
import { outputFormat, printResult } from "./output-format.js";
import { noPlanHint } from "./read-plan.js";
import { repoDir } from "./options.js";

export function registerStatus(program: Command, io: Io): void {
  const status = program.command("status").description("the compliance history kept on a status branch");
  status
    .command("record")
    .description("append the plan's compliance snapshot to the status branch (default patchops-status) as one commit")
    .option("--plan <dir>", "directory holding plan.json and hosts.ndjson", "out/plan")
    .option("--repo <dir>", "the git repository (default: current directory)")
    .option("--branch <name>", "the status branch", "patchops-status")
    .option("--remote <name>", "push the commit to this remote (e.g. origin); without it only the local branch moves")
    .option("--format <format>", "what to print: text or json", "text")
    .action(async (opts: { plan: string; repo?: string; branch: string; remote?: string; format?: string }) => {
      const format = outputFormat(opts.format);
      let plan: Plan;
      let hosts: HostResult[];
      try {
        plan = JSON.parse(await readFile(join(opts.plan, "plan.json"), "utf8")) as Plan;
        hosts = (await readFile(join(opts.plan, "hosts.ndjson"), "utf8"))
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as HostResult);
      } catch (err) {
        throw new UsageError(
          `cannot read the plan in ${opts.plan}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}${noPlanHint(err)}`,
        );
      }
      const snapshot = snapshotOf(plan, hosts);
      const name = `${plan.now.replace(/:/g, "")}.json`;
      const r = await appendSnapshot({
        repo: repoDir(opts.repo),
        branch: opts.branch,
        remote: opts.remote ?? null,
        name,
        content: JSON.stringify(snapshot, null, 1) + "\n",
        message: `status ${plan.now}: ${plan.summary.byStatus.compliant}/${plan.summary.hosts} compliant (policy ${plan.policyRevision?.slice(0, 12) ?? "working tree"})`,
      });
      printResult(
        io,
        format,
        `Recorded ${r.path} on ${opts.branch} as ${r.commit.slice(0, 12)}${r.pushed ? ` and pushed to ${opts.remote}` : ""}\n`,
        { path: r.path, branch: opts.branch, commit: r.commit, pushed: r.pushed },
      );
    });
}
