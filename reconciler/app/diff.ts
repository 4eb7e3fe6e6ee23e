// The diff use case: plan a change's base and head against one inventory read, each policy read and validated once,
// and compare them as data (with the pull request's approval judgement when asked).
import type { Diagnostic } from "../diagnostics.js";
import { gitAt } from "../git/git.js";
import type { GithubClient } from "../github/client.js";
import type { PolicySet } from "../model/policy-set.js";
import type { Inventory } from "../inventory/host-record.js";
import { reconcile } from "../plan/reconcile.js";
import { selectorCounts } from "../plan/targeting.js";
import { inventoryFacts } from "../report/plan-diff.js";
import { diffPolicies, type DiffContext, type PolicyDiff } from "../report/policy-diff.js";
import { validateSource } from "../validate/validate.js";
import { loadPlanInputs, readPlanInventory } from "./plan-inputs.js";
import { judgePullRequest } from "./approvals.js";
import { policySourceFor } from "./policy-source.js";
import { openReviewCache } from "./review-cache.js";

export interface DiffRequest {
  repo: string;
  base: string;
  head: string;
  inventory: string[];
  inventoryFormat?: string;
  scannedAt?: string;
  now: number;
  /** The pull request to judge, with the client to read its reviews (null client: said in the result). */
  pr: { number: number; github: GithubClient | null; cabRoot: string | null; cacheDir?: string } | null;
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
    approvals: head.input && r.pr ? await judge(r, r.pr, head.input.set) : null,
  };
  return {
    ok: true,
    diff: diffPolicies(baseSide, headSide, r.now, headChecked.diagnostics, context),
    headValid: !!head.input,
  };
}

/**
 * The same judgement `approvals --pr` makes (app/approvals.ts: the CAB verified at the merge base); an unreachable
 * GitHub costs the comment its approval line only.
 */
async function judge(
  r: DiffRequest,
  pr: NonNullable<DiffRequest["pr"]>,
  set: PolicySet,
): Promise<DiffContext["approvals"]> {
  if (!pr.github) return { error: "no GITHUB_TOKEN or repository to read the reviews from" };
  try {
    const head = (await gitAt(r.repo).revparse([`${r.head}^{commit}`])).trim();
    const judged = await judgePullRequest({
      repo: r.repo,
      head,
      set,
      github: pr.github,
      number: pr.number,
      base: r.base,
      cache: await openReviewCache(r.repo, pr.cacheDir, pr.github, () => {}),
      cabRoot: pr.cabRoot,
    });
    return judged.verdict;
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
