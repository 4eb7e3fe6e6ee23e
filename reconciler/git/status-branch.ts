// Appends a compliance snapshot to the status branch with git plumbing: no checkout, one commit per run.
// With a remote, the remote's branch is the truth: each attempt builds on its tip (so a fresh clone with only
// the remote-tracking branch works) and pushes without force; a run that lost the race rebuilds on the new tip,
// keeping both snapshots. The local branch moves only to a commit the remote accepted, so nothing half-done stays.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import { OperationalError } from "../errors.js";

export interface SnapshotCommit {
  commit: string;
  path: string;
  parent: string | null;
  pushed: boolean;
  /** How many times the push was tried (more than 1 when another run pushed first). */
  attempts: number;
}

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
}): Promise<SnapshotCommit> {
  const git = simpleGit(opts.repo);
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
    const g = simpleGit(repo).env(env);
    if (parent) await g.raw(["read-tree", parent]);
    else await g.raw(["read-tree", "--empty"]);
    const blob = await hashObject(repo, opts.content);
    await g.raw(["update-index", "--add", "--cacheinfo", `100644,${blob},snapshots/${opts.name}`]);
    await g.raw(["update-index", "--add", "--cacheinfo", `100644,${blob},latest.json`]);
    const tree = (await g.raw(["write-tree"])).trim();
    return (
      await simpleGit(repo).raw(["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", opts.message])
    ).trim();
  } catch (err) {
    throw new StatusBranchError(`cannot write the snapshot commit in ${repo}: ${gitReason(err)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
