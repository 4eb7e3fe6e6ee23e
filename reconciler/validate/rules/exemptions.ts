// Rules on exemptions: a target, and an expiry that is neither past nor too far ahead.
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import type { RuleContext } from "../context.js";
import { exemptionEnd } from "../../policy/exemptions.js";

const DAY = 86_400_000;

export function exemptionRules({ set, now }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const maxDays = set.policy?.spec.exemptions.maxDays ?? 90;
  for (const e of set.exemptions) {
    if (!e.spec.hosts?.length && !e.spec.selector) {
      out.push(
        diagnostic(
          "exemption-no-target",
          "error",
          `exemption '${e.name}' names neither hosts nor a selector`,
          e.at(["spec"]),
        ),
      );
    }
    const end = exemptionEnd(e.spec.expires);
    if (end <= now) {
      out.push(
        diagnostic(
          "exemption-expired",
          "warning",
          `exemption '${e.name}' expired on ${e.spec.expires} and no longer applies`,
          e.at(["spec", "expires"]),
        ),
      );
    } else if (end - now > (maxDays + 1) * DAY) {
      out.push(
        diagnostic(
          "exemption-too-long",
          "error",
          `exemption '${e.name}' expires ${e.spec.expires}, more than exemptions.maxDays (${maxDays}) ahead`,
          e.at(["spec", "expires"]),
        ),
      );
    }
  }
  return out;
}
