// The emergency timeline: one-hour periods from the first full local hour after approval, then follow-up.
import type { TimetableSpec } from "../model/timetable.js";
import type { Window } from "./cycle.js";
import { wallTimeOf } from "./wall-clock.js";

export interface EmergencyTimeline {
  start: number;
  /** periods[k-1] holds the hosts whose standard period is on day k. */
  periods: Window[];
  followUp: Window;
  end: number;
}

const HOUR = 3_600_000;

/** How many emergency periods a timetable has: one per standard day, or as many as its recurring windows name. */
export function emergencyPeriodCount(spec: TimetableSpec): number {
  const fromWindows = spec.windows.reduce((m, w) => Math.max(m, w.emergencyPeriod), 0);
  return Math.max(spec.cycle?.days ?? 0, fromWindows, 1);
}

/** Total hours from the start of the emergency timeline to the end of its follow-up. */
export function emergencyHours(spec: TimetableSpec): number {
  return emergencyPeriodCount(spec) * spec.emergency.periodHours + spec.emergency.followUpHours;
}

/** The first full local hour at or after an instant (in half-hour zones that is not a full UTC hour; after a clock change it is the first :00 the wall clock shows). */
export function firstFullHour(zone: string, instant: number): number {
  const QUARTER = 15 * 60_000;
  // Every zone's offset is a whole number of quarter hours, so a local :00 falls on a UTC quarter hour.
  let t = Math.ceil(instant / QUARTER) * QUARTER;
  for (let i = 0; i < 12; i++, t += QUARTER) if (wallTimeOf(zone, t).minute === 0) return t;
  throw new Error(`no full local hour within three hours in ${zone}`);
}

export function emergencyTimeline(zone: string, spec: TimetableSpec, approvedAt: number): EmergencyTimeline {
  const start = firstFullHour(zone, approvedAt);
  const len = spec.emergency.periodHours * HOUR;
  const periods: Window[] = [];
  for (let k = 0; k < emergencyPeriodCount(spec); k++)
    periods.push({ start: start + k * len, end: start + (k + 1) * len });
  const last = periods[periods.length - 1]!.end;
  const followUp = { start: last, end: last + spec.emergency.followUpHours * HOUR };
  return { start, periods, followUp, end: followUp.end };
}
