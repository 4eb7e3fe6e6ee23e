// Gathers the team memberships a judgement needs: each `@org/team-slug` entry's members as GitHub lists them, read at
// most once a run (the client keeps each answer), and kept with a merged pull request in the review cache.
import type { GithubClient } from "../github/client.js";
import { isTeamRef, teamRefParts } from "../model/cab.js";
import type { Located, PolicySet } from "../model/policy-set.js";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import { teamReadKey, type CachedPull, type ReviewCache } from "./cache.js";
import { UNRESOLVED_TEAMS, type Requirement, type TeamFact, type TeamFacts, type TeamRead } from "./judge.js";

/** A merged pull request whose membership readings the review cache keeps (the first reading stands). */
export interface TeamMemo {
  cache: ReviewCache;
  sha: string;
  pull: CachedPull;
}

/**
 * The memberships of `approvers` in every team entry of `requirements`. Without GitHub nothing is resolved (team
 * entries then count nobody). A team that cannot be read carries its error and approves nobody not already read.
 */
export async function gatherTeamFacts(
  github: GithubClient | null,
  requirements: readonly Requirement[],
  approvers: readonly string[],
  memo: TeamMemo | null = null,
  where: (team: string) => string | null = () => null,
): Promise<TeamFacts> {
  const entries = new Map<string, string>();
  for (const r of requirements)
    for (const m of r.members) if (isTeamRef(m) && !entries.has(m.toLowerCase())) entries.set(m.toLowerCase(), m);
  if (entries.size === 0) return { resolved: true, teams: new Map() };
  if (!github) return UNRESOLVED_TEAMS;
  const teams = new Map<string, TeamFact>();
  for (const [key, team] of entries) {
    const reads = new Map<string, TeamRead>();
    let error: string | null = null;
    const parts = teamRefParts(team);
    for (const approver of approvers) {
      const login = approver.toLowerCase();
      const memoKey = teamReadKey(team, login);
      const kept = memo?.pull.teams && Object.hasOwn(memo.pull.teams, memoKey) ? memo.pull.teams[memoKey] : undefined;
      if (kept) {
        reads.set(login, kept);
        continue;
      }
      if (error) continue;
      if (!parts) {
        error = `'${team}' is not @org/team-slug`;
        continue;
      }
      try {
        const listed = await github.teamMembers(parts.org, parts.slug);
        const read = { member: listed.logins.some((l) => l.toLowerCase() === login), readAt: listed.readAt };
        reads.set(login, read);
        if (memo) memo.cache.rememberTeamRead(memo.sha, memo.pull, memoKey, read);
      } catch (err) {
        error = (err as Error).message;
      }
    }
    teams.set(key, { team, where: where(team), reads, error });
  }
  return { resolved: true, teams };
}

/** Where a team entry is first written in the loaded cab.yaml (members, the emergency committee, then owner teams). */
export function teamEntryAt(set: Pick<PolicySet, "cab">, team: string): Located | null {
  const cab = set.cab;
  if (!cab) return null;
  const wanted = team.toLowerCase();
  const lists: [(string | number)[], readonly string[]][] = [
    [["spec", "members"], cab.spec.members],
    [["spec", "emergencyCommittee", "members"], cab.spec.emergencyCommittee?.members ?? []],
    ...Object.entries(cab.spec.teams).map(([owner, members]): [(string | number)[], readonly string[]] => [
      ["spec", "teams", owner],
      members,
    ]),
  ];
  for (const [path, members] of lists) {
    const i = members.findIndex((m) => m.toLowerCase() === wanted);
    if (i >= 0) return cab.at([...path, i]);
  }
  return { file: cab.file, line: null, column: null };
}

/** Where a team entry is written (file:line:column), for the trail of a team that fails. */
export function teamEntryWhere(set: Pick<PolicySet, "cab">): (team: string) => string | null {
  return (team) => {
    const at = teamEntryAt(set, team);
    if (!at) return null;
    return at.line === null ? at.file : `${at.file}:${at.line}:${at.column ?? 1}`;
  };
}

/** One `team-unreadable` warning per team the run could not read, at its entry in cab.yaml. */
export function teamFindings(set: Pick<PolicySet, "cab">, github: GithubClient | null): Diagnostic[] {
  return (github?.unreadableTeams ?? []).map(({ team, reason }) => {
    const at = teamEntryAt(set, team);
    return diagnostic(
      "team-unreadable",
      "warning",
      `team ${team} could not be read, so it approves nothing in this run: ${reason}`,
      at ?? {},
    );
  });
}
