// Rules on assignment selectors: every period a selector may give exists, and an assignment assigns something.
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import { timetablePeriods } from "../../schedule/periods.js";
import type { RuleContext } from "../context.js";
import { timetablesByName } from "../../policy/timetables.js";

export function assignmentSelectors({ set }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const timetables = timetablesByName(set);
  for (const a of set.assignments) {
    if (a.spec.hosts.length === 0 && a.spec.selectors.length === 0)
      out.push(
        diagnostic("assignment-empty", "error", `assignment ${a.name} has no hosts and no selectors`, a.at(["spec"])),
      );
    const tt = timetables.get(a.spec.timetable);
    if (!tt) continue;
    const periods = timetablePeriods(tt.spec);
    a.spec.selectors.forEach((s, i) =>
      s.periods.forEach((p, j) => {
        if (!periods.has(p))
          out.push(
            diagnostic(
              "unknown-period",
              "error",
              `period '${p}' of selector ${i + 1} is not in timetable '${a.spec.timetable}'`,
              a.at(["spec", "selectors", i, "periods", j]),
            ),
          );
      }),
    );
  }
  return out;
}
