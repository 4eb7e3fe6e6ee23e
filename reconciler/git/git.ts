// The one way patchops runs git on a policy repository: replace objects off, and git's own refusals named plainly.
import { simpleGit, type SimpleGit } from "simple-git";
import { UsageError } from "../errors.js";

/**
 * The environment of every git process we start. `refs/replace/*` would let anyone who can push a ref swap a reviewed
 * blob for another one while the history still verifies, so replacements are never honoured.
 */
export function gitEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_NO_REPLACE_OBJECTS: "1" };
}

/**
 * simple-git on a repository, replacements off the same way: `core.useReplaceRefs=false` is what git reads for
 * GIT_NO_REPLACE_OBJECTS (simple-git refuses a whole environment that carries EDITOR and the like, so we pass the
 * setting rather than an environment).
 */
export function gitAt(repo: string): SimpleGit {
  return simpleGit({ baseDir: repo, config: ["core.useReplaceRefs=false"] });
}

/** Git refuses a repository owned by another user ("dubious ownership"): that refusal, as a usage error that says so. */
export function dubiousOwnership(repo: string, err: unknown): UsageError | null {
  const text = err instanceof Error ? err.message : String(err);
  if (!/dubious ownership/i.test(text)) return null;
  return new UsageError(
    `git refuses to read ${repo}: it is owned by another user ("dubious ownership"). Run patchops as the owner of the checkout, or mark it safe with: git config --global --add safe.directory ${repo}`,
  );
}
