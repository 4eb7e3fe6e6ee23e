// Rules on the set of documents: required singletons, unique names, unique update ids.
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import type { LoadedDoc } from "../../model/policy-set.js";
import type { RuleContext } from "../context.js";

export function requiredDocuments({ set }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!set.policy)
    out.push(
      diagnostic("missing-document", "error", "policies/policy.yaml (kind PatchPolicy) is missing", {
        file: "policies/policy.yaml",
      }),
    );
  if (!set.cab)
    out.push(
      diagnostic("missing-document", "error", "policies/cab.yaml (kind ChangeAdvisoryBoard) is missing", {
        file: "policies/cab.yaml",
      }),
    );
  return out;
}

export function uniqueNames({ set }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const groups: LoadedDoc<unknown>[][] = [
    set.updates,
    set.advisories,
    set.rules,
    set.exemptions,
    set.baselines,
    set.timetables,
    set.assignments,
  ];
  for (const docs of groups) {
    const seen = new Map<string, string>();
    for (const d of docs) {
      const first = seen.get(d.name);
      if (first)
        out.push(
          diagnostic(
            "duplicate-name",
            "error",
            `${d.kind} '${d.name}' is also defined in ${first}`,
            d.at(["metadata", "name"]),
          ),
        );
      else seen.set(d.name, d.file);
    }
  }
  const ids = new Map<string, string>();
  for (const u of set.updates) {
    const key = u.spec.id.toUpperCase();
    const first = ids.get(key);
    if (first)
      out.push(
        diagnostic(
          "duplicate-update-id",
          "error",
          `update ${u.spec.id} is also described by ${first}`,
          u.at(["spec", "id"]),
        ),
      );
    else ids.set(key, u.file);
  }
  return out;
}
