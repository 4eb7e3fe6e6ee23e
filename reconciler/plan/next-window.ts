// The host's first window that starts at or after an instant: retries after a backoff, and uninstall jobs.
import type { TimetableSpec } from "../model/timetable.js";
import { nextPeriodWindow, type Window } from "../schedule/cycle.js";
import { firstFullHour } from "../schedule/emergency.js";
import { emergencyPeriodOf, periodDay } from "../schedule/periods.js";
import { nextOccurrences } from "../schedule/recurring.js";

const HOUR = 3_600_000;

export function windowStartingFrom(
  tt: TimetableSpec,
  period: string,
  timeline: "emergency" | "standard" | "pilot" | "recurring",
  from: number,
): { timeline: "emergency" | "standard" | "recurring"; window: Window } | null {
  const zone = tt.timeZone;
  if (timeline === "emergency") {
    const len = tt.emergency.periodHours * HOUR;
    const start = firstFullHour(zone, from) + (emergencyPeriodOf(tt, period) - 1) * len;
    return { timeline: "emergency", window: { start, end: start + len } };
  }
  const recurring = tt.windows.find((w) => w.name === period);
  if (recurring) {
    for (const w of nextOccurrences(zone, recurring, from, 8))
      if (w.start >= from) return { timeline: "recurring", window: w };
    return null;
  }
  if (!tt.cycle || periodDay(tt, period) === null) return null;
  let t = from;
  for (let i = 0; i < 4; i++) {
    const next = nextPeriodWindow(zone, tt, period, t);
    if (!next) return null;
    if (next.period.window.start >= from) return { timeline: "standard", window: next.period.window };
    t = next.period.window.end;
  }
  return null;
}
