// Pure rules of CAB approval: who approved a change, and whether that meets a requirement.
import type { ChangeAdvisoryBoardSpec } from "../model/cab.js";
import type { Review } from "../github/client.js";
import { compareText } from "../order.js";

export interface Requirement {
  /** Shown to people, e.g. "2 of the CAB" or "1 of team payments-dba". */
  label: string;
  members: readonly string[];
  required: number;
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

/** True when any one requirement is met by the approvers who are its members. */
export function judge(approvers: readonly string[], requirements: readonly Requirement[]): Judgement {
  const reasons: string[] = [];
  for (const req of requirements) {
    const members = new Set(req.members.map((m) => m.toLowerCase()));
    const counted = approvers.filter((a) => members.has(a.toLowerCase()));
    if (counted.length >= req.required)
      return { ok: true, detail: `approved by ${counted.join(", ")} (${req.label})`, counted };
    reasons.push(
      `${counted.length} of ${req.required} needed from ${req.label}${counted.length ? ` (${counted.join(", ")})` : ""}`,
    );
  }
  const outsiders = approvers.filter(
    (a) => !requirements.some((r) => r.members.some((m) => m.toLowerCase() === a.toLowerCase())),
  );
  return {
    ok: false,
    detail: `${reasons.join("; or ")}${outsiders.length ? `; approvals by non-members do not count (${outsiders.join(", ")})` : ""}`,
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
