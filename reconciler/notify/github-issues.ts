// One GitHub issue per owner team: created when the team needs updates, edited in place, closed once it is compliant.
import type { GithubClient, IssueSummary } from "../github/client.js";
import type { TeamNotice } from "./notices.js";

export const DIGEST_LABEL = "patchops-digest";

function marker(team: string, fingerprint: string): string {
  return `<!-- patchops:owner-digest team=${encodeURIComponent(team)} fingerprint=${fingerprint} -->`;
}

const MARKER = /^<!-- patchops:owner-digest team=(\S+) fingerprint=([0-9a-f]+) -->/;

export interface IssueAction {
  team: string;
  action: "created" | "updated" | "reopened" | "closed";
  url: string;
}

/** Brings each team's issue in line with its notice, at most `max` writes per run; returns what it did. */
export async function syncTeamIssues(
  github: GithubClient,
  notices: readonly TeamNotice[],
  max: number,
): Promise<{ actions: IssueAction[]; deferred: number }> {
  const existing = new Map<string, IssueSummary>();
  for (const issue of await github.issuesWithLabels([DIGEST_LABEL])) {
    const m = MARKER.exec(issue.body);
    // Newest first: a team's newest issue is the one kept in step.
    if (m && !existing.has(decodeURIComponent(m[1]!))) existing.set(decodeURIComponent(m[1]!), issue);
  }
  const actions: IssueAction[] = [];
  let deferred = 0;
  for (const n of notices) {
    const issue = existing.get(n.team);
    const body = `${marker(n.team, n.fingerprint)}\n${n.text}`;
    const same = issue ? MARKER.exec(issue.body)?.[2] === n.fingerprint : false;
    let action: IssueAction["action"] | null = null;
    if (!issue) action = n.compliant ? null : "created";
    else if (n.compliant) action = issue.state === "open" ? "closed" : null;
    else if (issue.state !== "open") action = "reopened";
    else if (!same) action = "updated";
    if (!action) continue;
    if (actions.length >= max) {
      deferred++;
      continue;
    }
    const result =
      action === "created"
        ? await github.createIssue(n.subject, body, [DIGEST_LABEL])
        : await github.updateIssue(issue!.number, {
            title: n.subject,
            body,
            state: action === "closed" ? "closed" : "open",
          });
    actions.push({ team: n.team, action, url: result.url });
  }
  return { actions, deferred };
}
