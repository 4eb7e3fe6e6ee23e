// Reads the policy folders at any git ref without a checkout (git ls-tree and cat-file through simple-git).
import { posix } from "node:path";
import { dubiousOwnership, gitAt } from "./git.js";
import { BlobReader } from "./cat-file.js";
import { linkReason, POLICY_ROOTS, type PolicySource, type SourceEntry } from "../load/source.js";
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
  const raw = await gitAt(repo).raw(["ls-tree", "-r", "-z", "--long", commit, "--", ...POLICY_ROOTS]);
  return raw
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/);
      return { mode: mode!, type: type!, sha: sha!, size: Number(size) || 0, path: line.slice(tab + 1) };
    });
}

/**
 * The newest version of a path that was a regular file, on the first-parent history of `commit` (null when it never
 * was one): what a verified plan may fall back to when the path is now a link.
 */
async function lastRegularVersion(
  repo: string,
  commit: string,
  path: string,
): Promise<{ commit: string; sha: string; size: number } | null> {
  const git = gitAt(repo);
  const changes = (await git.raw(["rev-list", "--first-parent", commit, "--", path])).split("\n").filter(Boolean);
  for (const c of changes) {
    const raw = await git.raw(["ls-tree", "-z", "--long", c, "--", path]);
    const line = raw.split("\0").find((l) => l.endsWith(`\t${path}`));
    if (!line) continue;
    const [mode, type, sha, size] = line.slice(0, line.indexOf("\t")).split(/\s+/);
    if (type === "blob" && mode !== "120000") return { commit: c, sha: sha!, size: Number(size) || 0 };
  }
  return null;
}

/** The commit a ref names; a usage error when it names none (git prints nothing then, and does not fail). */
export async function resolveRef(repo: string, ref: string): Promise<string> {
  let sha = "";
  try {
    sha = (await gitAt(repo).revparse(["--verify", "--quiet", `${ref}^{commit}`])).trim();
  } catch (err) {
    throw dubiousOwnership(repo, err) ?? new UsageError(`'${ref}' is not a commit in ${repo}`);
  }
  if (!sha) throw new UsageError(`'${ref}' is not a commit in ${repo}`);
  return sha;
}

/** True when the object exists in the repository and is a commit. */
export async function commitExists(repo: string, sha: string): Promise<boolean> {
  try {
    return (await gitAt(repo).raw(["cat-file", "-t", sha])).trim() === "commit";
  } catch (err) {
    const refused = dubiousOwnership(repo, err);
    if (refused) throw refused;
    return false;
  }
}

/** HEAD's commit, or null outside a git repository (or before the first commit); git's ownership refusal is named. */
export async function headRevision(repo: string): Promise<string | null> {
  try {
    return (await gitAt(repo).revparse(["--verify", "--quiet", "HEAD^{commit}"])).trim() || null;
  } catch (err) {
    const refused = dubiousOwnership(repo, err);
    if (refused) throw refused;
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
        return await gitAt(repo).show([`${commit}:${path}`]);
      } catch {
        return null;
      }
    },
    async list() {
      const blobs = new BlobReader(repo);
      const entries = await lsTree(repo, commit);
      const out: SourceEntry[] = [];
      for (const e of entries) {
        if (e.mode === "120000") {
          // Never followed: verification judges a path by its own history, and a link's says nothing of its target's.
          const target = (await blobs.read(e.sha)).toString("utf8");
          const resolved = posix.normalize(posix.join(posix.dirname(e.path), target));
          if (resolved.startsWith("../") || resolved === ".." || posix.isAbsolute(target)) {
            out.push({ path: e.path, type: "symlink-outside", target });
            continue;
          }
          const previous = await lastRegularVersion(repo, commit, e.path);
          out.push({
            path: e.path,
            type: "symlink-refused",
            reason: `a symbolic link in git (mode 120000): ${linkReason(resolved)}`,
            ...(previous ? { previous: { ...previous, read: () => blobs.read(previous.sha) } } : {}),
          });
          continue;
        }
        if (e.type !== "blob") continue;
        out.push({ path: e.path, type: "file", size: e.size, read: () => blobs.read(e.sha) });
      }
      return out.sort((a, b) => compareText(a.path, b.path));
    },
  };
}
