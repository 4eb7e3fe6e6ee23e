// `patchops plan`: reconcile the policy with the scanned inventory and write the plan artifact.
import type { Command } from "commander";
import { hasErrors } from "../diagnostics.js";
import type { PlanDetail } from "../model/plan.js";
import { PlanDirWriter } from "../output/plan-stream.js";
import { reconcileInto } from "../plan/reconcile.js";
import { PlanDigest } from "../report/plan-digest.js";
import { planSummaryOf } from "../views/plan-summary.js";
import { EXIT, UsageError } from "../errors.js";
import {
  addGithubOptions,
  cabRootOption,
  githubFromEnvironment,
  refuseUnverifiedOnActions,
  TRUSTED_LOCAL_WARNING,
} from "./github-options.js";
import type { Io } from "./io.js";
import { loadPlanInputs, type LoadedPlanInputs } from "../app/plan-inputs.js";
import { addInventoryOptions, addResultsOption, formatOption, nowOption, repoDir } from "./options.js";
import { diagnosticsAsText } from "../views/diagnostics.js";
import { grouped, duration, PlanProgress } from "../views/progress.js";

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
  cabRoot?: string;
  protectedBranch?: string;
  shard?: string;
  results?: string[];
  statusHistory: string;
  progress?: boolean;
  detail?: string;
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

/** `--detail`: how much of each host's update map hosts.ndjson carries (docs/plan-format.md). */
function detailOption(text: string | undefined): PlanDetail {
  const v = text ?? "compact";
  if (v !== "compact" && v !== "full") throw new UsageError(`--detail must be compact or full (found '${text}')`);
  return v;
}

/** Items held per output file before a sorted run spills to a temp file (README, "Streaming plan"). */
function runBudget(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`PATCHOPS_PLAN_RUN_BUDGET must be a positive integer (found '${text}')`);
  return n;
}

export function registerPlan(program: Command, io: Io): void {
  const cmd = addInventoryOptions(
    program
      .command("plan")
      .description(
        "reconcile policy with the scanned inventory: writes DIR/plan.json, DIR/hosts.ndjson, DIR/jobs.ndjson, DIR/exposure.ndjson",
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
      "--status-history <branch>",
      "the status branch whose snapshots record earlier pilot successes (a recorded success is not withdrawn)",
      "patchops-status",
    )
    .option(
      "--progress",
      "print hosts read, hosts planned, rate and time left on stderr (default: when stderr is a terminal)",
    )
    .option("--no-progress", "no progress lines, even on a terminal")
    .option(
      "--detail <detail>",
      "host lines: compact (only the updates not installed, superseded or not-applicable, with counts per state) or full (every update)",
      "compact",
    )
    .option(
      "--shard <i/N>",
      "plan only shard i of N (hosts split by a stable hash; cluster nodes stay together); combine with patchops merge",
    );
  addGithubOptions(addResultsOption(cmd)).action(async (opts: PlanOptions) => {
    const startedMs = performance.now();
    const format = formatOption(opts.format, ["text", "json", "markdown"] as const, "text");
    refuseUnverifiedOnActions(opts.verifyApprovals);
    const now = nowOption(opts.now);
    const shard = parseShard(opts.shard);
    const detail = detailOption(opts.detail);
    const github = opts.verifyApprovals ? githubFromEnvironment(opts) : null;
    if (opts.verifyApprovals && opts.trustLocalApprovals) io.err(TRUSTED_LOCAL_WARNING);
    else if (opts.verifyApprovals && !github)
      io.err(
        "patchops: GitHub is not configured, so no approval is verified and approved updates get no jobs: set GITHUB_TOKEN and GITHUB_REPOSITORY (or --github-repo), or pass --no-verify-approvals for a demo\n",
      );
    const loaded = await loadPlanInputs({
      repo: repoDir(opts.repo),
      ref: opts.ref,
      inventory: opts.inventory,
      inventoryFormat: opts.inventoryFormat,
      scannedAt: opts.scannedAt,
      now,
      verifyApprovals: opts.verifyApprovals,
      trustLocalApprovals: opts.trustLocalApprovals,
      github,
      cacheDir: opts.cacheDir,
      protectedBranch: opts.protectedBranch,
      cabRoot: opts.verifyApprovals ? await cabRootOption(repoDir(opts.repo), opts) : null,
      warn: (t) => io.err(t),
      results: opts.results,
      statusHistory: opts.statusHistory,
      summaries: true,
    });
    // Progress goes to stderr on a terminal or with --progress; the clock is read here, at the edge.
    const showProgress = opts.progress ?? process.stderr.isTTY === true;
    let progress: PlanProgress | null = null;
    if (showProgress && loaded.input) {
      const tty = process.stderr.isTTY === true;
      const read = loaded.input.inventory.records.size;
      io.err(
        `patchops plan: read ${grouped(read)} hosts from the inventory in ${duration(performance.now() - startedMs)}\n`,
      );
      const clock = () => performance.now();
      progress = new PlanProgress({
        total: read,
        startedMs: clock(),
        clock,
        write: (t) => io.err(t),
        tty,
        everyMs: tty ? 1000 : 10_000,
      });
    }
    try {
      await planAndWrite(io, opts, loaded, { format, shard, detail }, progress);
    } finally {
      loaded.input?.inventory.dispose?.();
    }
  });
}

async function planAndWrite(
  io: Io,
  opts: PlanOptions,
  loaded: LoadedPlanInputs,
  o: {
    format: "text" | "json" | "markdown";
    shard: { index: number; count: number } | undefined;
    detail: PlanDetail;
  },
  progress: PlanProgress | null,
): Promise<void> {
  const { format, shard, detail } = o;
  if (!loaded.input) {
    io.err(diagnosticsAsText(loaded.policyErrors, 0));
    io.err("patchops: the policy is invalid; no plan was written\n");
    io.exitCode(EXIT.invalid);
    return;
  }
  if (loaded.inventoryDiagnostics.length)
    io.err(diagnosticsAsText(loaded.inventoryDiagnostics, 0).replace(/\n[✓✗][^\n]*\n$/, "\n"));
  // Streaming: each host's line and jobs go to sorted runs (spilled to temp files past a budget) and a digest for
  // the summary, so no fleet-sized list is held; the runs are merged into the plan set under the lock.
  const writer = new PlanDirWriter(runBudget(process.env.PATCHOPS_PLAN_RUN_BUDGET));
  const digest = new PlanDigest();
  let plan;
  try {
    plan = reconcileInto(
      { ...loaded.input, shard, detail },
      {
        onHost: (h, above) => {
          writer.onHost(h);
          digest.addHost(h, above);
          progress?.host();
        },
        onJob: (j) => {
          writer.onJob(j);
          digest.addJob(j);
        },
        onExposure: (x) => writer.onExposure(x),
      },
    ).plan;
  } catch (err) {
    writer.discard();
    throw err;
  }
  progress?.done();
  await writer.write(opts.out, plan);
  if (format === "json") io.out(JSON.stringify(plan, null, 2) + "\n");
  else io.out(planSummaryOf(plan, digest, format, opts.out));
  const planErrors = plan.findings.some((f) => f.severity === "error");
  io.exitCode(planErrors || hasErrors(loaded.inventoryDiagnostics) ? EXIT.invalid : EXIT.ok);
}
