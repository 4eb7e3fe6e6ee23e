// `patchops exposure`: which hosts are exposed right now to an exploited CVE, and which update fixes it on each.
import type { Command } from "commander";
import { exposureNow } from "../app/exposure.js";
import { EXIT, UsageError } from "../errors.js";
import { diagnosticsAsText } from "../views/diagnostics.js";
import { exposureText } from "../views/exposure.js";
import { cabRootOption, githubFromEnvironment } from "./github-options.js";
import type { Io } from "./io.js";
import { addInventoryOptions, addResultsOption, formatOption, nowOption, repoDir } from "./options.js";

export function registerExposure(program: Command, io: Io): void {
  addResultsOption(
    addInventoryOptions(
      program
        .command("exposure")
        .description("which hosts are exposed right now to an exploited CVE, and which update fixes it on each"),
      "the scanned inventory (as for plan)",
    ),
  )
    .option("--cve <id>", "only this CVE (default: every exploited CVE the policy names)")
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
        cve?: string;
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
        if (opts.cve !== undefined && !/^CVE-\d{4}-\d{4,}$/i.test(opts.cve))
          throw new UsageError(`--cve '${opts.cve}' is not a CVE id (e.g. CVE-2025-62215)`);
        const repo = repoDir(opts.repo);
        const r = await exposureNow({
          ...opts,
          repo,
          now: nowOption(opts.now),
          github: opts.verifyApprovals ? githubFromEnvironment(opts) : null,
          cacheDir: opts.cacheDir,
          cabRoot: opts.verifyApprovals ? await cabRootOption(repo, opts) : null,
          warn: (t) => io.err(t),
          statusHistory: "patchops-status",
          cve: opts.cve?.toUpperCase() ?? null,
        });
        if (!r.exposure) {
          io.err(diagnosticsAsText(r.policyErrors, 0));
          io.exitCode(EXIT.invalid);
          return;
        }
        io.out(format === "json" ? JSON.stringify(r.exposure, null, 2) + "\n" : exposureText(r.exposure));
      },
    );
}
