// `patchops diff`: plan the base and head of a change against one inventory and render the impact for the CAB.
import type { Command } from "commander";
import { diffChange } from "../app/diff.js";
import { EXIT, UsageError } from "../errors.js";
import { writeFileAtomically } from "../output/atomic.js";
import { renderDiffMarkdown } from "../views/diff-markdown.js";
import { addGithubOptions, cabRootOption, githubFromEnvironment, type GithubOptions } from "./github-options.js";
import type { Io } from "./io.js";
import { addInventoryOptions, formatOption, nowOption, repoDir } from "./options.js";
import { diagnosticsAsText } from "../views/diagnostics.js";

export function registerDiff(program: Command, io: Io): void {
  const cmd = addInventoryOptions(
    program
      .command("diff")
      .description("the impact of a policy change (base → head): markdown for a pull-request comment, or JSON"),
    "the inventory both sides are planned against",
  )
    .requiredOption("--base <ref>", "the branch or commit the change goes into")
    .option("--head <ref>", "the change", "HEAD")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--now <iso>", "plan as of this instant (default: the clock)")
    .option("--out <file>", "also write the output to this file")
    .option("--format <format>", "markdown (the pull-request comment) or json (the same impact as data)", "markdown")
    .option(
      "--pr <number>",
      "the pull request: the comment then says who must still approve (the judgement of approvals --pr; needs GITHUB_TOKEN)",
    );
  addGithubOptions(cmd).action(
    async (
      opts: GithubOptions & {
        pr?: string;
        base: string;
        head: string;
        inventory: string[];
        inventoryFormat?: string;
        scannedAt?: string;
        repo?: string;
        now?: string;
        out?: string;
        format?: string;
      },
    ) => {
      const format = formatOption(opts.format, ["markdown", "json"] as const, "markdown");
      const repo = repoDir(opts.repo);
      const now = nowOption(opts.now);
      const pr = opts.pr === undefined ? null : Number(opts.pr);
      if (pr !== null && (!Number.isInteger(pr) || pr <= 0))
        throw new UsageError(`--pr must be a pull request number (found '${opts.pr}')`);
      const outcome = await diffChange({
        repo,
        base: opts.base,
        head: opts.head,
        inventory: opts.inventory,
        inventoryFormat: opts.inventoryFormat,
        scannedAt: opts.scannedAt,
        now,
        pr:
          pr === null
            ? null
            : {
                number: pr,
                github: githubFromEnvironment(opts),
                cabRoot: await cabRootOption(repo, opts),
                cacheDir: opts.cacheDir,
              },
      });
      if (!outcome.ok) {
        io.err(`patchops: the policy at ${opts.base} is invalid:\n` + diagnosticsAsText(outcome.baseErrors, 0));
        io.exitCode(EXIT.invalid);
        return;
      }
      const text = format === "json" ? JSON.stringify(outcome.diff, null, 2) + "\n" : renderDiffMarkdown(outcome.diff);
      if (opts.out) await writeFileAtomically(opts.out, text);
      io.out(text);
      io.exitCode(outcome.headValid ? EXIT.ok : EXIT.invalid);
    },
  );
}
