// `patchops diff`: plan the base and head of a change against one inventory and render the impact for the CAB.
import type { Command } from "commander";
import { writeFile } from "node:fs/promises";
import { reconcile } from "../plan/reconcile.js";
import { renderDiff } from "../report/diff.js";
import { validateSource } from "../validate/validate.js";
import { EXIT } from "../errors.js";
import type { Io } from "./io.js";
import { loadPlanInputs } from "./load-plan-inputs.js";
import { addInventoryOptions, formatOption, nowOption, repoDir } from "./options.js";
import { policySourceFor } from "./policy-source.js";
import { diagnosticsAsText } from "./render-diagnostics.js";

export function registerDiff(program: Command, io: Io): void {
  addInventoryOptions(
    program
      .command("diff")
      .description("the impact of a policy change (base → head) as markdown for a pull-request comment"),
    "the inventory both sides are planned against",
  )
    .requiredOption("--base <ref>", "the branch or commit the change goes into")
    .option("--head <ref>", "the change", "HEAD")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--now <iso>", "plan as of this instant (default: the clock)")
    .option("--out <file>", "also write the markdown to this file")
    .option("--format <format>", "markdown (the only format so far)", "markdown")
    .action(
      async (opts: {
        base: string;
        head: string;
        inventory: string[];
        inventoryFormat?: string;
        scannedAt?: string;
        repo?: string;
        now?: string;
        out?: string;
        format?: string;
      }) => {
        formatOption(opts.format, ["markdown"] as const, "markdown");
        const repo = repoDir(opts.repo);
        const now = nowOption(opts.now);
        const common = {
          repo,
          inventory: opts.inventory,
          inventoryFormat: opts.inventoryFormat,
          scannedAt: opts.scannedAt,
          now,
          verifyApprovals: false,
        };
        const headCheck = await validateSource(await policySourceFor(repo, opts.head), now);
        const base = await loadPlanInputs({ ...common, ref: opts.base });
        if (!base.input) {
          io.err(`patchops: the policy at ${opts.base} is invalid:\n` + diagnosticsAsText(base.policyErrors, 0));
          io.exitCode(EXIT.invalid);
          return;
        }
        const head = await loadPlanInputs({ ...common, ref: opts.head });
        const baseSide = { label: opts.base, set: base.input.set, result: reconcile(base.input) };
        // An invalid head still gets a comment: the verdict says it must not merge.
        const headSide = head.input
          ? { label: opts.head, set: head.input.set, result: reconcile(head.input) }
          : { ...baseSide, label: opts.head };
        const markdown = renderDiff(baseSide, headSide, now, headCheck.diagnostics);
        if (opts.out) await writeFile(opts.out, markdown);
        io.out(markdown);
        io.exitCode(head.input ? EXIT.ok : EXIT.invalid);
      },
    );
}
