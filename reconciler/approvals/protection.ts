// The branch-protection settings the approval model relies on, checked against what GitHub reports.
import type { BranchProtection } from "../github/client.js";
import type { ChangeAdvisoryBoardSpec } from "../model/cab.js";

/** What is missing from the branch's protection, one sentence each; empty when everything relied on is set. */
export function protectionGaps(branch: string, p: BranchProtection | null, cab: ChangeAdvisoryBoardSpec): string[] {
  if (!p) return [`branch ${branch} is not protected: anyone with write access can push policy changes without review`];
  const gaps: string[] = [];
  if (p.requiredApprovingReviews === null) gaps.push(`branch ${branch} does not require pull request reviews`);
  else if (p.requiredApprovingReviews < cab.requiredApprovals)
    gaps.push(
      `branch ${branch} requires ${p.requiredApprovingReviews} approving review(s), fewer than the CAB's requiredApprovals (${cab.requiredApprovals})`,
    );
  if (!p.dismissStaleReviews)
    gaps.push(`branch ${branch} does not dismiss stale approvals when new commits are pushed`);
  // Self-approval is excluded by GitHub's author and committer of each commit, which follow commit e-mails anyone can
  // set; only GitHub itself knows who pushed last.
  if (p.requiredApprovingReviews !== null && !p.requireLastPushApproval)
    gaps.push(
      `branch ${branch} does not require approval of the most recent reviewable push, so a CAB member could push commits under a colleague's e-mail and approve them`,
    );
  if (!p.requireCodeOwnerReviews) gaps.push(`branch ${branch} does not require review from code owners`);
  if (p.allowForcePushes) gaps.push(`branch ${branch} allows force pushes, which can rewrite the approved history`);
  if (!p.enforceAdmins) gaps.push(`branch ${branch} lets administrators bypass its protection`);
  return gaps;
}
