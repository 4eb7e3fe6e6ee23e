// Upcoming windows of a timetable, and the standard, emergency and pilot slots of one host.
import type { TimetableSpec } from "../model/timetable.js";
import { currentOrNextCycle, nextPeriodWindow, type Window } from "./cycle.js";
import { emergencyTimeline } from "./emergency.js";
import { emergencyPeriodOf } from "./periods.js";
import { nextOccurrences } from "./recurring.js";
import { compareText } from "../order.js";

export interface NamedWindow {
  name: string;
  window: Window;
}

export interface TimetableWindows {
  timetable: string;
  timeZone: string;
  cycle: { id: string; anchorDate: string; start: number; end: number } | null;
  pilot: Window | null;
  periods: NamedWindow[];
  recurring: NamedWindow[];
}

export function upcomingWindows(name: string, spec: TimetableSpec, now: number, count = 3): TimetableWindows {
  const cycle = spec.cycle ? currentOrNextCycle(spec.timeZone, spec, now) : null;
  const recurring: NamedWindow[] = [];
  for (const w of spec.windows)
    for (const win of nextOccurrences(spec.timeZone, w, now, count)) recurring.push({ name: w.name, window: win });
  recurring.sort((a, b) => a.window.start - b.window.start || compareText(a.name, b.name));
  return {
    timetable: name,
    timeZone: spec.timeZone,
    cycle: cycle && { id: cycle.id, anchorDate: cycle.anchorDate, start: cycle.start, end: cycle.end },
    pilot: cycle?.pilot ?? null,
    periods: cycle
      ? cycle.periods.filter((p) => p.window.end > now).map((p) => ({ name: p.name, window: p.window }))
      : [],
    recurring,
  };
}

export interface HostSlots {
  period: string;
  standard: Window | null;
  /** Where the host would be patched if an emergency update were approved at `now`. */
  emergency: { period: number; window: Window; followUp: Window };
  pilot: Window | null;
}

export function hostSlots(spec: TimetableSpec, period: string, now: number): HostSlots {
  let standard: Window | null = null;
  let pilot: Window | null = null;
  if (spec.cycle && !spec.windows.some((w) => w.name === period)) {
    const next = nextPeriodWindow(spec.timeZone, spec, period, now);
    standard = next?.period.window ?? null;
    pilot = next?.cycle.pilot ?? null;
  } else {
    const w = spec.windows.find((x) => x.name === period);
    standard = w ? (nextOccurrences(spec.timeZone, w, now, 1)[0] ?? null) : null;
  }
  const em = emergencyTimeline(spec.timeZone, spec, now);
  const k = emergencyPeriodOf(spec, period);
  return {
    period,
    standard,
    emergency: { period: k, window: em.periods[k - 1] ?? em.periods[0]!, followUp: em.followUp },
    pilot,
  };
}
