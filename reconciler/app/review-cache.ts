// Where the review cache lives: outside the checkout by default, one file per repository, never a file git tracks.
import { homedir } from "node:os";
import { realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { gitAt } from "../git/git.js";
import { ReviewCache } from "../approvals/cache.js";
import type { GithubClient } from "../github/client.js";

/** The default cache directory: $PATCHOPS_CACHE_DIR, else $XDG_CACHE_HOME/patchops, else ~/.cache/patchops. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PATCHOPS_CACHE_DIR) return env.PATCHOPS_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "patchops");
}

/** The real path of a file that may not exist yet: its nearest existing ancestor resolved, the rest appended. */
async function realPathOf(file: string): Promise<string> {
  const absolute = resolve(file);
  try {
    return await realpath(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(await realPathOf(parent), basename(absolute));
  }
}

/** True when git tracks the file, compared by real paths: a cache folder reached through a link is no way around it. */
async function tracked(repo: string, file: string): Promise<boolean> {
  const rel = relative(await realPathOf(repo), await realPathOf(file));
  if (rel.startsWith("..") || isAbsolute(rel)) return false;
  try {
    await gitAt(repo).raw(["ls-files", "--error-unmatch", "--", rel]);
    return true;
  } catch {
    return false;
  }
}

/** Opens the cache of the GitHub repository being verified; a cache file committed to the policy repository is refused. */
export async function openReviewCache(
  repo: string,
  cacheDir: string | undefined,
  github: GithubClient | null,
  warn: (text: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ReviewCache> {
  if (!github) return ReviewCache.none();
  const repository = `${github.target.owner}/${github.target.repo}`;
  const dir = cacheDir ?? defaultCacheDir(env);
  const file = ReviewCache.fileFor(dir, repository);
  if (await tracked(repo, file)) {
    warn(
      `patchops: refusing the review cache ${relative(resolve(repo), resolve(file))}: it is tracked by git, so any committer could write it; every review is asked of GitHub instead\n`,
    );
    return ReviewCache.none(repository);
  }
  return ReviewCache.open(dir, repository, warn);
}
