// A first-parent policy history written by one `git fast-import`: the same commits commitAll would make (author and
// date given, committer patchops-test at the same instant), built in one process instead of two per commit. Mutation
// runs build the history again for every mutant, so this is what keeps them short.
import { execFileSync } from "node:child_process";
import { fixtureFiles } from "../helpers/plan-fixture.js";
import { tempDir } from "../helpers/repo.js";

export interface HistoryCommit {
  name: string;
  at: string;
  /** "Name <email>" (default Admin <admin@example.com>, as commitAll). */
  author?: string;
  message?: string;
  /** Files written (text) or deleted (null). */
  files: Record<string, string | null>;
}

const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;

/** The minimal fixture without its Update file, with this cab.yaml: the root most approval tests start from. */
export function minimalRoot(cab: string): Record<string, string> {
  const files = fixtureFiles("minimal");
  delete files["policies/updates/kb5035857.yaml"];
  return { ...files, "policies/cab.yaml": cab };
}

/** Writes the commits on main of a new repository; returns the repository and each commit's sha by name. */
export async function fastHistory(
  commits: readonly HistoryCommit[],
): Promise<{ repo: string; sha: Record<string, string> }> {
  const repo = await tempDir();
  let stream = "";
  commits.forEach((c, i) => {
    const t = Math.floor(Date.parse(c.at) / 1000);
    const [, name, email] = /^(.*) <(.*)>$/.exec(c.author ?? "Admin <admin@example.com>")!;
    stream += `commit refs/heads/main\nmark :${i + 1}\nauthor ${name} <${email}> ${t} +0000\n`;
    stream += `committer patchops-test <test@example.com> ${t} +0000\n${data(c.message ?? c.name)}`;
    if (i > 0) stream += `from :${i}\n`;
    for (const [path, text] of Object.entries(c.files))
      stream += text === null ? `D ${path}\n` : `M 100644 inline ${path}\n${data(text)}`;
    stream += "\n";
  });
  const git = (args: string[], input?: string) =>
    execFileSync("git", args, { cwd: repo, input, encoding: "utf8", stdio: ["pipe", "pipe", "ignore"] });
  git(["init", "-q", "-b", "main"]);
  git(["fast-import", "--quiet"], stream);
  const shas = git(["rev-list", "--reverse", "main"]).trim().split("\n");
  return { repo, sha: Object.fromEntries(commits.map((c, i) => [c.name, shas[i]!])) };
}
