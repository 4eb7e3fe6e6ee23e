// Judges an open pull request: what its changed files require (CAB, emergency committee, owner teams) against its reviews.
import { simpleGit } from "simple-git";
import type { GithubClient } from "../github/client.js";
import type { PolicySet } from "../load/policy-set.js";
import { effectiveTimeline } from "../policy/decision.js";
import { approversOf, judge, type Requirement } from "./judge.js";

export interface PullRequestVerdict {
  ok: boolean;
  author: string;
  approvers: string[];
  lines: { subject: string; ok: boolean; detail: string }[];
}

/** Files changed between the merge base of `base` and `head`. */
export async function changedFiles(repo: string, base: string, head: string): Promise<string[]> {
  const out = await simpleGit(repo).raw(["diff", "--name-only", "--no-renames", `${base}...${head}`]);
  return out.split("\n").filter(Boolean).sort();
}

export async function verifyPullRequest(input: {
  set: PolicySet;
  files: string[];
  github: GithubClient;
  pr: number;
  author: string;
}): Promise<PullRequestVerdict> {
  const { set, files, github, pr, author } = input;
  const reviews = await github.reviews(pr);
  const approvers = approversOf(reviews, author);
  const cab = set.cab!.spec;
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
  const lines: PullRequestVerdict["lines"] = [];
  for (const file of files) {
    const assignment = set.assignments.find((a) => a.file === file);
    let reqs: Requirement[];
    if (assignment) {
      const team = cab.teams[assignment.spec.owner] ?? [];
      reqs = [{ label: `owner team ${assignment.spec.owner}`, members: team, required: 1 }];
    } else if (/^(policies|baselines|windows)\//.test(file) || file === ".github/CODEOWNERS") {
      const update = set.updates.find((u) => u.file === file);
      const emergency = update && set.policy && effectiveTimeline(update.spec, set.policy.spec, null) === "emergency";
      reqs = emergency && committee ? [board, committee] : [board];
    } else continue;
    const j = judge(approvers, reqs);
    lines.push({ subject: file, ok: j.ok, detail: j.detail });
  }
  return { ok: lines.every((l) => l.ok), author, approvers, lines };
}
