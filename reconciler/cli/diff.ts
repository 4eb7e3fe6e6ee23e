// `patchops diff`: plan the base and head of a change against one inventory and render the impact for the CAB.
import type { Command } from "commander";
import { writeFile } from "node:fs/promises";
import { simpleGit } from "simple-git";
import { changedFiles, verifyPullRequest } from "../approvals/pull-request.js";
import { reconcile } from "../plan/reconcile.js";
import { selectorCounts } from "../plan/targeting.js";
import { renderDiff, type DiffContext } from "../report/diff.js";
import { inventoryFacts } from "../report/plan-diff.js";
import { validateSource } from "../validate/validate.js";
import { EXIT, UsageError } from "../errors.js";
import { addGithubOptions, githubFromEnvironment, type GithubOptions } from "./github-options.js";
import type { Io } from "./io.js";
import { loadPlanInputs } from "./load-plan-inputs.js";
import { addInventoryOptions, formatOption, nowOption, repoDir } from "./options.js";
import { policySourceFor } from "./policy-source.js";
import { diagnosticsAsText } from "./render-diagnostics.js";

export function registerDiff(program: Command, io: Io): void {
  const cmd = addInventoryOptions(
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
      formatOption(opts.format, ["markdown"] as const, "markdown");
      const repo = repoDir(opts.repo);
      const now = nowOption(opts.now);
      const pr = opts.pr === undefined ? null : Number(opts.pr);
      if (pr !== null && (!Number.isInteger(pr) || pr <= 0))
        throw new UsageError(`--pr must be a pull request number (found '${opts.pr}')`);
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
      const context: DiffContext = {
        inventory: {
          files: opts.inventory,
          facts: inventoryFacts(base.input.inventory.records.values(), base.input.inventory.malformed.size, now),
        },
        selectorMatches: head.input ? selectorMatchRows(base.input.set, head.input.set, base.input.inventory) : [],
        approvals:
          head.input && pr !== null ? await judgePullRequest(repo, opts, pr, base.input.set, head.input.set) : null,
      };
      const markdown = renderDiff(baseSide, headSide, now, headCheck.diagnostics, context);
      if (opts.out) await writeFile(opts.out, markdown);
      io.out(markdown);
      io.exitCode(head.input ? EXIT.ok : EXIT.invalid);
    },
  );
}

/**
 * The same judgement `approvals --pr` makes (verifyPullRequest), judged by the CAB and owner teams of the base policy
 * (the pull request cannot change who judges it); an unreachable GitHub costs the comment its approval line only.
 */
async function judgePullRequest(
  repo: string,
  opts: GithubOptions & { base: string; head: string },
  number: number,
  baseSet: Parameters<typeof verifyPullRequest>[0]["set"],
  set: Parameters<typeof verifyPullRequest>[0]["set"],
): Promise<DiffContext["approvals"]> {
  const github = githubFromEnvironment(opts);
  if (!github) return { error: "no GITHUB_TOKEN or repository to read the reviews from" };
  if (!baseSet.cab) return { error: `no CAB file at ${opts.base} to judge the pull request by` };
  try {
    const pull = await github.pull(number);
    const files = await changedFiles(repo, opts.base, opts.head);
    const headSha = (await simpleGit(repo).revparse([`${opts.head}^{commit}`])).trim();
    const baseOwners = new Map(baseSet.assignments.map((a) => [a.file, a.spec.owner] as const));
    return await verifyPullRequest({
      repo,
      set,
      cab: baseSet.cab.spec,
      files,
      github,
      pr: number,
      author: pull.author,
      headSha,
      baseOwners,
    });
  } catch (err) {
    return { error: (err as Error).message.split("\n")[0]! };
  }
}

/** Hosts each head selector matches in the inventory, beside what the same selector matched at the base. */
function selectorMatchRows(
  baseSet: Parameters<typeof selectorCounts>[0],
  headSet: Parameters<typeof selectorCounts>[0],
  inventory: Parameters<typeof selectorCounts>[1],
): NonNullable<DiffContext["selectorMatches"]> {
  const before = new Map(selectorCounts(baseSet, inventory).map((c) => [`${c.file}#${c.selector}`, c.hosts]));
  return selectorCounts(headSet, inventory).map((c) => ({
    subject: `${c.file} selector ${c.selector + 1}`,
    hosts: c.hosts,
    before: before.get(`${c.file}#${c.selector}`) ?? null,
  }));
}
