// Appends a compliance snapshot to the status branch with git plumbing: no checkout, one commit per run,
// the branch moved by a compare-and-swap, so a run that dies midway leaves the branch as it was.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";

export interface SnapshotCommit {
  commit: string;
  path: string;
  parent: string | null;
  pushed: boolean;
}

async function tip(git: SimpleGit, ref: string): Promise<string | null> {
  try {
    return (await git.raw(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim() || null;
  } catch {
    return null;
  }
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
  for (let attempt = 1; ; attempt++) {
    let parent: string | null;
    if (opts.remote) {
      try {
        await git.raw(["fetch", "--quiet", opts.remote, `+${localRef}:refs/remotes/${opts.remote}/${opts.branch}`]);
      } catch {
        // The branch does not exist on the remote yet: this run creates it.
      }
      parent = await tip(git, `refs/remotes/${opts.remote}/${opts.branch}`);
    } else parent = await tip(git, localRef);
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
      const g = simpleGit(opts.repo).env(env);
      if (parent) await g.raw(["read-tree", parent]);
      else await g.raw(["read-tree", "--empty"]);
      const blob = await hashObject(opts.repo, opts.content);
      await g.raw(["update-index", "--add", "--cacheinfo", `100644,${blob},snapshots/${opts.name}`]);
      await g.raw(["update-index", "--add", "--cacheinfo", `100644,${blob},latest.json`]);
      const tree = (await g.raw(["write-tree"])).trim();
      const commit = (
        await git.raw(["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", opts.message])
      ).trim();
      // Compare-and-swap: the local branch moves only from the parent this commit was built on.
      await git.raw(["update-ref", "-m", opts.message, localRef, commit, parent ?? "0".repeat(40)]);
      if (!opts.remote) return { commit, path: `snapshots/${opts.name}`, parent, pushed: false };
      try {
        await git.raw(["push", "--quiet", opts.remote, `${commit}:${localRef}`]);
        return { commit, path: `snapshots/${opts.name}`, parent, pushed: true };
      } catch (err) {
        if (attempt >= 3)
          throw new Error(`could not push the snapshot to ${opts.remote}/${opts.branch}: ${(err as Error).message}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
