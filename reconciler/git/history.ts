// Git history of the policy files: which commits touched each file, who wrote them, and their trailers.
import { pushTo } from "../multimap.js";
import { simpleGit } from "simple-git";

export interface CommitInfo {
  sha: string;
  author: string;
  email: string;
  time: number;
  subject: string;
  body: string;
}

export interface PolicyHistory {
  /** File → commits that touched it, newest first. */
  byFile: Map<string, string[]>;
  commits: Map<string, CommitInfo>;
  /** First-parent chain of the ref, newest first. */
  firstParent: string[];
}

export async function policyHistory(repo: string, ref: string): Promise<PolicyHistory> {
  const git = simpleGit(repo);
  const raw = await git.raw([
    "log",
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
    (await simpleGit(repo).raw(["rev-list", "--ancestry-path", `${sha}..${ref}`])).split("\n").filter(Boolean),
  );
  for (let i = history.firstParent.length - 1; i >= 0; i--)
    if (descendants.has(history.firstParent[i]!)) return history.firstParent[i]!;
  return sha;
}

export async function commitInfo(repo: string, sha: string): Promise<CommitInfo> {
  const raw = await simpleGit(repo).raw(["show", "-s", "--format=%H%x00%an%x00%ae%x00%ct%x00%s%x00%B", sha]);
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
