// Reads the policy folders at any git ref without a checkout (git ls-tree and cat-file through simple-git).
import { posix } from "node:path";
import { simpleGit } from "simple-git";
import { BlobReader } from "./cat-file.js";
import { POLICY_ROOTS, type PolicySource, type SourceEntry } from "../load/source.js";
import { UsageError } from "../errors.js";
import { compareText } from "../order.js";

interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
  size: number;
  path: string;
}

async function lsTree(repo: string, commit: string): Promise<TreeEntry[]> {
  const raw = await simpleGit(repo).raw(["ls-tree", "-r", "-z", "--long", commit, "--", ...POLICY_ROOTS]);
  return raw
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/);
      return { mode: mode!, type: type!, sha: sha!, size: Number(size) || 0, path: line.slice(tab + 1) };
    });
}

/** The commit a ref names; a usage error when it names none. */
export async function resolveRef(repo: string, ref: string): Promise<string> {
  try {
    return (await simpleGit(repo).revparse(["--verify", "--quiet", `${ref}^{commit}`])).trim();
  } catch {
    throw new UsageError(`'${ref}' is not a commit in ${repo}`);
  }
}

/** HEAD's commit, or null outside a git repository (or before the first commit). */
export async function headRevision(repo: string): Promise<string | null> {
  try {
    const git = simpleGit(repo);
    if (!(await git.checkIsRepo())) return null;
    return (await git.revparse(["--verify", "--quiet", "HEAD^{commit}"])).trim() || null;
  } catch {
    return null;
  }
}

export async function gitRefSource(repo: string, ref: string): Promise<PolicySource> {
  const commit = await resolveRef(repo, ref);
  return {
    label: `git:${ref}`,
    revision: commit,
    async readExtra(path: string) {
      try {
        return await simpleGit(repo).show([`${commit}:${path}`]);
      } catch {
        return null;
      }
    },
    async list() {
      const blobs = new BlobReader(repo);
      const entries = await lsTree(repo, commit);
      const byPath = new Map(entries.map((e) => [e.path, e]));
      const out: SourceEntry[] = [];
      for (const e of entries) {
        if (e.mode === "120000") {
          const target = (await blobs.read(e.sha)).toString("utf8");
          const resolved = posix.normalize(posix.join(posix.dirname(e.path), target));
          const hit = byPath.get(resolved);
          if (resolved.startsWith("../") || posix.isAbsolute(target) || !hit || hit.mode === "120000") {
            out.push({ path: e.path, type: "symlink-outside", target });
          } else {
            out.push({ path: e.path, type: "file", size: hit.size, read: () => blobs.read(hit.sha) });
          }
          continue;
        }
        if (e.type !== "blob") continue;
        out.push({ path: e.path, type: "file", size: e.size, read: () => blobs.read(e.sha) });
      }
      return out.sort((a, b) => compareText(a.path, b.path));
    },
  };
}
