// What one change to an Update file needs, decided the same way for a merged commit (plan) and an open pull request.
import type { ChangeAdvisoryBoardSpec } from "../model/cab.js";
import type { PolicySet } from "../model/policy-set.js";
import type { UpdateSpec } from "../model/update.js";
import { effectiveDecision } from "../policy/decision.js";
import { beyondRule } from "../policy/rule-scope.js";
import type { Requirement } from "./judge.js";

/** The upper-case ids of the updates the set approves at `now` (the ones whose supersedence or prerequisite matters). */
export function approvedIds(set: PolicySet, now: number): Set<string> {
  const out = new Set<string>();
  for (const u of set.updates)
    if (effectiveDecision(u.spec, set.rules, now).decision === "approved") out.add(u.spec.id.toUpperCase());
  return out;
}

/**
 * A catalog entry (no decision) needs one CAB member when it says nothing its rule does not imply; any field beyond
 * the rule (rule-scope.ts) needs the CAB's quorum, as a decision would. `at` is when the version was committed (or the
 * pull request is judged).
 */
export function catalogEntryRequirement(
  cab: ChangeAdvisoryBoardSpec,
  entry: UpdateSpec,
  set: PolicySet,
  approved: ReadonlySet<string>,
  now: number,
  at: number,
): { requirement: Requirement; beyond: string[] } {
  const rule = effectiveDecision(entry, set.rules, now).rule?.spec ?? null;
  const others = new Set([...approved].filter((id) => id !== entry.id.toUpperCase()));
  const beyond = beyondRule(entry, rule, others, at);
  return beyond.length
    ? {
        beyond,
        requirement: {
          label: `the CAB (${cab.requiredApprovals} needed, as the entry goes beyond its rule: ${beyond.join("; ")})`,
          members: cab.members,
          required: cab.requiredApprovals,
        },
      }
    : { beyond, requirement: { label: "one CAB member", members: cab.members, required: 1 } };
}
