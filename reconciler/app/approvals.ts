// The approvals use cases: the ledger of every policy file's verification at a commit (what `approvals` lists and
// auditors read), and the judgement of an open pull request by the CAB verified at its merge base.
import { parse as parseYaml } from "yaml";
import {
  changedFiles,
  commitTime,
  mergeBase,
  verifyPullRequest,
  type PullRequestVerdict,
} from "../approvals/pull-request.js";
import { protectionGaps } from "../approvals/protection.js";
import { teamFindings } from "../approvals/teams.js";
import { verifiedCabAt, verifyApprovals, type DeletionVerdict, type SubjectVerdict } from "../approvals/verify.js";
import { UsageError } from "../errors.js";
import { fileAt } from "../git/history.js";
import type { GithubClient } from "../github/client.js";
import type { PolicySet } from "../model/policy-set.js";
import type { PolicySource } from "../load/source.js";
import { compareText } from "../order.js";
import { restoreWith } from "./plan-inputs.js";
import type { ReviewCache } from "../approvals/cache.js";

export interface LedgerRequest {
  repo: string;
  source: PolicySource;
  set: PolicySet;
  now: number;
  github: GithubClient | null;
  trustLocal: boolean;
  cache: ReviewCache;
  /** The pinned trust root (resolved commit), or null when none is pinned. */
  cabRoot: string | null;
  protectedBranch: string;
}

export interface ApprovalLedger {
  ref: string | null;
  cabRoot: string | null;
  trustedLocal: boolean;
  /** Every policy file's verdict, CAB first, then policy, rules, updates, baselines, exemptions, timetables, assignments. */
  subjects: SubjectVerdict[];
  deletions: Omit<DeletionVerdict, "restoreText">[];
  /** What the approval model relies on and is missing (branch protection, an unpinned root). */
  warnings: string[];
  ok: boolean;
}

const KIND_ORDER = ["cab", "policy", "rule", "update", "advisory", "baseline", "exemption", "timetable", "assignment"];

/** Verifies every policy file at the source's commit and lists the verdicts, the deletions and the warnings. */
export async function approvalLedger(r: LedgerRequest): Promise<ApprovalLedger> {
  const result = await verifyApprovals({
    repo: r.repo,
    ref: r.source.revision!,
    set: r.set,
    now: r.now,
    github: r.github,
    trustLocal: r.trustLocal,
    cache: r.cache,
    cabRoot: r.cabRoot,
    protectedBranch: r.protectedBranch,
    restore: restoreWith(r.source, r.now),
  });
  const subjects = [...result.files.values()].sort(
    (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compareText(a.file, b.file),
  );
  const deletions = result.deletions.map(({ restoreText: _text, ...d }) => d);
  const warnings: string[] = [];
  if (r.github && r.set.cab) {
    try {
      warnings.push(
        ...protectionGaps(r.protectedBranch, await r.github.branchProtection(r.protectedBranch), r.set.cab.spec),
      );
    } catch (err) {
      warnings.push(
        `branch protection of ${r.protectedBranch} could not be read (${(err as Error).message}); check required reviews, dismiss stale approvals and no force pushes by hand`,
      );
    }
  }
  for (const d of teamFindings(r.set, r.github))
    warnings.push(`${d.file}${d.line === null ? "" : `:${d.line}:${d.column}`}: ${d.message}`);
  if (!r.cabRoot && result.cabRoot)
    warnings.push(
      `no CAB trust root is pinned: ${result.cabRoot.slice(0, 12)}, the first commit of policies/cab.yaml, is trusted on first use; pin it with --cab-root or PATCHOPS_CAB_ROOT`,
    );
  return {
    ref: r.source.revision,
    cabRoot: result.cabRoot,
    trustedLocal: r.trustLocal,
    subjects,
    deletions,
    warnings,
    ok: subjects.every((v) => v.ok) && deletions.every((d) => d.ok),
  };
}

export interface PullRequestRequest {
  repo: string;
  /** The pull request's head, as checked out (source.revision). */
  head: string;
  set: PolicySet;
  github: GithubClient;
  number: number;
  /** The branch or commit it targets (default: the pull request's base commit). */
  base: string | null;
  cache: ReviewCache;
  cabRoot: string | null;
  /** The branch whose merged pull requests count (default main). */
  protectedBranch?: string;
}

export interface PullRequestJudgement {
  verdict: PullRequestVerdict;
  /** Changes to cab.yaml before the merge base that the CAB before them did not approve: they do not judge. */
  unapprovedCabChanges: { sha: string; detail: string }[];
}

/** Judges an open pull request's reviews by the CAB in force at its merge base, as verified from the trust root. */
export async function judgePullRequest(r: PullRequestRequest): Promise<PullRequestJudgement> {
  const pr = await r.github.pull(r.number);
  const baseRef = r.base ?? pr.baseSha;
  const files = await changedFiles(r.repo, baseRef, r.head);
  // The pull request cannot change who judges it, and neither can an unreviewed push to cab.yaml before it.
  const at = (await mergeBase(r.repo, baseRef, r.head)) ?? baseRef;
  const cab = await verifiedCabAt({
    repo: r.repo,
    ref: at,
    github: r.github,
    trustLocal: false,
    cache: r.cache,
    cabRoot: r.cabRoot,
    protectedBranch: r.protectedBranch ?? "main",
  });
  if ("problem" in cab)
    throw new UsageError(
      `no verified CAB at the merge base ${at.slice(0, 12)} to judge the pull request by: ${cab.problem}`,
    );
  const baseOwners = new Map<string, string>();
  for (const f of files.filter((x) => x.startsWith("windows/assignments/"))) {
    // Read outside the try: a git failure must stop the check, never drop the previous owner team.
    const text = (await fileAt(r.repo, at, f)) ?? "null";
    try {
      const owner = (parseYaml(text) as { spec?: { owner?: unknown } } | null)?.spec?.owner;
      if (typeof owner === "string") baseOwners.set(f, owner);
    } catch {
      // Unparsable at the base: the file's current owner team still has to approve.
    }
  }
  const verdict = await verifyPullRequest({
    baseOwners,
    repo: r.repo,
    set: r.set,
    cab: cab.spec,
    files,
    github: r.github,
    pr: r.number,
    author: pr.author,
    headSha: pr.headSha,
    committedAt: await commitTime(r.repo, r.head),
  });
  return { verdict, unapprovedCabChanges: cab.rejected.map((e) => ({ sha: e.sha, detail: e.detail })) };
}
