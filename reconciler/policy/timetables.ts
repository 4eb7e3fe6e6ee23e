// Which timetable an assignment names: the one lookup from assignment to timetable, for the plan and the validator.
import type { LoadedDoc, PolicySet } from "../model/policy-set.js";
import type { TimetableSpec } from "../model/timetable.js";

/** The policy's timetables by name (an assignment's `spec.timetable`). */
export function timetablesByName(set: PolicySet): Map<string, LoadedDoc<TimetableSpec>> {
  return new Map(set.timetables.map((t) => [t.name, t]));
}
