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
 * Git's own variables patchops honours from the environment it runs in: where the repository is, who commits (the
 * status branch), which global configuration and how to reach a remote. simple-git 4 drops every other `GIT_*`
 * variable it inherits, and refuses one passed explicitly unless it is named here.
 */
const AMBIENT_GIT_ENVIRONMENT = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_AUTHOR_NAME",
  "GIT_AUTHOR_EMAIL",
  "GIT_AUTHOR_DATE",
  "GIT_COMMITTER_NAME",
  "GIT_COMMITTER_EMAIL",
  "GIT_COMMITTER_DATE",
  "GIT_CONFIG_GLOBAL",
  "GIT_CONFIG_NOSYSTEM",
  "GIT_SSH_COMMAND",
  "GIT_ASKPASS",
  "GIT_TERMINAL_PROMPT",
];

/**
 * simple-git on a repository, replacements off the same way: `core.useReplaceRefs=false` is what git reads for
 * GIT_NO_REPLACE_OBJECTS (simple-git refuses a whole environment that carries EDITOR and the like, so we pass the
 * setting rather than an environment). `privateEnvironment` names further git variables a caller sets itself with
 * `.env()` (a private index).
 */
export function gitAt(repo: string, privateEnvironment: readonly string[] = []): SimpleGit {
  return simpleGit({
    baseDir: repo,
    config: ["core.useReplaceRefs=false"],
    allowConfig: ["core.useReplaceRefs"],
    allowEnvironment: [...AMBIENT_GIT_ENVIRONMENT, ...privateEnvironment],
  });
}

/** Git refuses a repository owned by another user ("dubious ownership"): that refusal, as a usage error that says so. */
export function dubiousOwnership(repo: string, err: unknown): UsageError | null {
  const text = err instanceof Error ? err.message : String(err);
  if (!/dubious ownership/i.test(text)) return null;
  return new UsageError(
    `git refuses to read ${repo}: it is owned by another user ("dubious ownership"). Run patchops as the owner of the checkout, or mark it safe with: git config --global --add safe.directory ${repo}`,
  );
}
