// `patchops approvals`: is every approved change backed by CAB (or owner-team) review? Unverified ones get no jobs.
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { changedFiles, mergeBase, verifyPullRequest } from "../approvals/pull-request.js";
import { protectionGaps } from "../approvals/protection.js";
import { verifiedCabAt, verifyApprovals, type SubjectVerdict } from "../approvals/verify.js";
import { fileAt } from "../git/history.js";
import type { GithubClient } from "../github/client.js";
import type { ChangeAdvisoryBoardSpec } from "../model/cab.js";
import { EXIT, UsageError } from "../errors.js";
import { validPolicyAt } from "./valid-policy.js";
import {
  addGithubOptions,
  cabRootOption,
  githubFromEnvironment,
  TRUSTED_LOCAL_WARNING,
  type GithubOptions,
} from "./github-options.js";
import { openReviewCache } from "../app/review-cache.js";
import { restoreWith } from "../app/plan-inputs.js";
import type { Io } from "./io.js";
import { formatOption, nowOption, repoDir } from "./options.js";

/** The branch-protection check: one warning line per missing setting, or why it could not be read. */
async function protectionWarnings(
  github: GithubClient,
  branch: string,
  cab: ChangeAdvisoryBoardSpec,
): Promise<string[]> {
  try {
    return protectionGaps(branch, await github.branchProtection(branch), cab).map((g) => `! ${g}`);
  } catch (err) {
    return [
      `! branch protection of ${branch} could not be read (${(err as Error).message}); check required reviews, dismiss stale approvals and no force pushes by hand`,
    ];
  }
}

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
        const pr = await github.pull(number);
        const baseRef = opts.base ?? pr.baseSha;
        const files = await changedFiles(repo, baseRef, source.revision!);
        // The CAB that judges a pull request is the one in force at its merge base, as verified: the pull request
        // cannot change it, and neither can an unreviewed push to cab.yaml before it.
        const at = (await mergeBase(repo, baseRef, source.revision!)) ?? baseRef;
        const cab = await verifiedCabAt({
          repo,
          ref: at,
          github,
          trustLocal: false,
          cache: await openReviewCache(repo, opts.cacheDir, github, (t) => io.err(t)),
          cabRoot: await cabRootOption(repo, opts),
        });
        if ("problem" in cab)
          throw new UsageError(
            `no verified CAB at the merge base ${at.slice(0, 12)} to judge the pull request by: ${cab.problem}`,
          );
        for (const e of cab.rejected)
          io.err(
            `warning: a change to policies/cab.yaml in ${e.sha.slice(0, 12)} was not approved by the CAB before it, so it does not judge this pull request: ${e.detail}\n`,
          );
        const baseOwners = new Map<string, string>();
        for (const f of files.filter((x) => x.startsWith("windows/assignments/"))) {
          try {
            const owner = (parseYaml((await fileAt(repo, at, f)) ?? "null") as { spec?: { owner?: unknown } } | null)
              ?.spec?.owner;
            if (typeof owner === "string") baseOwners.set(f, owner);
          } catch {
            // Unparsable at the base: the file's current owner team still has to approve.
          }
        }
        const v = await verifyPullRequest({
          baseOwners,
          repo,
          set,
          cab: cab.spec,
          files,
          github,
          pr: number,
          author: pr.author,
          headSha: pr.headSha,
        });
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
      const result = await verifyApprovals({
        repo,
        ref: source.revision!,
        set,
        now,
        github,
        trustLocal: opts.trustLocalApprovals ?? false,
        cache: await openReviewCache(repo, opts.cacheDir, github, (t) => io.err(t)),
        cabRoot: await cabRootOption(repo, opts),
        restore: restoreWith(source, now),
      });
      const deletions = result.deletions.map(({ restoreText: _text, ...d }) => d);
      const order = ["cab", "policy", "rule", "update", "baseline", "exemption", "timetable", "assignment"];
      const all = [...result.files.values()].sort(
        (a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
      );
      const cabRoot = await cabRootOption(repo, opts);
      const warnings =
        github && set.cab ? await protectionWarnings(github, opts.protectedBranch ?? "main", set.cab.spec) : [];
      if (!cabRoot && result.cabRoot)
        warnings.push(
          `! no CAB trust root is pinned: ${result.cabRoot.slice(0, 12)}, the first commit of policies/cab.yaml, is trusted on first use; pin it with --cab-root or PATCHOPS_CAB_ROOT`,
        );
      if (format === "json")
        io.out(
          JSON.stringify(
            {
              ref: source.revision,
              cabRoot: result.cabRoot,
              trustedLocal: opts.trustLocalApprovals ?? false,
              subjects: all,
              deletions,
              warnings: warnings.map((w) => w.slice(2)),
            },
            null,
            2,
          ) + "\n",
        );
      else {
        io.out(
          `approvals at ${source.revision?.slice(0, 12)}${github ? ` (GitHub ${github.target.owner}/${github.target.repo})` : ""}; CAB trust root ${result.cabRoot?.slice(0, 12) ?? "none"}\n`,
        );
        if (opts.trustLocalApprovals)
          io.out(
            "!! trusted-local: Approved-by trailers are forgeable by anyone who can commit; for air-gapped demos only\n",
          );
        for (const w of warnings) io.out(w + "\n");
        for (const v of all) io.out(line(v) + "\n");
        for (const d of deletions)
          io.out(
            `${d.ok ? "✓" : "✗"} ${"deletion".padEnd(10)} ${d.file.padEnd(28)} ${d.ok ? "verified" : d.restored ? "UNVERIFIED (not applied: the file's last version is planned)" : "UNVERIFIED"}: ${d.reason}\n`,
          );
        const total = all.length + deletions.length;
        const bad = all.filter((v) => !v.ok).length + deletions.filter((d) => !d.ok).length;
        io.out(
          bad
            ? `✗ ${bad} of ${total} changes unverified: approved updates among them get no jobs\n`
            : `✓ all ${total} changes verified\n`,
        );
      }
      io.exitCode(all.every((v) => v.ok) && deletions.every((d) => d.ok) ? EXIT.ok : EXIT.invalid);
    },
  );
}
