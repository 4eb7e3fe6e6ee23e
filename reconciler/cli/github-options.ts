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
      "--cab-root <ref>",
      "the pinned commit or tag whose cab.yaml is the trust root (default: $PATCHOPS_CAB_ROOT, else the first commit of cab.yaml)",
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

/** The CAB trust root as a commit, from --cab-root or $PATCHOPS_CAB_ROOT; null for the default (first commit of cab.yaml). */
export async function cabRootOption(
  repo: string,
  opts: GithubOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | null> {
  const ref = opts.cabRoot ?? env.PATCHOPS_CAB_ROOT;
  if (!ref) return null;
  const { resolveRef } = await import("../git/ref-source.js");
  return resolveRef(repo, ref);
}

/** Said in every output of a run that accepts Approved-by trailers. */
export const TRUSTED_LOCAL_WARNING =
  "patchops: --trust-local-approvals accepts Approved-by: trailers that anyone who can commit can forge; it is for air-gapped demos only, never a security control\n";
