// `patchops approvals`: is every approved change backed by CAB (or owner-team) review? Unverified ones get no jobs.
import { join } from "node:path";
import type { Command } from "commander";
import { ReviewCache } from "../approvals/cache.js";
import { changedFiles, verifyPullRequest } from "../approvals/pull-request.js";
import { verifyApprovals, type SubjectVerdict } from "../approvals/verify.js";
import { EXIT, UsageError } from "../errors.js";
import { validPolicyAt } from "./valid-policy.js";
import { addGithubOptions, githubFromEnvironment, type GithubOptions } from "./github-options.js";
import type { Io } from "./io.js";
import { formatOption, nowOption, repoDir } from "./options.js";

function line(v: SubjectVerdict): string {
  const mark = v.ok ? (v.strength === "trailer" ? "~" : "✓") : "✗";
  return `${mark} ${v.kind.padEnd(10)} ${v.name.padEnd(28)} ${v.ok ? (v.strength === "trailer" ? "trusted-local" : "verified") : "UNVERIFIED"}: ${v.reason}`;
}

export function registerApprovals(program: Command, io: Io): void {
  const cmd = program
    .command("approvals")
    .description("verify each approved update, rule and assignment change was approved by the CAB (or its owner team)")
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--ref <ref>", "the commit to check", "HEAD")
    .option("--now <iso>", "judge rules' delays at this instant (default: the clock)")
    .option("--trust-local-approvals", "accept Approved-by: trailers on merge commits (weaker evidence)")
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
        const pr = await github.pull(number);
        const files = await changedFiles(repo, opts.base ?? pr.baseSha, source.revision!);
        const v = await verifyPullRequest({ set, files, github, pr: number, author: pr.author });
        if (format === "json") io.out(JSON.stringify(v, null, 2) + "\n");
        else {
          io.out(
            `pull request #${number} by ${v.author}; approved by ${v.approvers.join(", ") || "nobody yet"} (the author never counts)\n`,
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
      if (!github && !opts.trustLocalApprovals) {
        throw new UsageError(
          "nothing to verify against: set GITHUB_TOKEN and GITHUB_REPOSITORY (or --github-repo), or pass --trust-local-approvals",
        );
      }
      const result = await verifyApprovals({
        repo,
        ref: source.revision!,
        set,
        now,
        github,
        trustLocal: opts.trustLocalApprovals ?? false,
        cache: await ReviewCache.open(opts.cacheDir ?? join(repo, ".patchops-cache")),
      });
      const all = [...result.rules.values(), ...result.updates.values(), ...result.assignments.values()];
      if (format === "json") io.out(JSON.stringify({ ref: source.revision, subjects: all }, null, 2) + "\n");
      else {
        io.out(
          `approvals at ${source.revision?.slice(0, 12)}${github ? ` (GitHub ${github.target.owner}/${github.target.repo})` : ""}${opts.trustLocalApprovals ? ", trusting Approved-by trailers as weaker evidence" : ""}\n`,
        );
        for (const v of all) io.out(line(v) + "\n");
        const bad = all.filter((v) => !v.ok).length;
        io.out(
          bad
            ? `✗ ${bad} of ${all.length} changes unverified: approved updates among them get no jobs\n`
            : `✓ all ${all.length} changes verified\n`,
        );
      }
      io.exitCode(all.every((v) => v.ok) ? EXIT.ok : EXIT.invalid);
    },
  );
}
