// The diff use case: plan a change's base and head against one inventory read, each policy read and validated once,
// and compare them as data (with the pull request's approval judgement when asked).
import { simpleGit } from "simple-git";
import { changedFiles, verifyPullRequest } from "../approvals/pull-request.js";
import type { Diagnostic } from "../diagnostics.js";
import type { GithubClient } from "../github/client.js";
import type { PolicySet } from "../load/policy-set.js";
import type { Inventory } from "../inventory/host-record.js";
import { reconcile } from "../plan/reconcile.js";
import { selectorCounts } from "../plan/targeting.js";
import { inventoryFacts } from "../report/plan-diff.js";
import { diffPolicies, type DiffContext, type PolicyDiff } from "../report/policy-diff.js";
import { validateSource } from "../validate/validate.js";
import { loadPlanInputs, readPlanInventory } from "./plan-inputs.js";
import { policySourceFor } from "./policy-source.js";

export interface DiffRequest {
  repo: string;
  base: string;
  head: string;
  inventory: string[];
  inventoryFormat?: string;
  scannedAt?: string;
  now: number;
  /** The pull request to judge, with the client to read its reviews (null client: said in the result). */
  pr: { number: number; github: GithubClient | null } | null;
}

export type DiffOutcome =
  | { ok: false; baseErrors: Diagnostic[] }
  | { ok: true; diff: PolicyDiff; /** False when the head policy is invalid: it must not merge. */ headValid: boolean };

export async function diffChange(r: DiffRequest): Promise<DiffOutcome> {
  const inventory = await readPlanInventory(r);
  const common = { ...r, verifyApprovals: false };
  const baseSource = await policySourceFor(r.repo, r.base);
  const base = await loadPlanInputs(
    { ...common, ref: r.base },
    { inventory, policy: { source: baseSource, ...(await validateSource(baseSource, r.now)) } },
  );
  if (!base.input) return { ok: false, baseErrors: base.policyErrors };
  const headSource = await policySourceFor(r.repo, r.head);
  const headChecked = await validateSource(headSource, r.now);
  const head = await loadPlanInputs(
    { ...common, ref: r.head },
    { inventory, policy: { source: headSource, ...headChecked } },
  );
  const baseSide = { label: r.base, set: base.input.set, result: reconcile(base.input) };
  // An invalid head still gets a comment: the verdict says it must not merge.
  const headSide = head.input
    ? { label: r.head, set: head.input.set, result: reconcile(head.input) }
    : { ...baseSide, label: r.head };
  const context: DiffContext = {
    inventory: {
      files: r.inventory,
      facts: inventoryFacts(inventory.inventory.records.values(), inventory.inventory.malformed.size, r.now),
    },
    selectorMatches: head.input ? selectorMatchRows(base.input.set, head.input.set, inventory.inventory) : [],
    approvals: head.input && r.pr ? await judgePullRequest(r, r.pr, base.input.set, head.input.set) : null,
  };
  return {
    ok: true,
    diff: diffPolicies(baseSide, headSide, r.now, headChecked.diagnostics, context),
    headValid: !!head.input,
  };
}

/**
 * The same judgement `approvals --pr` makes (verifyPullRequest), judged by the CAB and owner teams of the base policy
 * (the pull request cannot change who judges it); an unreachable GitHub costs the comment its approval line only.
 */
async function judgePullRequest(
  r: DiffRequest,
  pr: NonNullable<DiffRequest["pr"]>,
  baseSet: PolicySet,
  set: PolicySet,
): Promise<DiffContext["approvals"]> {
  if (!pr.github) return { error: "no GITHUB_TOKEN or repository to read the reviews from" };
  if (!baseSet.cab) return { error: `no CAB file at ${r.base} to judge the pull request by` };
  try {
    const pull = await pr.github.pull(pr.number);
    const files = await changedFiles(r.repo, r.base, r.head);
    const headSha = (await simpleGit(r.repo).revparse([`${r.head}^{commit}`])).trim();
    const baseOwners = new Map(baseSet.assignments.map((a) => [a.file, a.spec.owner] as const));
    return await verifyPullRequest({
      repo: r.repo,
      set,
      cab: baseSet.cab.spec,
      files,
      github: pr.github,
      pr: pr.number,
      author: pull.author,
      headSha,
      baseOwners,
    });
  } catch (err) {
    return { error: (err as Error).message.split("\n")[0]! };
  }
}

/** Hosts each head selector matches in the inventory, beside what the same selector matched at the base. */
function selectorMatchRows(
  baseSet: PolicySet,
  headSet: PolicySet,
  inventory: Inventory,
): NonNullable<DiffContext["selectorMatches"]> {
  const before = new Map(selectorCounts(baseSet, inventory).map((c) => [`${c.file}#${c.selector}`, c.hosts]));
  return selectorCounts(headSet, inventory).map((c) => ({
    subject: `${c.file} selector ${c.selector + 1}`,
    hosts: c.hosts,
    before: before.get(`${c.file}#${c.selector}`) ?? null,
  }));
}
