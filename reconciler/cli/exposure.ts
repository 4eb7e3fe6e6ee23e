// `patchops exposure`: which hosts are exposed right now to an exploited CVE, and which update fixes it on each.
import type { Command } from "commander";
import { exposureNow, exposureOfPlanDir } from "../app/exposure.js";
import { EXIT, UsageError } from "../errors.js";
import { diagnosticsAsText } from "../views/diagnostics.js";
import { exposureText } from "../views/exposure.js";
import { addPlanInputOptions, cabRootOption, githubFromEnvironment } from "./github-options.js";
import type { Io } from "./io.js";
import { INVENTORY_FORMATS } from "../inventory/formats.js";
import { addResultsOption, formatOption, nowOption, repoDir } from "./options.js";

export function registerExposure(program: Command, io: Io): void {
  addPlanInputOptions(
    addResultsOption(
      program
        .command("exposure")
        .description("which hosts are exposed right now to an exploited CVE, and which update fixes it on each")
        .option("--inventory <file...>", "the scanned inventory (as for plan); or --plan")
        .option("--inventory-format <format>", `auto, ${INVENTORY_FORMATS.join(", ")}`, "auto")
        .option("--scanned-at <iso>", "scan time for inputs that carry none (osqueryi, Get-HotFix)")
        .option(
          "--plan <dir>",
          "a written plan set instead of the inventory: its exposure.ndjson, as the plan run judged it (approved updates, and exploited ones installed while pending)",
        ),
    ).option("--cve <id>", "only this CVE (default: every exploited CVE the policy names)"),
  )
    .option("--format <format>", "text or json", "text")
    .action(
      async (opts: {
        cve?: string;
        inventory?: string[];
        plan?: string;
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
        const cve = opts.cve?.toUpperCase() ?? null;
        if ((opts.plan === undefined) === (opts.inventory === undefined))
          throw new UsageError("give either --inventory FILE... or --plan DIR");
        if (opts.plan !== undefined) {
          const x = await exposureOfPlanDir({ plan: opts.plan, repo, ref: opts.ref, cve });
          io.out(format === "json" ? JSON.stringify(x, null, 2) + "\n" : exposureText(x));
          return;
        }
        const r = await exposureNow({
          ...opts,
          inventory: opts.inventory!,
          repo,
          now: nowOption(opts.now),
          github: opts.verifyApprovals ? githubFromEnvironment(opts) : null,
          cacheDir: opts.cacheDir,
          cabRoot: opts.verifyApprovals ? await cabRootOption(repo, opts) : null,
          warn: (t) => io.err(t),
          statusHistory: "patchops-status",
          cve,
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
