// Verifies that every policy file that changes what runs was approved: each first-parent commit that changed it is a reviewed pull request.
import { parse as parseYaml } from "yaml";
import {
  approvedByTrailers,
  authorAliases,
  fileAt,
  regularFileAt,
  firstParentOf,
  holdReader,
  policyFilesAt,
  policyHistory,
  samePolicyTree,
  type PolicyHistory,
} from "../git/history.js";
import type { GithubClient, PullCommit, Review } from "../github/client.js";
import type { LoadedDoc, PolicySet } from "../model/policy-set.js";
import { ChangeAdvisoryBoardSpec } from "../model/cab.js";
import { UpdateSpec } from "../model/update.js";
import { effectiveDecision, effectiveTimeline } from "../policy/decision.js";
import type { ReviewCache, CachedPull } from "./cache.js";
import { approversOf, judge, staleApprovals, teamOf, type Requirement } from "./judge.js";
import { judgeIntakeDraft, shortcutContext } from "../intake/draft-record.js";
import { approvedIds, catalogEntryRequirement } from "./requirements.js";
import { gatherTeamFacts, teamEntryWhere } from "./teams.js";

export type SubjectKind =
  "update" | "advisory" | "rule" | "assignment" | "baseline" | "exemption" | "timetable" | "policy" | "cab";

export interface CommitEvidence {
  sha: string;
  ok: boolean;
  strength: "github" | "trailer" | "root" | null;
  pull: number | null;
  url: string | null;
  author: string | null;
  approvers: string[];
  mergedAt: string | null;
  detail: string;
}

export interface SubjectVerdict {
  kind: SubjectKind;
  name: string;
  file: string;
  ok: boolean;
  strength: "github" | "trailer" | null;
  reason: string;
  commits: CommitEvidence[];
  /** When the approval took effect: the newest merge among the verified commits. */
  effectiveAt: number | null;
  /** For an Update file: its effective decision. */
  decision?: "approved" | "rejected" | "pending";
  /** For an Update file carrying `pilot: {override: proceed}`: the reviewed change that added it. */
  override?: OverrideEvidence;
  /** Unverified, but its last verified version (from this commit) is what was planned. */
  fallback?: { sha: string };
}

/** Who decided to proceed after a failed pilot, in which reviewed change, and why. */
export interface OverrideEvidence {
  commit: string;
  pull: number | null;
  author: string | null;
  approvers: string[];
  at: string | null;
  reason: string;
}

/** A policy file deleted on the first-parent history, and whether its deletion was approved. */
export interface DeletionVerdict {
  file: string;
  /** The kind and name the file had before its deletion (null when it did not parse). */
  kind: SubjectKind | null;
  name: string;
  /** The first-parent commit that deleted it. */
  sha: string;
  ok: boolean;
  reason: string;
  evidence: CommitEvidence;
  /** An unapproved deletion is not applied: the file's last version before the deletion is planned instead. */
  restored: boolean;
  /** That last version, or null when it cannot be read. */
  restoreText: string | null;
}

export interface VerificationResult {
  /** Every Update file's verdict, by upper-case id (pending and rejected ones too: their content changes what runs). */
  updates: Map<string, SubjectVerdict>;
  rules: Map<string, SubjectVerdict>;
  assignments: Map<string, SubjectVerdict>;
  /** Every verified file of every kind, by path (updates only when approved). */
  files: Map<string, SubjectVerdict>;
  /** The commit whose cab.yaml is the trust root. */
  cabRoot: string | null;
  /** Deleted policy files since the root: an unapproved deletion is not applied. */
  deletions: DeletionVerdict[];
  /** The policy that was verified: the input set, with the files of unapproved deletions restored. */
  set: PolicySet;
  /** Unverified files left out so that a restored file could take its place (an unreviewed rename's new copy). */
  dropped: { file: string; reason: string }[];
}

export interface VerifyInput {
  repo: string;
  ref: string;
  set: PolicySet;
  now: number;
  github: GithubClient | null;
  trustLocal: boolean;
  cache: ReviewCache;
  /** The pinned commit whose cab.yaml (and tree) is trusted without review; default: the first commit of cab.yaml. */
  cabRoot?: string | null;
  /** The branch a pull request must have been merged into for its reviews to count (default main). */
  protectedBranch?: string;
  /**
   * Loads the policy again with restored files laid over it (path → text), for unapproved deletions; returns the
   * new set, or why it does not load. Without it, an unapproved deletion is reported but cannot be undone.
   */
  restore?: (files: ReadonlyMap<string, string | null>) => Promise<PolicySet | string>;
}

const CAB_FILE = "policies/cab.yaml";

export function cabRequirements(cab: ChangeAdvisoryBoardSpec, emergency: boolean): Requirement[] {
  const reqs: Requirement[] = [
    { label: `the CAB (${cab.requiredApprovals} needed)`, members: cab.members, required: cab.requiredApprovals },
  ];
  if (emergency && cab.emergencyCommittee) {
    reqs.push({
      label: `the emergency committee (${cab.emergencyCommittee.requiredApprovals} needed)`,
      members: cab.emergencyCommittee.members,
      required: cab.emergencyCommittee.requiredApprovals,
    });
  }
  return reqs;
}

/** A change needs every group met; within a group any one requirement will do. */
type Needs = {
  groups: Requirement[][];
  intake: string | null;
  /** Why the intake shortcut does not apply to this version of the file. */
  intakeRefused?: { identity: string; reason: string };
};

interface Context {
  input: VerifyInput;
  history: PolicyHistory;
  /** First-parent position, oldest = 0. */
  index: Map<string, number>;
  rootIndex: number;
  /** Files changed at or before this position need no review: the pinned root (-1 when the root is only trusted on first use). */
  trustedIndex: number;
  /** cab.yaml as trusted after each adopted change, oldest first. */
  cabs: { index: number; spec: ChangeAdvisoryBoardSpec }[];
  /** Restored files: only their commits before the (unapproved) deletion at this position count. */
  cutoff: Map<string, number>;
  sameTree: Map<string, Promise<boolean>>;
  asked: Map<string, Promise<CachedPull[]>>;
  approved: Map<PolicySet, ReadonlySet<string>>;
}

/** Facts about a commit, asked once a run even when they are not cacheable (a commit in no pull request). */
function pullsFor(ctx: Context, sha: string): Promise<CachedPull[]> {
  let asked = ctx.asked.get(sha);
  if (!asked) ctx.asked.set(sha, (asked = askPulls(ctx, sha)));
  return asked;
}

async function askPulls(ctx: Context, sha: string): Promise<CachedPull[]> {
  const hit = ctx.input.cache.get(sha);
  if (hit) return hit;
  const gh = ctx.input.github!;
  const pulls = (await gh.pullsForCommit(sha)).filter((p) => p.mergedAt);
  const full: CachedPull[] = [];
  for (const p of pulls) full.push({ ...p, reviews: await gh.reviews(p.number) });
  ctx.input.cache.set(sha, full);
  return full;
}

/** The CAB in force just before the first-parent commit at `index`: the last cab.yaml whose own change was approved. */
function cabBefore(ctx: Context, index: number): ChangeAdvisoryBoardSpec {
  let spec = ctx.cabs[0]!.spec;
  for (const c of ctx.cabs) if (c.index < index) spec = c.spec;
  return spec;
}

function freshness(ctx: KnownContext, p: CachedPull): (r: Review) => boolean {
  const head = p.headSha;
  return (r) => !!head && !!r.commitId && (r.commitId === head || ctx.known.get(`${r.commitId}..${head}`) === true);
}

/** Resolves every review freshness question of a pull request up front (git is asynchronous, judging is not). */
async function settleFreshness(ctx: KnownContext, p: CachedPull): Promise<void> {
  for (const r of p.reviews) {
    if (!p.headSha || !r.commitId || r.commitId === p.headSha) continue;
    const key = `${r.commitId}..${p.headSha}`;
    if (!ctx.sameTree.has(key)) ctx.sameTree.set(key, samePolicyTree(ctx.input.repo, r.commitId, p.headSha));
    ctx.known.set(key, await ctx.sameTree.get(key)!);
  }
}

type KnownContext = Context & { known: Map<string, boolean> };

/** The pull request's commits with their GitHub authors and committers (asked once, then cached with the pull). */
async function commitsOf(ctx: KnownContext, sha: string, p: CachedPull): Promise<PullCommit[]> {
  if (p.commits) return p.commits;
  const commits = await ctx.input.github!.pullCommits(p.number);
  p.commits = commits;
  const all = ctx.input.cache.get(sha);
  if (all)
    ctx.input.cache.set(
      sha,
      all.map((x) => (x.number === p.number ? { ...x, commits } : x)),
    );
  return commits;
}

async function intakeCommitsOk(
  ctx: KnownContext,
  sha: string,
  p: CachedPull,
  identity: string,
): Promise<string | null> {
  const commits = await commitsOf(ctx, sha, p);
  const id = identity.toLowerCase();
  const foreign = commits.filter(
    (c) =>
      c.author?.toLowerCase() !== id ||
      (c.committer?.toLowerCase() !== id && c.committer?.toLowerCase() !== "web-flow"),
  );
  if (commits.length === 0) return "GitHub lists no commits for it";
  return foreign.length
    ? `commit ${foreign[0]!.sha.slice(0, 12)} was written or pushed by ${foreign[0]!.author ?? "an unknown account"}${foreign[0]!.committer && foreign[0]!.committer !== foreign[0]!.author ? ` / ${foreign[0]!.committer}` : ""}, not ${identity}`
    : null;
}

/** Checks one first-parent commit: GitHub reviews when GitHub is configured, else (if trusted) its trailers. */
async function checkCommit(ctx: KnownContext, sha: string, needs: Needs): Promise<CommitEvidence> {
  const { input, history } = ctx;
  const info = history.commits.get(sha);
  const failures: string[] = [];
  const base = { sha, pull: null, url: null, approvers: [] as string[] };
  if (input.github) {
    try {
      const pulls = await pullsFor(ctx, sha);
      if (pulls.length === 0)
        failures.push(`commit ${sha.slice(0, 12)} is in no merged pull request (pushed without review?)`);
      const branch = input.protectedBranch ?? "main";
      for (const p of pulls) {
        // A pull request into another branch reviewed a change to that branch, not what reached this one.
        if (p.baseRef !== branch) {
          failures.push(
            `PR #${p.number} was merged into ${p.baseRef || "an unknown branch"}, not ${branch}: its reviews do not count here`,
          );
          continue;
        }
        if (needs.intake && p.author.toLowerCase() === needs.intake.toLowerCase()) {
          const problem = await intakeCommitsOk(ctx, sha, p, needs.intake);
          if (!problem)
            return {
              ...base,
              ok: true,
              strength: "github",
              pull: p.number,
              url: p.url,
              author: p.author,
              mergedAt: p.mergedAt,
              detail: `PR #${p.number} opened and written only by ${p.author} (the intake identity)`,
            };
          failures.push(`PR #${p.number} by ${p.author}: not an intake-only change (${problem})`);
          continue;
        }
        await settleFreshness(ctx, p);
        const fresh = freshness(ctx, p);
        // Whoever wrote or pushed a commit of the change is one of its authors: their approval is self-approval.
        const authors = new Set(
          (await commitsOf(ctx, sha, p))
            .flatMap((c) => [c.author, c.committer])
            .filter((l): l is string => !!l && l.toLowerCase() !== "web-flow")
            .map((l) => l.toLowerCase()),
        );
        const selfApproved = approversOf(p.reviews, p.author, fresh).filter((a) => authors.has(a.toLowerCase()));
        const approvers = approversOf(p.reviews, p.author, fresh).filter((a) => !authors.has(a.toLowerCase()));
        const stale = staleApprovals(p.reviews, p.author, fresh);
        const teams = await gatherTeamFacts(
          input.github,
          needs.groups.flat(),
          approvers,
          { cache: input.cache, sha, pull: p },
          teamEntryWhere(input.set),
        );
        const verdicts = needs.groups.map((g) => judge(approvers, g, teams));
        const bad = verdicts.find((j) => !j.ok);
        const selfNote = selfApproved.length
          ? `; approvals by authors of its commits do not count (${selfApproved.join(", ")})`
          : "";
        const staleNote = stale.length
          ? `; approvals of an older commit do not count (${stale.join(", ")}: policy files changed after their review)`
          : "";
        if (!bad)
          return {
            ...base,
            ok: true,
            strength: "github",
            pull: p.number,
            url: p.url,
            author: p.author,
            approvers: [...new Set(verdicts.flatMap((j) => j.counted))].sort(),
            mergedAt: p.mergedAt,
            detail: `PR #${p.number} by ${p.author}: ${verdicts.map((j) => j.detail).join("; and ")}`,
          };
        const intakeNote =
          needs.intakeRefused && p.author.toLowerCase() === needs.intakeRefused.identity.toLowerCase()
            ? `; the intake shortcut does not apply (${needs.intakeRefused.reason})`
            : "";
        failures.push(`PR #${p.number} by ${p.author}: ${bad.detail}${staleNote}${selfNote}${intakeNote}`);
      }
    } catch (err) {
      failures.push((err as Error).message);
    }
  } else if (!input.trustLocal) {
    failures.push("GitHub is not configured (GITHUB_TOKEN and GITHUB_REPOSITORY), so no review can be checked");
  } else if (info) {
    // Trailers are evidence only where GitHub cannot be asked at all; anyone who commits can write them.
    const self = authorAliases(info.author, info.email);
    const approvers = approvedByTrailers(info.body).filter((a) => !self.has(a.toLowerCase()));
    const verdicts = needs.groups.map((g) => judge(approvers, g));
    const bad = verdicts.find((j) => !j.ok);
    if (!bad)
      return {
        ...base,
        ok: true,
        strength: "trailer",
        author: info.author,
        approvers: [...new Set(verdicts.flatMap((j) => j.counted))].sort(),
        mergedAt: new Date(info.time).toISOString(),
        detail: `Approved-by trailers on ${sha.slice(0, 12)}: ${verdicts.map((j) => j.detail).join("; and ")} (trusted-local: forgeable, for air-gapped demos only)`,
      };
    failures.push(`Approved-by trailers on ${sha.slice(0, 12)}: ${bad.detail}`);
  }
  return {
    ...base,
    ok: false,
    strength: null,
    author: info?.author ?? null,
    mergedAt: null,
    detail: failures.join("; "),
  };
}

function summarize(kind: SubjectKind, name: string, file: string, commits: CommitEvidence[]): SubjectVerdict {
  const bad = commits.find((c) => !c.ok);
  const ok = !bad && commits.length > 0;
  const strength = ok ? (commits.some((c) => c.strength === "trailer") ? "trailer" : "github") : null;
  const effectiveAt = ok ? Math.max(...commits.map((c) => (c.mergedAt ? Date.parse(c.mergedAt) : 0))) : null;
  return {
    kind,
    name,
    file,
    ok,
    strength,
    reason: ok ? commits.map((c) => c.detail).join("; ") : (bad?.detail ?? "no commit found"),
    commits,
    effectiveAt,
  };
}

function failed(kind: SubjectKind, name: string, file: string, reason: string): SubjectVerdict {
  return { kind, name, file, ok: false, strength: null, reason, commits: [], effectiveAt: null };
}

/** What one commit's version of a file needs; null when the file cannot be judged at that commit. */
type NeedsAt = (sha: string, cab: ChangeAdvisoryBoardSpec) => Promise<Needs | string>;

/** Every first-parent commit after the root that changed the file must meet what that commit's change needs. */
async function verifyFile(
  ctx: KnownContext,
  kind: SubjectKind,
  name: string,
  file: string,
  needsAt: NeedsAt,
): Promise<SubjectVerdict> {
  const cut = ctx.cutoff.get(file);
  const shas = ctx.history.byFile.get(file)?.filter((sha) => cut === undefined || (ctx.index.get(sha) ?? -1) < cut);
  if (!shas || shas.length === 0) return failed(kind, name, file, `${file} is not committed`);
  const commits: CommitEvidence[] = [];
  for (const sha of [...shas].reverse()) {
    const idx = ctx.index.get(sha) ?? -1;
    if (idx <= ctx.trustedIndex) {
      const info = ctx.history.commits.get(sha);
      commits.push({
        sha,
        ok: true,
        strength: "root",
        pull: null,
        url: null,
        author: info?.author ?? null,
        approvers: [],
        mergedAt: info ? new Date(info.time).toISOString() : null,
        detail: `part of the trusted root ${sha.slice(0, 12)}`,
      });
      continue;
    }
    const needs = await needsAt(sha, cabBefore(ctx, idx)).catch(
      (err: Error) => `${file} at ${sha.slice(0, 12)} could not be read from git: ${err.message}`,
    );
    if (typeof needs === "string") {
      commits.push({
        sha,
        ok: false,
        strength: null,
        pull: null,
        url: null,
        author: null,
        approvers: [],
        mergedAt: null,
        detail: needs,
      });
      continue;
    }
    commits.push(await checkCommit(ctx, sha, needs));
  }
  // Show the newest evidence first, as before; bootstrap entries only when nothing else exists.
  const shown = commits.filter((c) => c.strength !== "root");
  const verdict = summarize(kind, name, file, commits);
  if (verdict.ok && shown.length) verdict.reason = shown.map((c) => c.detail).join("; ");
  return verdict;
}

function cabAt(text: string | null): ChangeAdvisoryBoardSpec | null {
  if (text === null) return null;
  try {
    const doc = parseYaml(text) as { kind?: string; spec?: unknown } | null;
    if (doc?.kind !== "ChangeAdvisoryBoard") return null;
    const r = ChangeAdvisoryBoardSpec.safeParse(doc.spec);
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

async function updateAt(repo: string, sha: string, file: string): Promise<UpdateSpec | null> {
  const text = await fileAt(repo, sha, file);
  if (text === null) return null;
  try {
    const doc = parseYaml(text) as { spec?: unknown } | null;
    const r = UpdateSpec.safeParse(doc?.spec);
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

async function ownerAt(repo: string, sha: string | null, file: string): Promise<string | null> {
  if (!sha) return null;
  const text = await fileAt(repo, sha, file);
  try {
    const owner = (parseYaml(text ?? "") as { spec?: { owner?: unknown } } | null)?.spec?.owner;
    return typeof owner === "string" ? owner : null;
  } catch {
    return null;
  }
}

/** The CAB timeline: from the trusted root, each change to cab.yaml counts only if the CAB before it approved it. */
async function cabTimeline(ctx: KnownContext, rootSha: string): Promise<CommitEvidence[]> {
  const rootSpec = cabAt(await fileAt(ctx.input.repo, rootSha, CAB_FILE));
  if (!rootSpec) throw new Error(`no valid ${CAB_FILE} at the trusted root ${rootSha.slice(0, 12)}`);
  ctx.cabs = [{ index: ctx.rootIndex, spec: rootSpec }];
  const evidence: CommitEvidence[] = [];
  for (const sha of [...(ctx.history.byFile.get(CAB_FILE) ?? [])].reverse()) {
    const idx = ctx.index.get(sha) ?? -1;
    if (idx <= ctx.rootIndex) continue;
    const e = await checkCommit(ctx, sha, { groups: [cabRequirements(cabBefore(ctx, idx), false)], intake: null });
    const next = cabAt(await fileAt(ctx.input.repo, sha, CAB_FILE));
    if (e.ok && next) ctx.cabs.push({ index: idx, spec: next });
    else if (e.ok) {
      e.ok = false;
      e.detail = `${e.detail}; but ${CAB_FILE} at ${sha.slice(0, 12)} is not a valid ChangeAdvisoryBoard`;
    } else e.detail = `a change to the CAB needs the CAB as it stood before: ${e.detail}`;
    evidence.push(e);
  }
  return evidence;
}

/** The history, the trust root and the CAB timeline: what every verification starts from. */
async function openContext(
  input: VerifyInput,
): Promise<{ ctx: KnownContext; rootSha: string | null; cabEvidence: CommitEvidence[]; problem: string | null }> {
  const { repo, ref } = input;
  const history = await policyHistory(repo, ref);
  const oldestFirst = [...history.firstParent].reverse();
  const ctx: KnownContext = {
    input,
    history,
    index: new Map(oldestFirst.map((sha, i) => [sha, i])),
    rootIndex: -1,
    trustedIndex: -1,
    cabs: [],
    sameTree: new Map(),
    asked: new Map(),
    approved: new Map(),
    known: new Map(),
    cutoff: new Map(),
  };
  const cabCommits = history.byFile.get(CAB_FILE) ?? [];
  const rootSha = input.cabRoot ?? cabCommits[cabCommits.length - 1] ?? null;
  let problem = !rootSha
    ? `${CAB_FILE} is not committed, so there is no CAB to judge approvals by`
    : !ctx.index.has(rootSha)
      ? `the CAB trust root ${rootSha.slice(0, 12)} is not on the first-parent history of ${ref.slice(0, 12)}`
      : null;
  let cabEvidence: CommitEvidence[] = [];
  if (!problem) {
    ctx.rootIndex = ctx.index.get(rootSha!)!;
    // Only a pinned root vouches for the files it holds; a root trusted on first use only bootstraps the CAB.
    if (input.cabRoot) ctx.trustedIndex = ctx.rootIndex;
    try {
      cabEvidence = await cabTimeline(ctx, rootSha!);
    } catch (err) {
      problem = (err as Error).message;
    }
  }
  return { ctx, rootSha: problem ? null : rootSha, cabEvidence, problem };
}

/**
 * The first parent of a commit on the first-parent chain, from the history walk instead of a git process per commit
 * (null for the oldest commit walked: a root, or a shallow clone's boundary, whose parent git cannot name either).
 */
function chainParent(ctx: KnownContext, sha: string): Promise<string | null> {
  const i = ctx.index.get(sha);
  if (i === undefined) return firstParentOf(ctx.input.repo, sha);
  const chain = ctx.history.firstParent;
  return Promise.resolve(i > 0 ? chain[chain.length - i]! : null);
}

/** Runs `work` with the repository's one `git cat-file --batch` kept running throughout (issue 33). */
async function holdingReader<T>(repo: string, work: () => Promise<T>): Promise<T> {
  const release = holdReader(repo);
  try {
    return await work();
  } finally {
    release();
  }
}

/**
 * The CAB in force at a commit, as verified: the trusted root's cab.yaml and every later change the CAB before it
 * approved. An unapproved edit of cab.yaml is not in force. Used to judge an open pull request by its merge base.
 */
export function verifiedCabAt(
  input: Omit<VerifyInput, "set" | "now" | "restore">,
): Promise<{ spec: ChangeAdvisoryBoardSpec; rejected: CommitEvidence[] } | { problem: string }> {
  return holdingReader(input.repo, () => cabAtHeld(input));
}

async function cabAtHeld(
  input: Omit<VerifyInput, "set" | "now" | "restore">,
): Promise<{ spec: ChangeAdvisoryBoardSpec; rejected: CommitEvidence[] } | { problem: string }> {
  const { ctx, cabEvidence, problem } = await openContext({ ...input, set: EMPTY_SET, now: 0 });
  await input.cache.save();
  if (problem) return { problem };
  return { spec: ctx.cabs[ctx.cabs.length - 1]!.spec, rejected: cabEvidence.filter((e) => !e.ok) };
}

const EMPTY_SET: PolicySet = {
  source: { label: "", revision: null, digest: "" },
  policy: null,
  cab: null,
  rules: [],
  updates: [],
  advisories: [],
  exemptions: [],
  baselines: [],
  timetables: [],
  assignments: [],
};

export function verifyApprovals(input: VerifyInput): Promise<VerificationResult> {
  return holdingReader(input.repo, () => verifyHeld(input));
}

async function verifyHeld(input: VerifyInput): Promise<VerificationResult> {
  const { repo, now } = input;
  let set = input.set;
  const { ctx, rootSha, cabEvidence, problem } = await openContext(input);
  const result: VerificationResult = {
    updates: new Map(),
    rules: new Map(),
    assignments: new Map(),
    files: new Map(),
    cabRoot: rootSha,
    deletions: [],
    set,
    dropped: [],
  };
  const record = (v: SubjectVerdict) => result.files.set(v.file, v);
  const everyDoc: LoadedDoc<unknown>[] = [
    ...(set.policy ? [set.policy] : []),
    ...(set.cab ? [set.cab] : []),
    ...set.rules,
    ...set.updates,
    ...set.advisories,
    ...set.exemptions,
    ...set.baselines,
    ...set.timetables,
    ...set.assignments,
  ];
  if (problem) {
    for (const d of everyDoc) {
      const v = failed(kindOf(d.kind), d.name, d.file, problem);
      record(v);
      if (d.kind === "Update")
        result.updates.set((d.spec as UpdateSpec).id.toUpperCase(), {
          ...v,
          name: (d.spec as UpdateSpec).id.toUpperCase(),
          decision: effectiveDecision(d.spec as UpdateSpec, set.rules, now).decision,
        });
      if (d.kind === "ApprovalRule") result.rules.set(d.name, v);
      if (d.kind === "Assignment") result.assignments.set(d.file, v);
    }
    await input.cache.save();
    return result;
  }

  const cab = (spec: ChangeAdvisoryBoardSpec): Needs => ({ groups: [cabRequirements(spec, false)], intake: null });
  const plain: NeedsAt = async (_sha, spec) => cab(spec);

  result.deletions = await verifyDeletions(ctx);
  const undo = result.deletions.filter((d) => !d.ok && d.restoreText !== null);
  // Degrade, never stop: an unverified policy.yaml plans with its last verified version, as cab.yaml does.
  const policyVerdict = set.policy ? await verifyFile(ctx, "policy", set.policy.name, set.policy.file, plain) : null;
  const policyFallback = policyVerdict && !policyVerdict.ok ? await lastVerifiedVersion(ctx, policyVerdict) : null;
  const overlay = new Map<string, string | null>(undo.map((d) => [d.file, d.restoreText!]));
  if (policyFallback) overlay.set(policyVerdict!.file, policyFallback.text);
  // A restored Update file wins over an unverified file that took its id (an unreviewed rename): that copy is dropped.
  const dropping: { file: string; reason: string }[] = [];
  for (const d of undo) {
    if (d.kind !== "update") continue;
    const id = updateIdOf(d.restoreText!);
    for (const u of set.updates) {
      if (u.file === d.file || u.spec.id.toUpperCase() !== id) continue;
      const v = await verifyFile(ctx, "update", id, u.file, updateNeeds(ctx, set, u));
      if (v.ok) continue;
      overlay.set(u.file, null);
      dropping.push({
        file: u.file,
        reason: `${u.file} is unverified (${v.reason}) and takes the id ${id} of ${d.file}, whose deletion was not approved: it is left out and ${d.file} is restored`,
      });
    }
  }
  if (overlay.size && input.restore) {
    const reloaded = await input.restore(overlay);
    for (const d of undo) {
      if (typeof reloaded === "string") d.reason = `${d.reason}; and it cannot be undone: ${reloaded}`;
      else {
        d.restored = true;
        ctx.cutoff.set(d.file, ctx.index.get(d.sha) ?? -1);
      }
    }
    if (typeof reloaded !== "string") {
      result.set = set = reloaded;
      result.dropped = dropping;
      if (policyFallback) {
        policyVerdict!.fallback = { sha: policyFallback.sha };
        policyVerdict!.reason = `${policyVerdict!.reason}; its last verified version (commit ${policyFallback.sha.slice(0, 12)}) is planned instead`;
      }
    } else if (policyFallback) {
      policyVerdict!.reason = `${policyVerdict!.reason}; and its last verified version cannot be planned: ${reloaded}`;
    }
  }

  if (set.cab) {
    const v = summarize("cab", set.cab.name, set.cab.file, [
      ...(cabEvidence.length ? [] : [rootEvidence(ctx, rootSha!)]),
      ...cabEvidence,
    ]);
    // The CAB in force is the last approved cab.yaml; a later unapproved edit is reported and not applied.
    if (v.ok && cabEvidence.length === 0) v.reason = `the trusted root ${rootSha!.slice(0, 12)}`;
    record(v);
  }
  if (policyVerdict) record(policyVerdict);
  for (const doc of set.exemptions) record(await verifyFile(ctx, "exemption", doc.name, doc.file, plain));
  // Advisory facts raise urgency (exploited, a higher rating): the CAB reviews them like any policy change.
  for (const doc of set.advisories) record(await verifyFile(ctx, "advisory", doc.name, doc.file, plain));
  for (const doc of set.baselines) record(await verifyFile(ctx, "baseline", doc.name, doc.file, plain));
  for (const doc of set.timetables) record(await verifyFile(ctx, "timetable", doc.name, doc.file, plain));
  for (const r of set.rules) {
    const v = await verifyFile(ctx, "rule", r.name, r.file, plain);
    result.rules.set(r.name, v);
    record(v);
  }
  // Every Update file, whatever its decision: a pending file's supersedes and a rejected file's removal change what runs.
  for (const u of set.updates) {
    const d = effectiveDecision(u.spec, set.rules, now);
    const id = u.spec.id.toUpperCase();
    const rule = d.rule ? result.rules.get(d.rule.name) : undefined;
    if (d.decision === "approved" && d.decidedBy !== "file" && rule && !rule.ok) {
      const v = failed(
        "update",
        id,
        u.file,
        `approved by rule '${d.rule!.name}', but the rule itself was not approved by the CAB: ${rule.reason}`,
      );
      v.decision = d.decision;
      result.updates.set(id, v);
      record(v);
      continue;
    }
    const v = await verifyFile(ctx, "update", id, u.file, updateNeeds(ctx, set, u));
    if (v.ok && d.decision === "approved" && d.decidedBy === "file") await approvalStreak(repo, u.file, v);
    if (v.ok && rule && d.decision === "approved") v.effectiveAt = Math.max(v.effectiveAt ?? 0, rule.effectiveAt ?? 0);
    v.decision = d.decision;
    result.updates.set(id, v);
    record(v);
  }
  for (const a of set.assignments) {
    const v = await verifyFile(ctx, "assignment", a.name, a.file, async (sha, spec) => {
      // Moving an assignment to another owner needs both the old and the new owner team.
      const owners = [
        ...new Set([await ownerAt(repo, sha, a.file), await ownerAt(repo, await chainParent(ctx, sha), a.file)]),
      ]
        .filter((o): o is string => o !== null)
        .sort();
      if (owners.length === 0) return `${a.file} at ${sha.slice(0, 12)} names no owner team`;
      const groups: Requirement[][] = [];
      for (const owner of owners) {
        const team = teamOf(spec, owner);
        if (!team || team.length === 0)
          return `owner team '${owner}' has no members in cab.yaml teams, so its approval cannot be checked`;
        groups.push([{ label: `owner team ${owner}`, members: team, required: 1 }]);
      }
      return { groups, intake: null };
    });
    result.assignments.set(a.file, v);
    record(v);
  }
  await input.cache.save();
  return result;
}

/**
 * What each commit of an Update file needs, judged by what its version says: a decision needs the CAB (or the
 * emergency committee); a catalog entry under an approved rule needs one CAB member, or an intake-only pull request.
 */
function updateNeeds(ctx: KnownContext, set: PolicySet, u: LoadedDoc<UpdateSpec>): NeedsAt {
  const { repo, now } = ctx.input;
  const d = effectiveDecision(u.spec, set.rules, now);
  // The intake shortcut is for catalog entries an approved rule approves, nothing else.
  const underRule = d.decision === "approved" && d.decidedBy !== "file";
  const approved = approvedIdsOf(ctx, set);
  const cab = (spec: ChangeAdvisoryBoardSpec): Needs => ({ groups: [cabRequirements(spec, false)], intake: null });
  return async (sha, spec) => {
    const at = await updateAt(repo, sha, u.file);
    if (at?.decision === "approved") {
      const emergency = effectiveTimeline(at, set.policy!.spec, null) === "emergency";
      return { groups: [cabRequirements(spec, emergency)], intake: null };
    }
    if (at?.decision === "rejected" || !at) return cab(spec);
    // The intake identity's shortcut holds only for a catalog entry under an approved rule whose file is exactly what
    // intake renders from the record it carries: an edited draft needs a CAB member like any other change.
    const committed = ctx.history.commits.get(sha)?.time ?? now;
    const { requirement, beyond } = catalogEntryRequirement(spec, at, set, approved, now, committed);
    // Beyond its rule, an entry is a decision in all but name: the quorum, and no intake shortcut.
    if (beyond.length) return { groups: [[requirement]], intake: null };
    const text = (await fileAt(repo, sha, u.file)) ?? "";
    // The record is checked with the feeds' own grammar and the shortcut's limits (docs/intake.md): its reasons say
    // "the intake shortcut does not cover it: …".
    const replay =
      underRule && spec.intakeIdentity && d.rule
        ? judgeIntakeDraft(text, shortcutContext(set, d.rule.spec, now))
        : null;
    return {
      groups: [[requirement]],
      intake: replay?.ok ? spec.intakeIdentity! : null,
      ...(replay && !replay.ok ? { intakeRefused: { identity: spec.intakeIdentity!, reason: replay.reason } } : {}),
    };
  };
}

/** The approved ids of a set, worked out once per set (the set changes when files are restored). */
function approvedIdsOf(ctx: KnownContext, set: PolicySet): ReadonlySet<string> {
  let ids = ctx.approved.get(set);
  if (!ids) ctx.approved.set(set, (ids = approvedIds(set, ctx.input.now)));
  return ids;
}

/** The upper-case id an Update file's text declares, or "" when it does not parse. */
function updateIdOf(text: string): string {
  const id = (shapeOf(text) as { spec?: { id?: unknown } } | null)?.spec?.id;
  return typeof id === "string" ? id.toUpperCase() : "";
}

/**
 * The newest version of a file whose whole history up to it verified (every commit before the first failing one), as
 * a regular file: what an unverified file falls back to. Null when its first commit already fails.
 */
async function lastVerifiedVersion(
  ctx: KnownContext,
  v: SubjectVerdict,
): Promise<{ sha: string; text: string } | null> {
  const firstBad = v.commits.findIndex((c) => !c.ok);
  if (firstBad < 0) return null;
  for (let i = firstBad - 1; i >= 0; i--) {
    const sha = v.commits[i]!.sha;
    // A version git cannot read is no fallback: the file then blocks, as it did before fallbacks existed.
    const text = await regularFileAt(ctx.input.repo, sha, v.file).catch(() => null);
    if (text !== null) return { sha, text };
  }
  return null;
}

type DocShape = { kind?: unknown; metadata?: { name?: unknown }; spec?: { owner?: unknown } } | null;

function shapeOf(text: string): DocShape {
  try {
    return parseYaml(text) as DocShape;
  } catch {
    return null;
  }
}

const KIND_OF_DOC: Record<string, SubjectKind> = {
  Update: "update",
  Advisory: "advisory",
  ApprovalRule: "rule",
  Assignment: "assignment",
  Baseline: "baseline",
  Exemption: "exemption",
  Timetable: "timetable",
  PatchPolicy: "policy",
  ChangeAdvisoryBoard: "cab",
};

/**
 * Every policy file that is gone at the ref was deleted by a first-parent commit; that commit needs the approval an
 * edit would (the CAB before it, or the owner team for an assignment). Deletions at or before a pinned root are trusted.
 */
async function verifyDeletions(ctx: KnownContext): Promise<DeletionVerdict[]> {
  const { repo, ref } = ctx.input;
  const present = await policyFilesAt(repo, ref);
  const out: DeletionVerdict[] = [];
  const gone = [...ctx.history.byFile.keys()].filter((f) => !present.has(f) && /\.ya?ml$/i.test(f)).sort();
  for (const file of gone) {
    const sha = ctx.history.byFile.get(file)![0]!;
    const idx = ctx.index.get(sha) ?? -1;
    if (idx <= ctx.trustedIndex) continue;
    const parent = await chainParent(ctx, sha);
    let before: string | null;
    try {
      before = parent ? await fileAt(repo, parent, file) : null;
    } catch (err) {
      const detail = `its last version could not be read from git: ${(err as Error).message}`;
      out.push({
        file,
        kind: null,
        name: file,
        sha,
        ok: false,
        reason: `deleted in ${sha.slice(0, 12)}, and ${detail}`,
        evidence: { ...rootEvidence(ctx, sha), ok: false, strength: null, mergedAt: null, detail },
        restored: false,
        restoreText: null,
      });
      continue;
    }
    if (before === null) continue;
    const doc = shapeOf(before);
    const kind = typeof doc?.kind === "string" ? (KIND_OF_DOC[doc.kind] ?? null) : null;
    const name = typeof doc?.metadata?.name === "string" ? doc.metadata.name : file;
    const spec = cabBefore(ctx, idx);
    const owner = kind === "assignment" && typeof doc?.spec?.owner === "string" ? doc.spec.owner : null;
    const team = owner ? teamOf(spec, owner) : undefined;
    const needs: Needs =
      owner && team?.length
        ? { groups: [[{ label: `owner team ${owner}`, members: team, required: 1 }]], intake: null }
        : { groups: [cabRequirements(spec, false)], intake: null };
    const evidence = await checkCommit(ctx, sha, needs);
    out.push({
      file,
      kind,
      name,
      sha,
      ok: evidence.ok,
      reason: evidence.ok
        ? `deleted in ${sha.slice(0, 12)}: ${evidence.detail}`
        : `deleted in ${sha.slice(0, 12)} without approval: ${evidence.detail}`,
      evidence,
      restored: false,
      restoreText: evidence.ok ? null : before,
    });
  }
  return out;
}

function rootEvidence(ctx: Context, sha: string): CommitEvidence {
  const info = ctx.history.commits.get(sha);
  return {
    sha,
    ok: true,
    strength: "root",
    pull: null,
    url: null,
    author: info?.author ?? null,
    approvers: [],
    mergedAt: info ? new Date(info.time).toISOString() : null,
    detail: `the trusted root ${sha.slice(0, 12)}`,
  };
}

function kindOf(kind: string): SubjectKind {
  return KIND_OF_DOC[kind] ?? "policy";
}

/**
 * An approved Update file's approval instant is the merge of the change that set `decision: approved`, not of a later
 * edit (an override after a failed pilot, an exploitation flag): the SLA clock does not restart. The change that added
 * the current `pilot: {override: proceed}` is recorded as the override's evidence.
 */
async function approvalStreak(repo: string, file: string, v: SubjectVerdict): Promise<void> {
  let since: CommitEvidence | null = null;
  let override: CommitEvidence | null = null;
  let reason: string | null = null;
  // v.commits is oldest first: walk back from the newest while the version is still approved (and still overrides).
  let overriding = true;
  for (let i = v.commits.length - 1; i >= 0; i--) {
    const c = v.commits[i]!;
    const at = await updateAt(repo, c.sha, file);
    if (at?.decision !== "approved") break;
    since = c;
    const o = typeof at.pilot === "object" ? at.pilot : null;
    if (overriding && o) {
      override = c;
      reason ??= o.reason;
    } else overriding = false;
  }
  if (since?.mergedAt) v.effectiveAt = Date.parse(since.mergedAt);
  if (override && reason !== null)
    v.override = {
      commit: override.sha,
      pull: override.pull,
      author: override.author,
      approvers: override.approvers,
      at: override.mergedAt,
      reason,
    };
}
