// `dnf repolist --enabled` (or `yum repolist enabled`) output: the repository ids a host installs from, which say
// whether a RHEL host is pinned to a minor release's stream (EUS, E4S, AUS, TUS).
import type { LineProblem, Parsed } from "./installed.js";

const NOISE =
  /^(\s*$|Updating Subscription Management|Last metadata expiration check|This system is|Unable to read consumer identity|Loaded plugins:|repo id\s|repolist:|Repo-id\s)/i;
const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}$/;

/** The repository ids, in the order listed: the first column of each line after the header ("repo id  repo name"). */
export function parseRepolist(text: string): Parsed<string> {
  const items: string[] = [];
  const problems: LineProblem[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (NOISE.test(line)) return;
    // yum 3 prints "rhel-7-server-rpms/7Server/x86_64", "!…" (expired metadata) and "*epel/x86_64" (mirrorlist).
    const id = line.trim().split(/\s+/)[0]!.replace(/^[!*]/, "").replace(/\/.*$/, "");
    if (!REPO_ID.test(id)) {
      problems.push({
        line: i + 1,
        column: 1,
        reason: `'${id}' is not a repository id (expected 'repo-id  repo name')`,
      });
      return;
    }
    if (!items.includes(id)) items.push(id);
  });
  return { items, problems };
}
