// Runs every cross-file rule over a loaded policy set and returns sorted diagnostics.
import { diagnostic, sortDiagnostics, type Diagnostic } from "../diagnostics.js";
import { CODEOWNERS_PATH, codeowners } from "../policy/codeowners.js";
import type { PolicySet } from "../model/policy-set.js";
import { loadPolicySet } from "../load/policy-set.js";
import type { PolicySource } from "../load/source.js";
import { ruleContext, type RuleContext } from "./context.js";
import { advisoriesRead } from "./rules/advisories.js";
import { assignmentsResolve } from "./rules/assignments.js";
import { clusterWindows } from "./rules/cluster-windows.js";
import { requiredDocuments, uniqueNames } from "./rules/documents.js";
import { exemptionRules } from "./rules/exemptions.js";
import { noCycles, updateReferences } from "./rules/references.js";
import { approvalRuleAgreement } from "./rules/rules.js";
import { assignmentSelectors, selectorOverlaps } from "./rules/selectors.js";
import { timetableRules } from "./rules/timetables.js";
import { updateContent } from "./rules/updates.js";

export const CROSS_FILE_RULES: readonly ((ctx: RuleContext) => Diagnostic[])[] = [
  requiredDocuments,
  uniqueNames,
  assignmentsResolve,
  assignmentSelectors,
  selectorOverlaps,
  clusterWindows,
  updateReferences,
  noCycles,
  updateContent,
  exemptionRules,
  timetableRules,
  approvalRuleAgreement,
  advisoriesRead,
];

export function crossFileDiagnostics(set: PolicySet, now: number): Diagnostic[] {
  const ctx = ruleContext(set, now);
  return CROSS_FILE_RULES.flatMap((rule) => rule(ctx));
}

/**
 * Loads a source and checks everything: syntax, schema and cross-file rules. `validated` is the digest of a policy
 * known to pass the cross-file rules at `now` (a written plan's, planned for the same instant): when the files read
 * have that digest, those rules are not run again.
 */
export async function validateSource(
  source: PolicySource,
  now: number,
  validated?: string,
): Promise<{ set: PolicySet; diagnostics: Diagnostic[] }> {
  const loaded = await loadPolicySet(source);
  const again = loaded.set.source.digest !== validated;
  const diagnostics = [...loaded.diagnostics, ...(again ? crossFileDiagnostics(loaded.set, now) : [])];
  if (loaded.set.cab) {
    const current = await source.readExtra(CODEOWNERS_PATH);
    if (current !== null && current !== codeowners(loaded.set)) {
      diagnostics.push(
        diagnostic(
          "codeowners-stale",
          "error",
          `${CODEOWNERS_PATH} does not match cab.yaml and the assignments; run patchops codeowners --write`,
          { file: CODEOWNERS_PATH, line: 1, column: 1 },
        ),
      );
    }
  }
  return { set: loaded.set, diagnostics: sortDiagnostics(diagnostics) };
}

/**
 * The policy's diagnostics as `plan` (and everything that plans) weighs them. A cluster overlap never stops the fleet:
 * the plan's cluster safety holds the later node's job in the windows it actually plans (cluster-held) and plans
 * everyone else, emergencies included, so the overlap is reported as a warning there.
 */
export function atPlanTime(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) =>
    d.code === "cluster-overlap" && d.severity === "error"
      ? {
          ...d,
          severity: "warning",
          message: `${d.message} (at plan time the later node's overlapping job is held; everything else is planned)`,
        }
      : d,
  );
}
