// Judges an open pull request: what its changed files require (CAB, emergency committee, owner teams) against its reviews.
import { gitAt } from "../git/git.js";
import { samePolicyTree } from "../git/history.js";
import type { GithubClient } from "../github/client.js";
import type { PolicySet } from "../model/policy-set.js";
import type { ChangeAdvisoryBoardSpec } from "../model/cab.js";
import { effectiveTimeline } from "../policy/decision.js";
import { approversOf, judge, staleApprovals, teamOf, type Requirement } from "./judge.js";
import { approvedIds, catalogEntryRequirement } from "./requirements.js";
import { gatherTeamFacts, teamEntryWhere } from "./teams.js";

export interface PullRequestVerdict {
  ok: boolean;
  author: string;
  approvers: string[];
  lines: { subject: string; ok: boolean; detail: string }[];
  /** Approvals of an older commit whose policy files differ from the head: they do not count. */
  stale: string[];
}

/** Files that configure verification itself: workflows, the action, the package and its lock file. */
const CONFIGURATION = /^(\.github\/workflows\/.+|(.+\/)?action\.ya?ml|package\.json|package-lock\.json)$/;

/** Files changed between the merge base of `base` and `head`. */
export async function changedFiles(repo: string, base: string, head: string): Promise<string[]> {
  const out = await gitAt(repo).raw(["diff", "--name-only", "--no-renames", `${base}...${head}`]);
  return out.split("\n").filter(Boolean).sort();
}

/** When a commit was committed, in epoch ms. */
export async function commitTime(repo: string, sha: string): Promise<number> {
  return Number((await gitAt(repo).raw(["show", "-s", "--format=%ct", sha])).trim()) * 1000;
}

/** The merge base of two commits, or null. */
export async function mergeBase(repo: string, base: string, head: string): Promise<string | null> {
  try {
    return (await gitAt(repo).raw(["merge-base", base, head])).trim() || null;
  } catch {
    return null;
  }
}

export async function verifyPullRequest(input: {
  repo: string;
  set: PolicySet;
  /** The CAB as it stands at the pull request's merge base: a pull request cannot change who judges it. */
  cab: ChangeAdvisoryBoardSpec;
  files: string[];
  github: GithubClient;
  pr: number;
  author: string;
  headSha: string;
  /** Each changed assignment file's owner at the merge base. */
  baseOwners?: ReadonlyMap<string, string>;
  /** When the head was committed (epoch ms): a catalog entry is judged as plan judges its commit. */
  committedAt: number;
  /** The instant decisions are taken at (default: committedAt). */
  now?: number;
}): Promise<PullRequestVerdict> {
  const { set, files, github, pr, author, cab, headSha, committedAt } = input;
  const now = input.now ?? committedAt;
  const approved = approvedIds(set, now);
  const reviews = await github.reviews(pr);
  const same = new Map<string, boolean>();
  for (const r of reviews)
    if (r.commitId && r.commitId !== headSha && !same.has(r.commitId))
      same.set(r.commitId, await samePolicyTree(input.repo, r.commitId, headSha));
  const fresh = (r: { commitId: string | null }) =>
    !!r.commitId && (r.commitId === headSha || same.get(r.commitId) === true);
  const approvers = approversOf(reviews, author, fresh);
  const stale = staleApprovals(reviews, author, fresh);
  const board: Requirement = {
    label: `the CAB (${cab.requiredApprovals} needed)`,
    members: cab.members,
    required: cab.requiredApprovals,
  };
  const committee: Requirement | null = cab.emergencyCommittee
    ? {
        label: `the emergency committee (${cab.emergencyCommittee.requiredApprovals} needed)`,
        members: cab.emergencyCommittee.members,
        required: cab.emergencyCommittee.requiredApprovals,
      }
    : null;
  // Team memberships are read once, before judging: the board, the committee and the owner teams of changed assignments.
  const owners = files.flatMap((f) => [
    set.assignments.find((a) => a.file === f)?.spec.owner,
    input.baseOwners?.get(f),
  ]);
  const teamEntries = [board, committee, ...owners.map((o) => (o ? { members: teamOf(cab, o) ?? [] } : null))];
  const teams = await gatherTeamFacts(
    github,
    [{ label: "", required: 1, members: teamEntries.flatMap((r) => r?.members ?? []) }],
    approvers,
    null,
    teamEntryWhere(set),
  );
  const lines: PullRequestVerdict["lines"] = [];
  for (const file of files) {
    const assignment = set.assignments.find((a) => a.file === file);
    let reqs: Requirement[];
    if (assignment) {
      const team = teamOf(cab, assignment.spec.owner) ?? [];
      reqs = [{ label: `owner team ${assignment.spec.owner}`, members: team, required: 1 }];
    } else if (CONFIGURATION.test(file)) {
      // The workflows, the action and the packages decide how (and whether) verification runs: policy too.
      reqs = [{ ...board, label: `${board.label}, as it configures how approvals are verified` }];
    } else if (/^(policies|baselines|windows)\//.test(file) || file === ".github/CODEOWNERS") {
      const update = set.updates.find((u) => u.file === file);
      const emergency = update && set.policy && effectiveTimeline(update.spec, set.policy.spec, null) === "emergency";
      // A catalog entry is judged as plan judges it (requirements.ts): one CAB member unless it goes beyond its rule.
      if (update && !update.spec.decision)
        reqs = [catalogEntryRequirement(cab, update.spec, set, approved, now, committedAt).requirement];
      else reqs = emergency && committee ? [board, committee] : [board];
    } else continue;
    const j = judge(approvers, reqs, teams);
    lines.push({ subject: file, ok: j.ok, detail: j.detail });
    // Moving an assignment away from its owner needs that owner team too.
    const before = input.baseOwners?.get(file);
    if (assignment && before && before !== assignment.spec.owner) {
      const was = judge(
        approvers,
        [{ label: `owner team ${before}`, members: teamOf(cab, before) ?? [], required: 1 }],
        teams,
      );
      lines.push({ subject: `${file} (previous owner ${before})`, ok: was.ok, detail: was.detail });
    }
  }
  return { ok: lines.every((l) => l.ok), author, approvers, lines, stale };
}
