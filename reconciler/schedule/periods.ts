// The names a host's `period` may take in a timetable, and the standard day each belongs to.
import type { TimetableSpec } from "../model/timetable.js";
import { periodNames } from "./cycle.js";

const cache = new WeakMap<TimetableSpec, Map<string, number | null>>();

/** Period name → standard day (1-based), or null for a recurring window. */
export function timetablePeriods(spec: TimetableSpec): Map<string, number | null> {
  let m = cache.get(spec);
  if (!m) {
    m = new Map();
    if (spec.cycle) for (const p of periodNames(spec.cycle)) m.set(p.name, p.day);
    for (const w of spec.windows) m.set(w.name, null);
    cache.set(spec, m);
  }
  return m;
}

export function periodDay(spec: TimetableSpec, period: string): number | null {
  return timetablePeriods(spec).get(period) ?? null;
}

/** The emergency period (1-based) that takes a host of this period. */
export function emergencyPeriodOf(spec: TimetableSpec, period: string): number {
  const day = periodDay(spec, period);
  if (day !== null) return day;
  return spec.windows.find((w) => w.name === period)?.emergencyPeriod ?? 1;
}
