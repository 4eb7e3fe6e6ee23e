// `patchops plan`: reconcile the policy with the scanned inventory and write the plan artifact.
import type { Command } from "commander";
import { hasErrors } from "../diagnostics.js";
import { writeFilesAtomically } from "../output/atomic.js";
import { planFiles } from "../output/plan-files.js";
import { reconcile } from "../plan/reconcile.js";
import { planSummary } from "../report/plan-summary.js";
import { join } from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { addGithubOptions, githubFromEnvironment } from "./github-options.js";
import type { Io } from "./io.js";
import { loadPlanInputs } from "./load-plan-inputs.js";
import { addInventoryOptions, formatOption, nowOption, repoDir } from "./options.js";
import { diagnosticsAsText } from "./render-diagnostics.js";

interface PlanOptions {
  repo?: string;
  ref?: string;
  inventory: string[];
  inventoryFormat?: string;
  scannedAt?: string;
  out: string;
  now?: string;
  format?: string;
  verifyApprovals: boolean;
  trustLocalApprovals?: boolean;
  githubRepo?: string;
  cacheDir?: string;
  shard?: string;
}

export function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard must be i/N with 1 <= i <= N (found '${text}')`);
  return { index, count };
}

export function registerPlan(program: Command, io: Io): void {
  const cmd = addInventoryOptions(
    program
      .command("plan")
      .description(
        "reconcile policy with the scanned inventory: writes DIR/plan.json, DIR/hosts.ndjson, DIR/jobs.ndjson",
      ),
    "inventory files (JSON Lines, JSON array, osquery, Get-HotFix); - for stdin",
  )
    .option("--out <dir>", "output directory", "out/plan")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--ref <ref>", "plan the policy at a git ref instead of the working tree")
    .option("--now <iso>", "plan as of this instant (default: the clock)")
    .option("--format <format>", "summary on stdout: text, json or markdown", "text")
    .option("--no-verify-approvals", "trust approved files without CAB verification (demos only; every output says so)")
    .option(
      "--trust-local-approvals",
      "accept Approved-by: trailers on merge commits where no review can be checked (weaker evidence)",
    )
    .option(
      "--shard <i/N>",
      "plan only shard i of N (hosts split by a stable hash; cluster nodes stay together); combine with patchops merge",
    );
  addGithubOptions(cmd).action(async (opts: PlanOptions) => {
    const format = formatOption(opts.format, ["text", "json", "markdown"] as const, "text");
    const now = nowOption(opts.now);
    const shard = parseShard(opts.shard);
    const loaded = await loadPlanInputs({
      repo: repoDir(opts.repo),
      ref: opts.ref,
      inventory: opts.inventory,
      inventoryFormat: opts.inventoryFormat,
      scannedAt: opts.scannedAt,
      now,
      verifyApprovals: opts.verifyApprovals,
      trustLocalApprovals: opts.trustLocalApprovals,
      github: opts.verifyApprovals ? githubFromEnvironment(opts) : null,
      cacheDir: opts.cacheDir ?? join(repoDir(opts.repo), ".patchops-cache"),
    });
    if (!loaded.input) {
      io.err(diagnosticsAsText(loaded.policyErrors, 0));
      io.err("patchops: the policy is invalid; no plan was written\n");
      io.exitCode(EXIT.invalid);
      return;
    }
    if (loaded.inventoryDiagnostics.length)
      io.err(diagnosticsAsText(loaded.inventoryDiagnostics, 0).replace(/\n[✓✗][^\n]*\n$/, "\n"));
    const result = reconcile({ ...loaded.input, shard });
    await writeFilesAtomically(opts.out, planFiles(result.plan, result.hosts, result.jobs));
    if (format === "json") io.out(JSON.stringify(result.plan, null, 2) + "\n");
    else io.out(planSummary(result.plan, result.hosts, result.jobs, format, opts.out));
    const planErrors = result.plan.findings.some((f) => f.severity === "error");
    io.exitCode(planErrors || hasErrors(loaded.inventoryDiagnostics) ? EXIT.invalid : EXIT.ok);
  });
}
