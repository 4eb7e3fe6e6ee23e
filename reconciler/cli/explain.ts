// `patchops explain`: why a host gets (or does not get) an update, when, and which file decided it.
import type { Command } from "commander";
import { reconcile } from "../plan/reconcile.js";
import { explainHost } from "../views/explain-text.js";
import { explainHostData } from "../report/explain-data.js";
import { EXIT, UsageError } from "../errors.js";
import { cabRootOption, githubFromEnvironment } from "./github-options.js";
import type { Io } from "./io.js";
import { loadPlanInputs, type LoadedPlanInputs } from "../app/plan-inputs.js";
import { addInventoryOptions, addResultsOption, formatOption, nowOption, repoDir } from "./options.js";
import { diagnosticsAsText } from "../views/diagnostics.js";

export function registerExplain(program: Command, io: Io): void {
  addResultsOption(
    addInventoryOptions(
      program
        .command("explain")
        .description("explain why a host gets (or does not get) an update, when, and which file decided it"),
      "the inventory the plan is made from",
    ),
  )
    .requiredOption("--host <name>", "the host")
    .option("--update <id>", "one update (default: every update the host is measured against)")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--ref <ref>", "the policy at a git ref")
    .option("--now <iso>", "as of this instant (default: the clock)")
    .option("--no-verify-approvals", "trust approved files without CAB verification (demos only)")
    .option("--trust-local-approvals", "accept Approved-by: trailers where no review can be checked")
    .option("--github-repo <owner/name>", "the GitHub repository (default: $GITHUB_REPOSITORY)")
    .option("--cache-dir <dir>", "review cache (default: $PATCHOPS_CACHE_DIR or ~/.cache/patchops)")
    .option(
      "--cab-root <ref>",
      "the pinned commit or tag whose cab.yaml is the trust root (default: $PATCHOPS_CAB_ROOT)",
    )
    .option("--format <format>", "text or json", "text")
    .action(
      async (opts: {
        host: string;
        update?: string;
        inventory: string[];
        inventoryFormat?: string;
        scannedAt?: string;
        repo?: string;
        ref?: string;
        now?: string;
        verifyApprovals: boolean;
        trustLocalApprovals?: boolean;
        githubRepo?: string;
        cacheDir?: string;
        results?: string[];
        cabRoot?: string;
        format?: string;
      }) => {
        const format = formatOption(opts.format, ["text", "json"] as const, "text");
        const repo = repoDir(opts.repo);
        const loaded = await loadPlanInputs({
          ...opts,
          repo,
          now: nowOption(opts.now),
          github: opts.verifyApprovals ? githubFromEnvironment(opts) : null,
          cacheDir: opts.cacheDir,
          cabRoot: opts.verifyApprovals ? await cabRootOption(repo, opts) : null,
          warn: (t) => io.err(t),
          // The same pilot history as plan's default, so explain tells the plan's story.
          statusHistory: "patchops-status",
          // Pass one holds summaries; only the host's unit and the reference hosts are read again whole.
          summaries: true,
        });
        try {
          explainUnit(io, opts, loaded, format);
        } finally {
          loaded.input?.inventory.dispose?.();
        }
      },
    );
}

function explainUnit(
  io: Io,
  opts: { host: string; update?: string },
  loaded: LoadedPlanInputs,
  format: "text" | "json",
): void {
  if (!loaded.input) {
    io.err(diagnosticsAsText(loaded.policyErrors, 0));
    io.exitCode(EXIT.invalid);
    return;
  }
  // Only the host's unit (the host, or its cluster's nodes) is planned, with the fleet-wide facts of pass one.
  const asked = new Set([opts.host.toLowerCase()]);
  const result = reconcile({ ...loaded.input, explainHosts: asked }, { hosts: asked });
  const unknownHost = () => new UsageError(`host '${opts.host}' is neither assigned nor in the inventory`);
  if (format === "json") {
    const data = explainHostData(result, opts.host, opts.update ?? null);
    if (data === null) throw unknownHost();
    io.out(JSON.stringify(data, null, 2) + "\n");
    return;
  }
  const text = explainHost(result, opts.host, opts.update ?? null);
  if (text === null) throw unknownHost();
  io.out(text);
}
