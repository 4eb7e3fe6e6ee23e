// What every cross-file rule receives: the policy set, indexes over it, and the instant to judge dates at.
import type { LoadedDoc, PolicySet } from "../model/policy-set.js";
import type { UpdateSpec } from "../model/update.js";

export interface RuleContext {
  set: PolicySet;
  now: number;
  updatesById: Map<string, LoadedDoc<UpdateSpec>>;
}

export function ruleContext(set: PolicySet, now: number): RuleContext {
  const updatesById = new Map<string, LoadedDoc<UpdateSpec>>();
  for (const u of set.updates)
    if (!updatesById.has(u.spec.id.toUpperCase())) updatesById.set(u.spec.id.toUpperCase(), u);
  return { set, now, updatesById };
}
