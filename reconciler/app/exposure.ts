// The exposure use case: read the policy and inventory as plan does, plan in memory, and judge exposure from it.
import type { Diagnostic } from "../diagnostics.js";
import { exposureOf, type Exposure } from "../plan/exposure.js";
import { reconcile } from "../plan/reconcile.js";
import { loadPlanInputs, type PlanInputOptions } from "./plan-inputs.js";

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
