// The exposure use case: from the inventory (plan in memory, judge each host's evidence), or from a written plan set
// (its exposure.ndjson, which the plan run judged from every state it measured).
import type { Diagnostic } from "../diagnostics.js";
import { UsageError } from "../errors.js";
import { loadPolicySet } from "../load/policy-set.js";
import { PlanReader } from "../output/plan-reader.js";
import { exposureOf, type Exposure } from "../plan/exposure.js";
import { reconcile } from "../plan/reconcile.js";
import { exposureOfPlan } from "../report/plan-exposure.js";
import { updateInfoOf } from "../report/update-info.js";
import { loadPlanInputs, type PlanInputOptions } from "./plan-inputs.js";
import { policySourceFor } from "./policy-source.js";

export interface ExposureResult {
  exposure?: Exposure;
  policyErrors: Diagnostic[];
}

export async function exposureNow(o: PlanInputOptions & { cve: string | null }): Promise<ExposureResult> {
  const loaded = await loadPlanInputs({ ...o, summaries: true });
  if (!loaded.input) return { policyErrors: loaded.policyErrors };
  try {
    const result = reconcile(loaded.input);
    return {
      exposure: exposureOf({
        now: loaded.input.now,
        catalog: result.catalog,
        hosts: result.hosts,
        inventory: loaded.input.inventory,
        cve: o.cve,
      }),
      policyErrors: [],
    };
  } finally {
    loaded.input.inventory.dispose?.();
  }
}

/**
 * Exposure as a written plan judged it: the policy at `repo` (`ref`) names each exploited update's CVEs and sources.
 * A compact plan written before exposure.ndjson existed is refused (its lines cannot tell who is exposed).
 */
export async function exposureOfPlanDir(o: {
  plan: string;
  repo: string;
  ref?: string;
  cve: string | null;
}): Promise<Exposure> {
  const reader = await PlanReader.open(o.plan);
  try {
    const { set } = await loadPolicySet(await policySourceFor(o.repo, o.ref));
    const x = exposureOfPlan(
      reader.plan,
      { hosts: () => reader.hosts(), ...(reader.hasExposure ? { exposure: () => reader.exposure()! } : {}) },
      updateInfoOf(set),
      { cve: o.cve, unscanned: true },
    );
    if (!x)
      throw new UsageError(
        `${o.plan} is a compact plan without exposure.ndjson (written before patchops wrote one): run \`patchops plan\` again, or pass --inventory`,
      );
    return x;
  } finally {
    await reader.close();
  }
}
