// Rules on approval rules: overlapping rules must agree on what they imply.
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import { ruleMatches } from "../../policy/decision.js";
import type { RuleContext } from "../context.js";

export function approvalRuleAgreement({ set }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const u of set.updates) {
    const matching = set.rules.filter((r) => ruleMatches(r.spec, u.spec));
    for (let i = 1; i < matching.length; i++) {
      const a = matching[0]!;
      const b = matching[i]!;
      if (a.spec.timeline === b.spec.timeline && a.spec.approveAfterDays === b.spec.approveAfterDays) continue;
      const key = `${a.name}|${b.name}`;
      if (reported.has(key)) continue;
      reported.add(key);
      out.push(
        diagnostic(
          "rules-disagree",
          "warning",
          `rules '${a.name}' and '${b.name}' both match ${u.spec.id} but imply different timelines or delays; the first by name wins`,
          b.at(["spec"]),
        ),
      );
    }
  }
  return out;
}
