// Git history of the policy files along the first-parent chain: which commits (merges included) changed each file.
import { pushTo } from "../multimap.js";
import { BlobReader } from "./cat-file.js";
import { gitAt } from "./git.js";

export interface CommitInfo {
  sha: string;
  author: string;
  email: string;
  time: number;
  subject: string;
  body: string;
}

export interface PolicyHistory {
  /** File → first-parent commits that changed it (a merge counts with its diff to the first parent), newest first. */
  byFile: Map<string, string[]>;
  commits: Map<string, CommitInfo>;
  /** First-parent chain of the ref, newest first. */
  firstParent: string[];
}

export async function policyHistory(repo: string, ref: string): Promise<PolicyHistory> {
  const git = gitAt(repo);
  const raw = await git.raw([
    "log",
    // A merge is judged by what it changed on the branch: without these, an edit inside a merge is invisible.
    "--first-parent",
    "--diff-merges=first-parent",
    "--no-renames",
    "--format=%x01%H%x00%an%x00%ae%x00%ct%x00%s%x00%B%x02",
    "--name-only",
    ref,
    "--",
    "policies",
    "baselines",
    "windows",
  ]);
  const byFile = new Map<string, string[]>();
  const commits = new Map<string, CommitInfo>();
  for (const chunk of raw.split("\x01").slice(1)) {
    const end = chunk.indexOf("\x02");
    const [sha, author, email, ct, subject, body] = chunk.slice(0, end).split("\0");
    commits.set(sha!, {
      sha: sha!,
      author: author!,
      email: email!,
      time: Number(ct) * 1000,
      subject: subject!,
      body: body!,
    });
    for (const file of chunk
      .slice(end + 1)
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean))
      pushTo(byFile, file, sha!);
  }
  const firstParent = (await git.raw(["rev-list", "--first-parent", ref])).split("\n").filter(Boolean);
  return { byFile, commits, firstParent };
}

/** The commit of the first-parent chain that brought `sha` in (itself when it is on the chain). */
export async function landingCommit(repo: string, history: PolicyHistory, sha: string, ref: string): Promise<string> {
  if (history.firstParent.includes(sha)) return sha;
  const descendants = new Set(
    (await gitAt(repo).raw(["rev-list", "--ancestry-path", `${sha}..${ref}`])).split("\n").filter(Boolean),
  );
  for (let i = history.firstParent.length - 1; i >= 0; i--)
    if (descendants.has(history.firstParent[i]!)) return history.firstParent[i]!;
  return sha;
}

export async function commitInfo(repo: string, sha: string): Promise<CommitInfo> {
  const raw = await gitAt(repo).raw(["show", "-s", "--format=%H%x00%an%x00%ae%x00%ct%x00%s%x00%B", sha]);
  const [h, author, email, ct, subject, body] = raw.split("\0");
  return {
    sha: h!.trim(),
    author: author!,
    email: email!,
    time: Number(ct) * 1000,
    subject: subject!,
    body: body ?? "",
  };
}

/** Logins named in `Approved-by:` trailers. */
export function approvedByTrailers(message: string): string[] {
  const out: string[] = [];
  for (const m of message.matchAll(/^Approved-by:\s*@?([A-Za-z0-9][A-Za-z0-9-]*(?:\[bot\])?)\b.*$/gim)) out.push(m[1]!);
  return [...new Set(out)];
}

/** One `git cat-file --batch` per repository for every version read (it ends itself when idle and not held). */
const readers = new Map<string, BlobReader>();

function readerOf(repo: string): BlobReader {
  let reader = readers.get(repo);
  if (!reader) readers.set(repo, (reader = new BlobReader(repo)));
  return reader;
}

/** Keeps the repository's one reader running until the release is called (one process for a whole verification). */
export function holdReader(repo: string): () => void {
  return readerOf(repo).hold();
}

/**
 * The file's text at a commit, or null where it does not exist. Every version goes through one long-lived
 * `git cat-file --batch`, not one `git show` process each (verification reads every version of every file).
 */
export async function fileAt(repo: string, sha: string, file: string): Promise<string | null> {
  let commit = sha;
  if (!/^[0-9a-f]{40}$/.test(commit)) {
    try {
      commit = (await gitAt(repo).revparse(["--verify", "--quiet", `${sha}^{commit}`])).trim();
    } catch {
      return null;
    }
    if (!commit) return null;
  }
  try {
    return (await readerOf(repo).readAt(commit, file)).toString("utf8");
  } catch (err) {
    // Absent is an answer; a git that failed is not, and must never read as "no such file" (fail closed).
    if ((err as Error).message.endsWith(" is missing")) return null;
    throw err;
  }
}

/** The file's text at a commit when it is a regular file there (null for a symbolic link or an absent file). */
export async function regularFileAt(repo: string, sha: string, file: string): Promise<string | null> {
  // The mode is in the tree that holds the file, read through the same `git cat-file --batch` as the text.
  const slash = file.lastIndexOf("/");
  try {
    const tree = await readerOf(repo).readAt(sha, file.slice(0, Math.max(0, slash)), "tree");
    const entry = entryOf(tree, file.slice(slash + 1), sha.length / 2);
    if (entry?.mode !== "100644" && entry?.mode !== "100755") return null;
  } catch {
    return null;
  }
  return fileAt(repo, sha, file);
}

/** One entry of a raw tree object (`<mode> <name>\0<binary id>` each): its mode and hex id, or null when absent. */
function entryOf(tree: Buffer, name: string, idBytes = 20): { mode: string; id: string } | null {
  let at = 0;
  while (at < tree.length) {
    const space = tree.indexOf(0x20, at);
    const nul = tree.indexOf(0, space);
    if (space < 0 || nul < 0) throw new Error("malformed tree object");
    if (tree.toString("utf8", space + 1, nul) === name)
      return { mode: tree.toString("latin1", at, space), id: tree.toString("hex", nul + 1, nul + 1 + idBytes) };
    at = nul + 1 + idBytes;
  }
  return null;
}

/** The first parent of a commit, or null for a root commit. */
export async function firstParentOf(repo: string, sha: string): Promise<string | null> {
  try {
    return (await gitAt(repo).revparse(["--verify", "--quiet", `${sha}^1`])).trim() || null;
  } catch {
    return null;
  }
}

/** True when the policy folders are identical at both commits (false when either is unknown locally). */
export async function samePolicyTree(repo: string, a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  // Git's trees are canonical: the folders are identical exactly when their entries in the root trees are.
  try {
    const [x, y] = await Promise.all([policyFolders(repo, a), policyFolders(repo, b)]);
    return x === y;
  } catch {
    return false;
  }
}

/** The root tree's entries for the policy folders (mode and id, or absent), as text, read through `git cat-file`. */
async function policyFolders(repo: string, commit: string): Promise<string> {
  const reader = readerOf(repo);
  const text = (await reader.read(commit, "commit")).toString("utf8");
  const tree = /^tree ([0-9a-f]{40,64})$/m.exec(text.slice(0, text.indexOf("\n\n")))?.[1];
  if (!tree) throw new Error(`${commit} is not a commit`);
  const root = await reader.read(tree, "tree");
  return JSON.stringify(["policies", "baselines", "windows"].map((d) => entryOf(root, d, tree.length / 2)));
}

/** Words a commit's author may go by (name parts, e-mail local part and its parts), lower-case. */
export function authorAliases(author: string, email: string): Set<string> {
  const local = (email.split("@")[0] ?? "").toLowerCase();
  const words = [author.toLowerCase(), ...author.toLowerCase().split(/[\s._-]+/), local, ...local.split(/[._+-]+/)];
  return new Set(words.filter((w) => w.length > 0));
}

/** The policy files that exist at a commit. */
export async function policyFilesAt(repo: string, ref: string): Promise<Set<string>> {
  const out = await gitAt(repo).raw(["ls-tree", "-r", "--name-only", ref, "--", "policies", "baselines", "windows"]);
  return new Set(out.split("\n").filter(Boolean));
}
