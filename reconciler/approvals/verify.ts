// Verifies that every approved change was approved by the CAB (or the owner team): git history plus pull-request reviews.
import { decisionCommits } from "../git/decision-times.js";
import { approvedByTrailers, landingCommit, policyHistory, type PolicyHistory } from "../git/history.js";
import type { GithubClient } from "../github/client.js";
import type { PolicySet } from "../load/policy-set.js";
import { effectiveDecision, effectiveTimeline } from "../policy/decision.js";
import type { ReviewCache, CachedPull } from "./cache.js";
import { approversOf, judge, type Requirement } from "./judge.js";

export interface CommitEvidence {
  sha: string;
  ok: boolean;
  strength: "github" | "trailer" | null;
  pull: number | null;
  url: string | null;
  author: string | null;
  approvers: string[];
  mergedAt: string | null;
  detail: string;
}

export interface SubjectVerdict {
  kind: "update" | "rule" | "assignment";
  name: string;
  file: string;
  ok: boolean;
  strength: "github" | "trailer" | null;
  reason: string;
  commits: CommitEvidence[];
  /** When the approval took effect: the newest merge among the verified commits. */
  effectiveAt: number | null;
}

export interface VerificationResult {
  updates: Map<string, SubjectVerdict>;
  rules: Map<string, SubjectVerdict>;
  assignments: Map<string, SubjectVerdict>;
}

export interface VerifyInput {
  repo: string;
  ref: string;
  set: PolicySet;
  now: number;
  github: GithubClient | null;
  trustLocal: boolean;
  cache: ReviewCache;
}

function cabRequirements(set: PolicySet, emergency: boolean): Requirement[] {
  const cab = set.cab!.spec;
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

async function pullsFor(input: VerifyInput, sha: string): Promise<CachedPull[]> {
  const hit = input.cache.get(sha);
  if (hit) return hit;
  const gh = input.github!;
  const pulls = (await gh.pullsForCommit(sha)).filter((p) => p.mergedAt);
  const full: CachedPull[] = [];
  for (const p of pulls) full.push({ ...p, reviews: await gh.reviews(p.number) });
  input.cache.set(sha, full);
  return full;
}

/** Checks one commit against the requirements: GitHub reviews first, then (if trusted) trailers. */
async function checkCommit(
  input: VerifyInput,
  history: PolicyHistory,
  sha: string,
  reqs: Requirement[],
  authorMayBe?: string,
): Promise<CommitEvidence> {
  const info = history.commits.get(sha);
  const failures: string[] = [];
  if (input.github) {
    try {
      const pulls = await pullsFor(input, sha);
      if (pulls.length === 0)
        failures.push(`commit ${sha.slice(0, 12)} is in no merged pull request (pushed without review?)`);
      for (const p of pulls) {
        if (authorMayBe && p.author.toLowerCase() === authorMayBe.toLowerCase()) {
          return {
            sha,
            ok: true,
            strength: "github",
            pull: p.number,
            url: p.url,
            author: p.author,
            approvers: [],
            mergedAt: p.mergedAt,
            detail: `opened by ${p.author} (the intake identity)`,
          };
        }
        const approvers = approversOf(p.reviews, p.author);
        const j = judge(approvers, reqs);
        if (j.ok)
          return {
            sha,
            ok: true,
            strength: "github",
            pull: p.number,
            url: p.url,
            author: p.author,
            approvers: j.counted,
            mergedAt: p.mergedAt,
            detail: `PR #${p.number} by ${p.author}: ${j.detail}`,
          };
        failures.push(`PR #${p.number} by ${p.author}: ${j.detail}`);
      }
    } catch (err) {
      failures.push((err as Error).message);
    }
  } else if (!input.trustLocal) {
    failures.push("GitHub is not configured (GITHUB_TOKEN and GITHUB_REPOSITORY), so no review can be checked");
  }
  if (input.trustLocal && info) {
    const landing = await landingCommit(input.repo, history, sha, input.ref);
    const message = `${info.body}\n${history.commits.get(landing)?.body ?? (landing === sha ? "" : await bodyOf(input.repo, landing))}`;
    const author = info.author;
    const local = info.email.split("@")[0] ?? "";
    const approvers = approvedByTrailers(message).filter(
      (a) => a.toLowerCase() !== author.toLowerCase() && a.toLowerCase() !== local.toLowerCase(),
    );
    const j = judge(approvers, reqs);
    if (j.ok) {
      return {
        sha,
        ok: true,
        strength: "trailer",
        pull: null,
        url: null,
        author,
        approvers: j.counted,
        mergedAt: new Date(history.commits.get(landing)?.time ?? info.time).toISOString(),
        detail: `Approved-by trailers on ${landing.slice(0, 12)}: ${j.detail} (weaker evidence: trailers are not reviews)`,
      };
    }
    failures.push(`Approved-by trailers on ${landing.slice(0, 12)}: ${j.detail}`);
  }
  return {
    sha,
    ok: false,
    strength: null,
    pull: null,
    url: null,
    author: info?.author ?? null,
    approvers: [],
    mergedAt: null,
    detail: failures.join("; "),
  };
}

async function bodyOf(repo: string, sha: string): Promise<string> {
  const { simpleGit } = await import("simple-git");
  return simpleGit(repo).raw(["show", "-s", "--format=%B", sha]);
}

function verdict(
  kind: SubjectVerdict["kind"],
  name: string,
  file: string,
  commits: CommitEvidence[],
  missing?: string,
): SubjectVerdict {
  if (missing) return { kind, name, file, ok: false, strength: null, reason: missing, commits, effectiveAt: null };
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

export async function verifyApprovals(input: VerifyInput): Promise<VerificationResult> {
  const { set, repo, ref, now } = input;
  const history = await policyHistory(repo, ref);
  const decisions = await decisionCommits(repo, ref);
  const result: VerificationResult = { updates: new Map(), rules: new Map(), assignments: new Map() };
  const newest = (file: string) => history.byFile.get(file)?.[0];

  for (const r of set.rules) {
    const sha = newest(r.file);
    const commits = sha ? [await checkCommit(input, history, sha, cabRequirements(set, false))] : [];
    result.rules.set(r.name, verdict("rule", r.name, r.file, commits, sha ? undefined : `${r.file} is not committed`));
  }
  for (const u of set.updates) {
    const d = effectiveDecision(u.spec, set.rules, now);
    if (d.decision !== "approved") continue;
    const id = u.spec.id.toUpperCase();
    const head = newest(u.file);
    if (!head) {
      result.updates.set(id, verdict("update", id, u.file, [], `${u.file} is not committed`));
      continue;
    }
    if (d.decidedBy === "file") {
      const emergency = effectiveTimeline(u.spec, set.policy!.spec, null) === "emergency";
      const reqs = cabRequirements(set, emergency);
      const shas = [...new Set([decisions.get(u.file)?.commit, head].filter((x): x is string => !!x))];
      const commits: CommitEvidence[] = [];
      for (const sha of shas) commits.push(await checkCommit(input, history, sha, reqs));
      result.updates.set(id, verdict("update", id, u.file, commits));
    } else {
      const rule = result.rules.get(d.rule!.name)!;
      if (!rule.ok) {
        result.updates.set(
          id,
          verdict(
            "update",
            id,
            u.file,
            [],
            `approved by rule '${d.rule!.name}', but the rule itself was not approved by the CAB: ${rule.reason}`,
          ),
        );
        continue;
      }
      // Under a rule, the catalog entry itself still needs one CAB member, or the intake bot as its author.
      const reqs: Requirement[] = [{ label: "one CAB member", members: set.cab!.spec.members, required: 1 }];
      const commits = [await checkCommit(input, history, head, reqs, set.cab!.spec.intakeIdentity)];
      const v = verdict("update", id, u.file, commits);
      // The approval takes effect when both the rule and the catalog entry are merged.
      if (v.ok) v.effectiveAt = Math.max(v.effectiveAt ?? 0, rule.effectiveAt ?? 0);
      result.updates.set(id, v);
    }
  }
  for (const a of set.assignments) {
    const sha = newest(a.file);
    const team = set.cab!.spec.teams[a.spec.owner];
    if (!sha) {
      result.assignments.set(a.file, verdict("assignment", a.name, a.file, [], `${a.file} is not committed`));
      continue;
    }
    if (!team || team.length === 0) {
      result.assignments.set(
        a.file,
        verdict(
          "assignment",
          a.name,
          a.file,
          [],
          `owner team '${a.spec.owner}' has no members in cab.yaml teams, so its approval cannot be checked`,
        ),
      );
      continue;
    }
    const commits = [
      await checkCommit(input, history, sha, [{ label: `owner team ${a.spec.owner}`, members: team, required: 1 }]),
    ];
    result.assignments.set(a.file, verdict("assignment", a.name, a.file, commits));
  }
  await input.cache.save();
  return result;
}
