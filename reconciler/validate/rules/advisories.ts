// Advisory files hold facts for updates only agents report: one that plan would not read is said, never ignored silently.
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import { compareText } from "../../order.js";
import type { RuleContext } from "../context.js";

export function advisoriesRead({ set, updatesById }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const first = new Map<string, string>();
  for (const a of [...set.advisories].sort((x, y) => compareText(x.file, y.file))) {
    const id = a.spec.id.toUpperCase();
    const update = updatesById.get(id);
    const earlier = first.get(id);
    if (update)
      out.push(
        diagnostic(
          "advisory-ignored",
          "warning",
          `${a.spec.id} has an Update file (${update.file}): plan reads that file's cves, severity and exploited, not ${a.file}`,
          a.at(["spec", "id"]),
        ),
      );
    else if (earlier)
      out.push(
        diagnostic(
          "advisory-ignored",
          "warning",
          `${a.spec.id} already has its facts in ${earlier}: plan reads that file, not ${a.file}`,
          a.at(["spec", "id"]),
        ),
      );
    if (!earlier) first.set(id, a.file);
  }
  return out;
}
