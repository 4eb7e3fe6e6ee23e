// Appends a compliance snapshot to the status branch with git plumbing: no checkout, one commit per run.
// With a remote, the remote's branch is the truth: each attempt builds on its tip (so a fresh clone with only
// the remote-tracking branch works) and pushes without force; a run that lost the race rebuilds on the new tip,
// keeping both snapshots. The local branch moves only to a commit the remote accepted, so nothing half-done stays.
import { createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SimpleGit } from "simple-git";
import { OperationalError } from "../errors.js";
import { gitAt } from "./git.js";

export interface SnapshotCommit {
  commit: string;
  path: string;
  parent: string | null;
  pushed: boolean;
  /** How many times the push was tried (more than 1 when another run pushed first). */
  attempts: number;
}

/** The environment variable holding the key `status record` seals snapshots with, and `plan` checks seals with. */
export const STATUS_KEY_ENV = "PATCHOPS_STATUS_KEY";

/** The key from the environment (at the edge: the reconcile job's secret), or null when none is set. */
export function statusKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const key = env[STATUS_KEY_ENV];
  return key && key.length > 0 ? key : null;
}

/**
 * The seal of one snapshot: HMAC-SHA256 over its path and exact bytes. Only a holder of the key (the reconcile job)
 * can write it, so a snapshot pushed by hand to the unreviewed status branch carries none that verifies.
 */
export function snapshotSeal(key: string, path: string, content: string): string {
  return createHmac("sha256", key).update(`${path}\n`).update(content).digest("hex");
}

/** The commit-message trailer carrying a seal: `Patchops-Seal: <path> <hex>`. */
export const SEAL_TRAILER = "Patchops-Seal";

/** A git operation on the status branch failed for an operational reason (network, permissions, a lost race). */
export class StatusBranchError extends OperationalError {
  override name = "StatusBranchError";
}

/** How often a push that lost a race against another run is rebuilt on the new tip and retried. */
export const PUSH_ATTEMPTS = 5;

async function tip(git: SimpleGit, ref: string): Promise<string | null> {
  try {
    return (await git.raw(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim() || null;
  } catch {
    return null;
  }
}

/** git's own first line of an error, without the "fatal: " noise. */
function gitReason(err: unknown): string {
  const text = (err as Error)?.message ?? String(err);
  const line = text.split("\n").find((l) => l.trim() !== "") ?? text;
  return line.replace(/^(fatal|error):\s*/, "").trim();
}

/** The remote's tip of the branch (fetched into the remote-tracking ref), or null when the remote has none. */
async function remoteTip(git: SimpleGit, remote: string, branch: string): Promise<string | null> {
  const tracking = `refs/remotes/${remote}/${branch}`;
  let listed: string;
  try {
    listed = await git.raw(["ls-remote", "--heads", remote, `refs/heads/${branch}`]);
  } catch (err) {
    throw new StatusBranchError(`cannot reach the remote ${remote}: ${gitReason(err)}`);
  }
  if (listed.trim() === "") return null;
  try {
    await git.raw(["fetch", "--quiet", "--no-tags", remote, `+refs/heads/${branch}:${tracking}`]);
  } catch (err) {
    throw new StatusBranchError(`cannot fetch ${remote}/${branch}: ${gitReason(err)}`);
  }
  return tip(git, tracking);
}

/** A push the remote refused because its branch moved on (another run recorded first). */
function lostRace(err: unknown): boolean {
  return /\(fetch first\)|\(non-fast-forward\)|stale info|cannot lock ref|failed to update ref|incorrect old value/i.test(
    (err as Error)?.message ?? "",
  );
}

/**
 * Writes `snapshots/<name>` and `latest.json` on `branch` in `repo`, then (with a remote) pushes without force,
 * retrying from the remote's new tip when another run got there first.
 */
export async function appendSnapshot(opts: {
  repo: string;
  branch: string;
  remote: string | null;
  name: string;
  content: string;
  message: string;
  /** The sealing key; default: PATCHOPS_STATUS_KEY. Without one the snapshot is unsealed (no pilot evidence). */
  key?: string | null;
}): Promise<SnapshotCommit> {
  const git = gitAt(opts.repo);
  const key = opts.key === undefined ? statusKeyFromEnv() : opts.key;
  if (key) {
    const seal = snapshotSeal(key, `snapshots/${opts.name}`, opts.content);
    opts = { ...opts, message: `${opts.message}\n\n${SEAL_TRAILER}: snapshots/${opts.name} ${seal}` };
  }
  const localRef = `refs/heads/${opts.branch}`;
  const path = `snapshots/${opts.name}`;
  for (let attempt = 1; ; attempt++) {
    const parent = opts.remote ? await remoteTip(git, opts.remote, opts.branch) : await tip(git, localRef);
    const commit = await snapshotCommit(opts.repo, parent, opts);
    if (!opts.remote) {
      // Compare-and-swap: the local branch moves only from the parent this commit was built on.
      try {
        await git.raw(["update-ref", "-m", opts.message, localRef, commit, parent ?? "0".repeat(40)]);
      } catch (err) {
        if (attempt < PUSH_ATTEMPTS && lostRace(err)) continue;
        throw new StatusBranchError(`cannot move ${opts.branch}: ${gitReason(err)}`);
      }
      return { commit, path, parent, pushed: false, attempts: attempt };
    }
    try {
      await git.raw(["push", "--quiet", opts.remote, `${commit}:${localRef}`]);
    } catch (err) {
      if (attempt < PUSH_ATTEMPTS && lostRace(err)) continue;
      throw new StatusBranchError(
        `could not push the snapshot to ${opts.remote}/${opts.branch}` +
          `${lostRace(err) ? ` after ${attempt} attempts (other runs kept pushing first)` : ""}: ${gitReason(err)}`,
      );
    }
    // The remote accepted it: the local and remote-tracking branches follow (the remote is the truth).
    await git.raw(["update-ref", "-m", opts.message, localRef, commit]);
    await git.raw(["update-ref", `refs/remotes/${opts.remote}/${opts.branch}`, commit]);
    return { commit, path, parent, pushed: true, attempts: attempt };
  }
}

/** The commit that adds the snapshot on top of `parent` (or as a root), built in a private index. */
async function snapshotCommit(
  repo: string,
  parent: string | null,
  opts: { name: string; content: string; message: string },
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "patchops-index-"));
  try {
    // A private index; only the variables git needs (simple-git refuses editor and pager settings in env).
    const env: Record<string, string> = { GIT_INDEX_FILE: join(dir, "index") };
    for (const k of [
      "PATH",
      "HOME",
      "LANG",
      "LC_ALL",
      "TMPDIR",
      "GIT_DIR",
      "GIT_WORK_TREE",
      "GIT_OBJECT_DIRECTORY",
      "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    ]) {
      const v = process.env[k];
      if (v !== undefined) env[k] = v;
    }
    const g = gitAt(repo, Object.keys(env)).env(env);
    if (parent) await g.raw(["read-tree", parent]);
    else await g.raw(["read-tree", "--empty"]);
    const blob = await hashObject(repo, opts.content);
    await g.raw(["update-index", "--add", "--cacheinfo", `100644,${blob},snapshots/${opts.name}`]);
    // latest.json is the newest snapshot by name (its instant): a run that lost a push race to a newer plan's
    // snapshot adds its own without turning latest.json back to the older one.
    if (!parent || (await newestSnapshot(repo, parent)) <= opts.name)
      await g.raw(["update-index", "--add", "--cacheinfo", `100644,${blob},latest.json`]);
    const tree = (await g.raw(["write-tree"])).trim();
    return (await gitAt(repo).raw(["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", opts.message])).trim();
  } catch (err) {
    throw new StatusBranchError(`cannot write the snapshot commit in ${repo}: ${gitReason(err)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The greatest snapshot name on a commit of the branch ("" when it has none). */
async function newestSnapshot(repo: string, commit: string): Promise<string> {
  let names: string[];
  try {
    names = (await gitAt(repo).raw(["ls-tree", "--name-only", `${commit}:snapshots`])).split("\n");
  } catch {
    return "";
  }
  let newest = "";
  for (const n of names) if (n.endsWith(".json") && n > newest) newest = n;
  return newest;
}

async function hashObject(repo: string, content: string): Promise<string> {
  const { spawn } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    const p = spawn("git", ["hash-object", "-w", "--stdin"], { cwd: repo });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
    p.stdin.end(content);
  });
}
