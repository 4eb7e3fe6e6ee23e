// Rules on single updates: severity present, RFC complete for emergencies, no TODO left, supersedence sanity.
import { pushTo } from "../../multimap.js";
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import { RfcAnswers } from "../../model/update.js";
import { effectiveTimeline } from "../../policy/decision.js";
import type { RuleContext } from "../context.js";

const RFC_FIELDS = Object.keys(RfcAnswers.shape) as (keyof typeof RfcAnswers.shape)[];

export function updateContent({ set }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const policy = set.policy?.spec;
  const approvedSupersedersOf = new Map<string, string[]>();
  for (const u of set.updates) {
    if (u.spec.decision !== "approved") continue;
    for (const id of u.spec.supersedes) {
      const key = id.toUpperCase();
      pushTo(approvedSupersedersOf, key, u.spec.id);
    }
  }
  for (const u of set.updates) {
    const s = u.spec;
    if (s.classification === "security" && !s.severity) {
      out.push(
        diagnostic(
          "missing-severity",
          "error",
          `${s.id} is a security update without a severity (critical, important, moderate or low)`,
          u.at(["spec", "classification"]),
        ),
      );
    }
    for (const f of RFC_FIELDS) {
      const v = s.rfc?.[f];
      if (typeof v === "string" && /\bTODO\b/.test(v)) {
        out.push(diagnostic("rfc-todo", "error", `spec.rfc.${f} of ${s.id} still says TODO`, u.at(["spec", "rfc", f])));
      }
    }
    if (s.decision === "approved" && policy && effectiveTimeline(s, policy, null) === "emergency") {
      const missing = RFC_FIELDS.filter((f) => s.rfc?.[f] === undefined);
      if (missing.length > 0) {
        out.push(
          diagnostic(
            "rfc-incomplete",
            "error",
            `${s.id} is approved on the emergency timeline but its RFC lacks: ${missing.join(", ")}`,
            u.at(s.rfc ? ["spec", "rfc"] : ["spec"]),
          ),
        );
      }
    }
    if (s.decision === "approved") {
      for (const other of approvedSupersedersOf.get(s.id.toUpperCase()) ?? []) {
        out.push(
          diagnostic(
            "superseded-approved",
            "warning",
            `${s.id} is approved but superseded by approved ${other}; only ${other} is deployed`,
            u.at(["spec", "decision"]),
          ),
        );
      }
    }
  }
  return out;
}
