// Pure rules of CAB approval: who approved a change, and whether that meets a requirement.
import { isTeamRef, type ChangeAdvisoryBoardSpec } from "../model/cab.js";
import type { Review } from "../github/client.js";
import { compareText } from "../order.js";

export interface Requirement {
  /** Shown to people, e.g. "2 of the CAB" or "1 of team payments-dba". */
  label: string;
  /** Logins, and GitHub teams as `@org/team-slug` (each active member of the team counts). */
  members: readonly string[];
  required: number;
}

/** One reviewer's membership of one team, as GitHub listed the team at `readAt` (it keeps no membership history). */
export interface TeamRead {
  member: boolean;
  readAt: string;
}

/** What was learnt about one `@org/team-slug` entry for the reviewers being judged. */
export interface TeamFact {
  /** As written in cab.yaml. */
  team: string;
  /** Where the entry is written (file:line:column), when known. */
  where: string | null;
  /** Lower-case login → membership, for each reviewer whose membership is known. */
  reads: ReadonlyMap<string, TeamRead>;
  /** Why the team could not be read: it then approves nothing (beyond memberships already read). */
  error: string | null;
}

/** Team memberships gathered before judging; `resolved: false` when GitHub was not asked (local mode). */
export interface TeamFacts {
  resolved: boolean;
  /** Lower-case `@org/team-slug` → what was learnt. */
  teams: ReadonlyMap<string, TeamFact>;
}

/** No team was resolved: team entries count nobody, only logins do. */
export const UNRESOLVED_TEAMS: TeamFacts = { resolved: false, teams: new Map() };

/** The team entries of a requirement, through which `login` counts (as read from GitHub). */
function teamsCounting(req: Requirement, login: string, facts: TeamFacts): string[] {
  const who = login.toLowerCase();
  return req.members.filter((m) => isTeamRef(m) && facts.teams.get(m.toLowerCase())?.reads.get(who)?.member === true);
}

/** Whether `login` is a member of a requirement: named by login, or an active member of one of its teams. */
function memberOf(req: Requirement, login: string, facts: TeamFacts): boolean {
  const who = login.toLowerCase();
  return (
    req.members.some((m) => !isTeamRef(m) && m.toLowerCase() === who) || teamsCounting(req, login, facts).length > 0
  );
}

/** What the trail says about a requirement's teams: who counted through which team and when it was read, and failures. */
function teamNotes(req: Requirement, counted: readonly string[], facts: TeamFacts): string[] {
  const teams = req.members.filter(isTeamRef);
  if (teams.length === 0) return [];
  if (!facts.resolved)
    return [`its team entries (${teams.join(", ")}) were not resolved without GitHub, so only logins count`];
  const notes: string[] = [];
  // Someone named by login counts by it; the trail records team readings only where a team is what counted them.
  const named = new Set(req.members.filter((m) => !isTeamRef(m)).map((m) => m.toLowerCase()));
  for (const login of counted.filter((l) => !named.has(l.toLowerCase())))
    for (const team of teamsCounting(req, login, facts)) {
      const read = facts.teams.get(team.toLowerCase())!.reads.get(login.toLowerCase())!;
      notes.push(`${login} counted as a member of ${team} as GitHub listed it at ${read.readAt}`);
    }
  for (const team of teams) {
    const f = facts.teams.get(team.toLowerCase());
    if (f?.error)
      notes.push(`team ${team}${f.where ? ` (${f.where})` : ""} could not be read, so it approves nothing: ${f.error}`);
  }
  return [...new Set(notes)];
}

/**
 * Logins whose latest deciding review is APPROVED and current (`fresh`: made on the final head, or on a commit whose
 * policy files equal it); the change's author never counts.
 */
export function approversOf(
  reviews: readonly Review[],
  author: string,
  fresh: (r: Review) => boolean = () => true,
): string[] {
  const latest = new Map<string, Review>();
  const ordered = [...reviews].sort((a, b) => compareText(a.submittedAt ?? "", b.submittedAt ?? "") || a.id - b.id);
  for (const r of ordered) {
    if (r.state === "COMMENTED" || r.state === "PENDING" || !r.login) continue;
    latest.set(r.login.toLowerCase(), r);
  }
  return [...latest.entries()]
    .filter(([login, r]) => r.state === "APPROVED" && login !== author.toLowerCase() && fresh(r))
    .map(([, r]) => r.login)
    .sort();
}

export interface Judgement {
  ok: boolean;
  /** The requirement that was met, or why none was. */
  detail: string;
  counted: string[];
}

/**
 * True when any one requirement is met by the approvers who are its members (by login, or as active members of one
 * of its teams: `facts`, gathered before judging). Each person counts once, however many of their entries match.
 */
export function judge(
  approvers: readonly string[],
  requirements: readonly Requirement[],
  facts: TeamFacts = UNRESOLVED_TEAMS,
): Judgement {
  const reasons: string[] = [];
  const notes: string[] = [];
  for (const req of requirements) {
    const counted = approvers.filter((a) => memberOf(req, a, facts));
    const teamNote = teamNotes(req, counted, facts);
    if (counted.length >= req.required)
      return {
        ok: true,
        detail: `approved by ${counted.join(", ")} (${req.label})${teamNote.map((n) => `; ${n}`).join("")}`,
        counted,
      };
    reasons.push(
      `${counted.length} of ${req.required} needed from ${req.label}${counted.length ? ` (${counted.join(", ")})` : ""}`,
    );
    notes.push(...teamNote);
  }
  const outsiders = approvers.filter((a) => !requirements.some((r) => memberOf(r, a, facts)));
  return {
    ok: false,
    detail: `${reasons.join("; or ")}${outsiders.length ? `; approvals by non-members do not count (${outsiders.join(", ")})` : ""}${[...new Set(notes)].map((n) => `; ${n}`).join("")}`,
    counted: [],
  };
}

/** Reviews approving an older commit than the final head whose policy files differ from it. */
export function staleApprovals(reviews: readonly Review[], author: string, fresh: (r: Review) => boolean): string[] {
  const all = approversOf(reviews, author);
  const current = new Set(approversOf(reviews, author, fresh));
  return all.filter((a) => !current.has(a));
}

/** An owner team's members; an owner named like an object property (constructor, __proto__) is just a name. */
export function teamOf(cab: Pick<ChangeAdvisoryBoardSpec, "teams">, owner: string): readonly string[] | undefined {
  return Object.hasOwn(cab.teams, owner) ? cab.teams[owner] : undefined;
}
