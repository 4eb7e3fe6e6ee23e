// GitHub settings from options and the environment, read here at the edge: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL.
import type { Command } from "commander";
import { GithubClient, GithubError, parseRepo } from "../github/client.js";
import { UsageError } from "../errors.js";

export interface GithubOptions {
  githubRepo?: string;
  cacheDir?: string;
  cabRoot?: string;
  protectedBranch?: string;
}

export function addGithubOptions(cmd: Command): Command {
  return cmd
    .option(
      "--github-repo <owner/name>",
      "the GitHub repository holding the pull requests (default: $GITHUB_REPOSITORY)",
    )
    .option(
      "--cache-dir <dir>",
      "where verified reviews are cached, per repository (default: $PATCHOPS_CACHE_DIR or ~/.cache/patchops)",
    )
    .option("--protected-branch <name>", "the branch whose protection settings are checked (default: main)")
    .option(
      "--cab-root <sha>",
      "the full 40-hex commit SHA whose cab.yaml is the trust root; a tag or branch is refused, since anyone who can push may move it (default: $PATCHOPS_CAB_ROOT, else the first commit of cab.yaml)",
    );
}

/**
 * The options of a command that plans from a policy as `plan` does, without writing it (explain, exposure): where the
 * policy is, the instant, and how its approvals are verified.
 */
export function addPlanInputOptions(cmd: Command): Command {
  return cmd
    .option("--repo <dir>", "policy repository (default: current directory)")
    .option("--ref <ref>", "the policy at a git ref")
    .option("--now <iso>", "as of this instant (default: the clock)")
    .option("--no-verify-approvals", "trust approved files without CAB verification (demos only)")
    .option("--trust-local-approvals", "accept Approved-by: trailers where no review can be checked")
    .option("--github-repo <owner/name>", "the GitHub repository (default: $GITHUB_REPOSITORY)")
    .option("--cache-dir <dir>", "review cache (default: $PATCHOPS_CACHE_DIR or ~/.cache/patchops)")
    .option(
      "--cab-root <sha>",
      "the full 40-hex commit SHA whose cab.yaml is the trust root; a tag or branch is refused (default: $PATCHOPS_CAB_ROOT)",
    );
}

/** A client when a token and a repository are known; null otherwise (verification then fails closed). */
export function githubFromEnvironment(opts: GithubOptions, env: NodeJS.ProcessEnv = process.env): GithubClient | null {
  const token = env.GITHUB_TOKEN;
  const repoText = opts.githubRepo ?? env.GITHUB_REPOSITORY;
  if (!token || !repoText) return null;
  try {
    return new GithubClient(parseRepo(repoText), {
      token,
      baseUrl: env.GITHUB_API_URL || undefined,
      retryAfterScale: env.PATCHOPS_RETRY_SCALE ? Number(env.PATCHOPS_RETRY_SCALE) : 1,
      ...(env.PATCHOPS_GITHUB_TIMEOUT ? { requestTimeoutMs: Number(env.PATCHOPS_GITHUB_TIMEOUT) * 1000 } : {}),
      ...(env.PATCHOPS_GITHUB_MAX_WAIT ? { maxRateLimitWaitSeconds: Number(env.PATCHOPS_GITHUB_MAX_WAIT) } : {}),
    });
  } catch (err) {
    if (err instanceof GithubError) throw new UsageError(`--github-repo: ${err.message}`);
    throw err;
  }
}

export function requireGithub(opts: GithubOptions, env: NodeJS.ProcessEnv = process.env): GithubClient {
  const gh = githubFromEnvironment(opts, env);
  if (!gh)
    throw new UsageError("this command needs GITHUB_TOKEN and a repository (--github-repo or GITHUB_REPOSITORY)");
  return gh;
}

/** A full commit SHA: the only trust root that cannot be moved by whoever can push a tag or a branch. */
const FULL_SHA = /^[0-9a-fA-F]{40}$/;

/**
 * The CAB trust root as a commit, from --cab-root or $PATCHOPS_CAB_ROOT; null for the default (first commit of
 * cab.yaml). Only a full 40-hex SHA is accepted, and it must be a commit in the repository.
 */
export async function cabRootOption(
  repo: string,
  opts: GithubOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | null> {
  const fromOption = opts.cabRoot !== undefined;
  const text = (opts.cabRoot ?? env.PATCHOPS_CAB_ROOT ?? "").trim();
  if (!text) return null;
  const name = fromOption ? "--cab-root" : "PATCHOPS_CAB_ROOT";
  if (!FULL_SHA.test(text))
    throw new UsageError(
      `${name} must be a full 40-hex commit SHA, not '${text.length > 60 ? `${text.slice(0, 60)}…` : text}': a tag or branch can be moved by anyone who can push it; pin the SHA (git rev-parse '<tag>^{commit}')`,
    );
  const { commitExists } = await import("../git/ref-source.js");
  const sha = text.toLowerCase();
  if (!(await commitExists(repo, sha)))
    throw new UsageError(
      `${name} ${sha} is not a commit in ${repo}: check the SHA, or fetch the full history (a shallow clone lacks it; actions/checkout needs fetch-depth: 0)`,
    );
  return sha;
}

/**
 * On GitHub Actions (GITHUB_ACTIONS=true) a plan without approval verification is refused unless the workflow pins
 * PATCHOPS_ALLOW_UNVERIFIED to this repository's owner/name: switching verification off is then a reviewed change to a
 * workflow file (which needs the CAB), never a variable that silently carries over to a fork or another repository.
 * Outside Actions (a laptop, `npm run reconcile`, another CI with only CI=true) it stays a demo switch.
 */
export function refuseUnverifiedOnActions(verifyApprovals: boolean, env: NodeJS.ProcessEnv = process.env): void {
  if (verifyApprovals || env.GITHUB_ACTIONS !== "true") return;
  const repository = env.GITHUB_REPOSITORY ?? "";
  if (repository && env.PATCHOPS_ALLOW_UNVERIFIED === repository) return;
  throw new UsageError(
    `--no-verify-approvals (PATCHOPS_VERIFY=off) is refused on GitHub Actions: no CAB approval would be checked. To allow it for a demonstration, set PATCHOPS_ALLOW_UNVERIFIED: ${repository || "<owner/name>"} in the workflow`,
  );
}

/** Said in every output of a run that accepts Approved-by trailers. */
export const TRUSTED_LOCAL_WARNING =
  "patchops: --trust-local-approvals accepts Approved-by: trailers that anyone who can commit can forge; it is for air-gapped demos only, never a security control\n";
