// GitHub settings from options and the environment, read here at the edge: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL.
import type { Command } from "commander";
import { GithubClient, GithubError, parseRepo } from "../github/client.js";
import { UsageError } from "../errors.js";

export interface GithubOptions {
  githubRepo?: string;
  cacheDir?: string;
}

export function addGithubOptions(cmd: Command): Command {
  return cmd
    .option(
      "--github-repo <owner/name>",
      "the GitHub repository holding the pull requests (default: $GITHUB_REPOSITORY)",
    )
    .option("--cache-dir <dir>", "where verified reviews are cached by commit (default: <repo>/.patchops-cache)");
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
