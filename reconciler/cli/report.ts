// `patchops report`: compliance, metrics, the status site, the step summary and owner digests, from a written plan.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { readSnapshots } from "../git/status-history.js";
import { loadPolicySet } from "../load/policy-set.js";
import type { HostResult, Job, Plan } from "../model/plan.js";
import { writeTreeAtomically } from "../output/atomic.js";
import { compliance } from "../report/compliance.js";
import { ownerDigests, summaryMarkdown } from "../report/digest.js";
import { metrics } from "../report/metrics.js";
import { buildSite } from "../report/site/build.js";
import { UsageError } from "./errors.js";
import type { Io } from "./io.js";
import { repoDir } from "./options.js";
import { policySourceFor } from "./policy-source.js";

async function readPlanDir(dir: string): Promise<{ plan: Plan; hosts: HostResult[]; jobs: Job[] }> {
  const lines = async (f: string) =>
    (await readFile(join(dir, f), "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown);
  try {
    return { plan: JSON.parse(await readFile(join(dir, "plan.json"), "utf8")) as Plan, hosts: (await lines("hosts.ndjson")) as HostResult[], jobs: (await lines("jobs.ndjson")) as Job[] };
  } catch (err) {
    throw new UsageError(`cannot read the plan in ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function registerReport(program: Command, io: Io): void {
  program
    .command("report")
    .description("compliance, metrics, the self-serve status site, the step summary and owner digests, from a written plan")
    .requiredOption("--plan <dir>", "directory holding plan.json, hosts.ndjson and jobs.ndjson")
    .requiredOption("--out <dir>", "where to write the site and reports")
    .option("--history <ref>", "the status branch holding compliance snapshots (metrics)", "patchops-status")
    .option("--repo <dir>", "policy repository, for update titles (default: current directory)")
    .action(async (opts: { plan: string; out: string; history: string; repo?: string }) => {
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
      for (const [owner, text] of ownerDigests(plan, hosts, jobs)) files.set(`digests/${owner.replace(/[^A-Za-z0-9._-]/g, "_")}.md`, text);
      await writeTreeAtomically(opts.out, files);
      io.out(`Wrote the status site and reports to ${opts.out} (${hosts.length} hosts, ${snapshots.length} snapshots): open ${join(opts.out, "index.html")}\n`);
    });
}
