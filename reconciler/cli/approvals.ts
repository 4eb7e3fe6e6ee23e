// `patchops approvals`: is every approved change backed by CAB (or owner-team) review? Unverified ones get no jobs.
import type { Command } from "commander";
import { approvalLedger, judgePullRequest } from "../app/approvals.js";
import { openReviewCache } from "../app/review-cache.js";
import { EXIT, UsageError } from "../errors.js";
import { renderLedgerText } from "../views/approvals-text.js";
import {
  addGithubOptions,
  cabRootOption,
  githubFromEnvironment,
  TRUSTED_LOCAL_WARNING,
  type GithubOptions,
} from "./github-options.js";
import type { Io } from "./io.js";
import { formatOption, nowOption, repoDir } from "./options.js";
import { validPolicyAt } from "./valid-policy.js";

export function registerApprovals(program: Command, io: Io): void {
  const cmd = program
    .command("approvals")
    .description("verify each approved update, rule and assignment change was approved by the CAB (or its owner team)")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--ref <ref>", "the commit to check", "HEAD")
    .option("--now <iso>", "judge rules' delays at this instant (default: the clock)")
    .option(
      "--trust-local-approvals",
      "without GitHub, accept Approved-by: trailers (forgeable: for air-gapped demos only; never overrides GitHub)",
    )
    .option(
      "--pr <number>",
      "judge an open pull request's reviews against what its changed files require (the PR check)",
    )
    .option("--base <ref>", "with --pr: the branch the pull request targets (default: the pull request's base commit)")
    .option("--format <format>", "text or json", "text");
  addGithubOptions(cmd).action(
    async (
      opts: GithubOptions & {
        repo?: string;
        ref: string;
        now?: string;
        trustLocalApprovals?: boolean;
        format?: string;
        pr?: string;
        base?: string;
      },
    ) => {
      const format = formatOption(opts.format, ["text", "json"] as const, "text");
      const repo = repoDir(opts.repo);
      const now = nowOption(opts.now);
      if (opts.pr !== undefined) {
        const number = Number(opts.pr);
        if (!Number.isInteger(number) || number <= 0)
          throw new UsageError(`--pr must be a pull request number (found '${opts.pr}')`);
        const github = githubFromEnvironment(opts);
        if (!github)
          throw new UsageError("--pr needs GITHUB_TOKEN and a repository (--github-repo or GITHUB_REPOSITORY)");
        const valid = await validPolicyAt(repo, opts.ref, now, io);
        if (!valid) return;
        const { source, set } = valid;
        const judged = await judgePullRequest({
          repo,
          head: source.revision!,
          set,
          github,
          number,
          base: opts.base ?? null,
          cache: await openReviewCache(repo, opts.cacheDir, github, (t) => io.err(t)),
          cabRoot: await cabRootOption(repo, opts),
          protectedBranch: opts.protectedBranch ?? "main",
        });
        for (const e of judged.unapprovedCabChanges)
          io.err(
            `warning: a change to policies/cab.yaml in ${e.sha.slice(0, 12)} was not approved by the CAB before it, so it does not judge this pull request: ${e.detail}\n`,
          );
        const v = judged.verdict;
        if (format === "json") io.out(JSON.stringify(v, null, 2) + "\n");
        else {
          io.out(
            `pull request #${number} by ${v.author}; approved by ${v.approvers.join(", ") || "nobody yet"} (the author never counts)\n`,
          );
          if (v.stale.length)
            io.out(
              `! approvals of an older commit do not count (${v.stale.join(", ")}): the policy files changed after their review\n`,
            );
          for (const l of v.lines) io.out(`${l.ok ? "✓" : "✗"} ${l.subject}: ${l.detail}\n`);
          io.out(
            v.lines.length === 0
              ? "✓ no policy file changes\n"
              : v.ok
                ? "✓ every change has the approvals it needs\n"
                : "✗ waiting for approvals; the change must not merge yet\n",
          );
        }
        io.exitCode(v.ok ? EXIT.ok : EXIT.invalid);
        return;
      }
      const valid = await validPolicyAt(repo, opts.ref, now, io);
      if (!valid) return;
      const { source, set } = valid;
      const github = githubFromEnvironment(opts);
      if (opts.trustLocalApprovals) io.err(TRUSTED_LOCAL_WARNING);
      if (!github && !opts.trustLocalApprovals) {
        throw new UsageError(
          "nothing to verify against: set GITHUB_TOKEN and GITHUB_REPOSITORY (or --github-repo), or pass --trust-local-approvals",
        );
      }
      const ledger = await approvalLedger({
        repo,
        source,
        set,
        now,
        github,
        trustLocal: opts.trustLocalApprovals ?? false,
        cache: await openReviewCache(repo, opts.cacheDir, github, (t) => io.err(t)),
        cabRoot: await cabRootOption(repo, opts),
        protectedBranch: opts.protectedBranch ?? "main",
      });
      if (format === "json") io.out(JSON.stringify(ledger, null, 2) + "\n");
      else io.out(renderLedgerText(ledger, github?.target ?? null));
      io.exitCode(ledger.ok ? EXIT.ok : EXIT.invalid);
    },
  );
}
