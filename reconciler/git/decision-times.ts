// When each Update file's decision was last set, from git history: one `git log -p` over the policy folders.
import { gitAt } from "./git.js";

/** File path → {commit, epoch ms} of the newest commit whose diff sets `decision:` in that file. */
export async function decisionCommits(repo: string, ref: string): Promise<Map<string, { commit: string; at: number }>> {
  const out = new Map<string, { commit: string; at: number }>();
  let raw: string;
  try {
    raw = await gitAt(repo).raw([
      "log",
      "-p",
      "--no-color",
      "--no-renames",
      "--format=%x00%H %ct",
      ref,
      "--",
      "policies/updates",
    ]);
  } catch {
    return out;
  }
  for (const chunk of raw.split("\0").slice(1)) {
    const [head, ...rest] = chunk.split("\n");
    const [commit, ct] = (head ?? "").split(" ");
    let file: string | null = null;
    for (const line of rest) {
      if (line.startsWith("+++ ")) file = line.startsWith("+++ b/") ? line.slice(6) : null;
      else if (file && /^\+\s+decision:\s*approved/.test(line) && !out.has(file))
        out.set(file, { commit: commit!, at: Number(ct) * 1000 });
    }
  }
  return out;
}
