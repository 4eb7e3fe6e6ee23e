// Rules on timetables: a real zone, usable recurring windows, and an emergency timeline within the SLA.
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import { emergencyHours } from "../../schedule/emergency.js";
import { recurrenceProblem } from "../../schedule/recurring.js";
import { isValidZone } from "../../schedule/wall-clock.js";
import type { RuleContext } from "../context.js";

export function timetableRules({ set }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const slaHours = set.policy?.spec.sla.emergencyHours ?? 24;
  for (const t of set.timetables) {
    if (!isValidZone(t.spec.timeZone)) {
      out.push(
        diagnostic(
          "invalid-time-zone",
          "error",
          `timeZone '${t.spec.timeZone}' is not an IANA time zone (e.g. Europe/Dublin)`,
          t.at(["spec", "timeZone"]),
        ),
      );
    }
    t.spec.windows.forEach((w, i) => {
      const problem = recurrenceProblem(w);
      if (problem)
        out.push(
          diagnostic("invalid-recurrence", "error", `window '${w.name}': ${problem}`, t.at(["spec", "windows", i])),
        );
    });
    if (!t.spec.cycle && t.spec.windows.length === 0) {
      out.push(
        diagnostic(
          "schema",
          "error",
          `timetable '${t.name}' needs a cycle or at least one recurring window`,
          t.at(["spec"]),
        ),
      );
    }
    // One hour of waiting for the first full hour, then the periods and the follow-up.
    const total = emergencyHours(t.spec) + 1;
    if (total > slaHours) {
      out.push(
        diagnostic(
          "emergency-sla",
          "error",
          `the emergency timeline of '${t.name}' takes up to ${total} hours, beyond sla.emergencyHours (${slaHours})`,
          t.at(["spec", "emergency"]),
        ),
      );
    }
  }
  return out;
}
