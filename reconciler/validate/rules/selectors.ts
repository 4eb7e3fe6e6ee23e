// Rules on assignment selectors: every period a selector may give exists, an assignment assigns something, and no
// two owner teams' selectors can pick the same host.
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import { timetablePeriods } from "../../schedule/periods.js";
import type { RuleContext } from "../context.js";
import { timetablesByName } from "../../policy/timetables.js";
import type { HostSelector } from "../../model/assignment.js";
import { globsIntersect } from "../../inventory/host-glob.js";
import { compareText } from "../../order.js";

/**
 * Whether one scanned host could satisfy both selectors: every condition both give must agree (host-name patterns
 * intersect, the same OS family, OS name, role and label values). OS version ranges are taken to meet (conservative).
 */
function couldBothMatch(a: HostSelector["match"], b: HostSelector["match"]): boolean {
  if (a.name !== undefined && b.name !== undefined && !globsIntersect(a.name, b.name)) return false;
  if (a.os !== undefined && b.os !== undefined && a.os !== b.os) return false;
  if (a.osName !== undefined && b.osName !== undefined && a.osName.toLowerCase() !== b.osName.toLowerCase())
    return false;
  if (a.role !== undefined && b.role !== undefined && a.role !== b.role) return false;
  for (const [k, v] of Object.entries(a.labels ?? {})) {
    const other = b.labels?.[k];
    if (other !== undefined && other !== v) return false;
  }
  return true;
}

/**
 * Selectors of different owner teams that could pick the same host: the first file by name would take the other
 * team's hosts (its window, its digests) without that team's approval (review M4), so it is an error naming both.
 */
export function selectorOverlaps({ set }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const files = [...set.assignments]
    .filter((a) => a.spec.selectors.length > 0)
    .sort((x, y) => compareText(x.file, y.file));
  for (let i = 0; i < files.length; i++)
    for (let k = i + 1; k < files.length; k++) {
      const a = files[i]!;
      const b = files[k]!;
      if (a.spec.owner === b.spec.owner) continue;
      a.spec.selectors.forEach((sa, ia) =>
        b.spec.selectors.forEach((sb, ib) => {
          if (!couldBothMatch(sa.match, sb.match)) return;
          out.push(
            diagnostic(
              "selector-overlap",
              "error",
              `selector ${ib + 1} of ${b.file} (owner ${b.spec.owner}) and selector ${ia + 1} of ${a.file} (owner ${a.spec.owner}) can match the same host (${describe(sb.match)} / ${describe(sa.match)}); ${a.file} would take it: narrow one of them, or name such hosts explicitly`,
              b.at(["spec", "selectors", ib, "match"]),
            ),
          );
        }),
      );
    }
  return out;
}

function describe(m: HostSelector["match"]): string {
  return JSON.stringify(m);
}

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
