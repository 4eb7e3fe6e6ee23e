// `patchops report`: compliance, metrics, the status site, the step summary and owner digests, from a written plan.
import { join } from "node:path";
import type { Command } from "commander";
import { readSnapshots } from "../git/status-history.js";
import { loadPolicySet } from "../load/policy-set.js";
import { writeTreeAtomically } from "../output/atomic.js";
import { compliance } from "../report/compliance.js";
import { ownerDigests, summaryMarkdown } from "../report/digest.js";
import { metrics } from "../report/metrics.js";
import { buildSite } from "../report/site/build.js";
import type { Io } from "./io.js";
import { outputFormat, printResult } from "./output-format.js";
import { readPlanDir } from "./read-plan.js";
import { repoDir } from "./options.js";
import { policySourceFor } from "./policy-source.js";

export function registerReport(program: Command, io: Io): void {
  program
    .command("report")
    .description(
      "compliance, metrics, the self-serve status site, the step summary and owner digests, from a written plan",
    )
    .option("--plan <dir>", "directory holding plan.json, hosts.ndjson and jobs.ndjson", "out/plan")
    .option("--out <dir>", "where to write the site and reports", "out/site")
    .option("--history <ref>", "the status branch holding compliance snapshots (metrics)", "patchops-status")
    .option("--repo <dir>", "policy repository, for update titles (default: current directory)")
    .option("--format <format>", "what to print: text or json", "text")
    .action(async (opts: { plan: string; out: string; history: string; repo?: string; format?: string }) => {
      const format = outputFormat(opts.format);
      const { plan, hosts, jobs } = await readPlanDir(opts.plan);
      const repo = repoDir(opts.repo);
      const titles = new Map<string, string>();
      try {
        const { set } = await loadPolicySet(await policySourceFor(repo, undefined));
        for (const u of set.updates) titles.set(u.spec.id.toUpperCase(), u.spec.title);
      } catch {
        // Titles are a nicety; a report without the policy repository still has every figure.
      }
      const snapshots = await readSnapshots(repo, opts.history);
      const c = compliance(plan, hosts, jobs);
      const m = metrics(snapshots);
      const files = buildSite(plan, hosts, jobs, c, m, titles);
      files.set("compliance.json", JSON.stringify(c, null, 2) + "\n");
      files.set("metrics.json", JSON.stringify(m, null, 2) + "\n");
      files.set("summary.md", summaryMarkdown(plan, c, m));
      for (const [owner, text] of ownerDigests(plan, hosts, jobs))
        files.set(`digests/${owner.replace(/[^A-Za-z0-9._-]/g, "_")}.md`, text);
      await writeTreeAtomically(opts.out, files);
      printResult(
        io,
        format,
        `Wrote the status site and reports to ${opts.out} (${hosts.length} hosts, ${snapshots.length} snapshots): open ${join(opts.out, "index.html")}\n`,
        { out: opts.out, index: join(opts.out, "index.html"), hosts: hosts.length, snapshots: snapshots.length },
      );
    });
}
