// A baseline requirement deploys only through an approved Update file: requirements on anything else are findings.
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { PolicySet } from "../model/policy-set.js";
import type { CatalogEntry } from "./catalog.js";

export function baselineRequirementFindings(set: PolicySet, catalog: ReadonlyMap<string, CatalogEntry>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const b of set.baselines) {
    b.spec.requiredUpdates.forEach((raw, i) => {
      const e = catalog.get(raw.toUpperCase());
      const state = !e?.doc ? "has no Update file" : e.decision === "approved" ? null : `is ${e.decision}`;
      if (!state) return;
      out.push(
        diagnostic(
          "baseline-requirement-unapproved",
          "warning",
          `baseline ${b.name} requires ${raw.toUpperCase()}, which ${state}: it deploys nothing until an Update file approves it`,
          b.at(["spec", "requiredUpdates", i]),
        ),
      );
    });
  }
  return out;
}
