// The monthly standard timeline: anchor day, cycle days, and the D<day>-<HH> periods in UTC.
import type { TimetableSpec } from "../model/timetable.js";
import { floating, fromFloating, instantOf, wallTimeOf } from "./wall-clock.js";

export interface Window {
  start: number;
  end: number;
}

export interface Period {
  name: string;
  day: number;
  window: Window;
}

export interface Cycle {
  /** The month of the anchor, e.g. "2026-12". */
  id: string;
  anchorDate: string;
  start: number;
  end: number;
  periods: Period[];
  pilot: Window | null;
}

type CycleSpec = NonNullable<TimetableSpec["cycle"]>;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function parseTime(t: string): { hour: number; minute: number } {
  const [h, m] = t.split(":").map(Number);
  return { hour: h ?? 0, minute: m ?? 0 };
}

/** The anchor day of a month as a floating midnight (e.g. the second Tuesday). */
export function anchorDay(anchor: CycleSpec["anchor"], year: number, month: number): number {
  const want = WEEKDAYS.indexOf(anchor.weekday); // 0 = Monday
  if (anchor.nth === "last") {
    const last = Date.UTC(year, month, 0);
    const dow = (new Date(last).getUTCDay() + 6) % 7;
    return last - ((dow - want + 7) % 7) * DAY;
  }
  const first = Date.UTC(year, month - 1, 1);
  const dow = (new Date(first).getUTCDay() + 6) % 7;
  const day = first + ((want - dow + 7) % 7) * DAY + (anchor.nth - 1) * 7 * DAY;
  // A fifth weekday that the month does not have falls back to the last one.
  return new Date(day).getUTCMonth() === month - 1 ? day : day - 7 * DAY;
}

/** Every period name of a cycle spec, in order: D1-00, D1-04, … */
export function periodNames(cycle: CycleSpec): { name: string; day: number; offsetHours: number }[] {
  const out: { name: string; day: number; offsetHours: number }[] = [];
  const start = parseTime(cycle.startTime);
  const perDay = Math.floor(24 / cycle.periodHours);
  for (let d = 1; d <= cycle.days; d++) {
    for (let i = 0; i < perDay; i++) {
      const hour = (start.hour + i * cycle.periodHours) % 24;
      out.push({ name: `D${d}-${pad(hour)}`, day: d, offsetHours: (d - 1) * 24 + i * cycle.periodHours });
    }
  }
  return out;
}

const cache = new Map<string, Cycle>();

/** The cycle anchored in a given month. Periods are wall-clock times: see the README on DST. */
export function cycleForMonth(zone: string, spec: TimetableSpec, year: number, month: number): Cycle {
  const cycle = spec.cycle;
  if (!cycle) throw new Error("timetable has no standard cycle");
  const key = `${zone}|${JSON.stringify(cycle)}|${JSON.stringify(spec.pilot ?? null)}|${year}-${month}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const anchor = anchorDay(cycle.anchor, year, month);
  const t = parseTime(cycle.startTime);
  const base = anchor + cycle.offsetDays * DAY + t.hour * HOUR + t.minute * 60_000;
  const periods: Period[] = periodNames(cycle).map((p) => {
    const startWall = base + p.offsetHours * HOUR;
    const start = instantOf(zone, fromFloating(startWall));
    let end = instantOf(zone, fromFloating(startWall + cycle.periodHours * HOUR));
    // A period wholly inside a DST gap would last no time at all; it keeps its nominal length instead.
    if (end <= start) end = start + cycle.periodHours * HOUR;
    return { name: p.name, day: p.day, window: { start, end } };
  });
  let pilot: Window | null = null;
  if (spec.pilot) {
    const pt = parseTime(spec.pilot.startTime);
    const pStart = anchor + spec.pilot.offsetDays * DAY + pt.hour * HOUR + pt.minute * 60_000;
    pilot = {
      start: instantOf(zone, fromFloating(pStart)),
      end: instantOf(zone, fromFloating(pStart + spec.pilot.hours * HOUR)),
    };
  }
  const a = fromFloating(anchor);
  const result: Cycle = {
    id: `${year}-${pad(month)}`,
    anchorDate: `${a.year}-${pad(a.month)}-${pad(a.day)}`,
    start: periods[0]!.window.start,
    end: periods[periods.length - 1]!.window.end,
    periods,
    pilot,
  };
  if (cache.size > 10_000) cache.clear();
  cache.set(key, result);
  return result;
}

function monthOf(zone: string, instant: number): { year: number; month: number } {
  const w = wallTimeOf(zone, instant);
  return { year: w.year, month: w.month };
}

function shiftMonth(ym: { year: number; month: number }, by: number): { year: number; month: number } {
  const m = ym.year * 12 + (ym.month - 1) + by;
  return { year: Math.floor(m / 12), month: (m % 12) + 1 };
}

/**
 * The first cycle whose opening (its pilot window when `withPilot`, else its first period) is at or after `instant`.
 * This is the cycle an update approved at `instant` is deployed in.
 */
export function cycleOpeningAfter(zone: string, spec: TimetableSpec, instant: number, withPilot = false): Cycle {
  let ym = shiftMonth(monthOf(zone, instant), -1);
  for (let i = 0; i < 4; i++, ym = shiftMonth(ym, 1)) {
    const c = cycleForMonth(zone, spec, ym.year, ym.month);
    const opening = withPilot && c.pilot ? Math.min(c.pilot.start, c.start) : c.start;
    if (opening >= instant) return c;
  }
  throw new Error("no cycle found within three months");
}

/** The cycle in progress at `now`, or else the next one. */
export function currentOrNextCycle(zone: string, spec: TimetableSpec, now: number): Cycle {
  let ym = shiftMonth(monthOf(zone, now), -1);
  for (let i = 0; i < 4; i++, ym = shiftMonth(ym, 1)) {
    const c = cycleForMonth(zone, spec, ym.year, ym.month);
    if (c.end > now) return c;
  }
  throw new Error("no cycle found within three months");
}

/** The next occurrence of one period whose window has not ended at `now`. */
export function nextPeriodWindow(
  zone: string,
  spec: TimetableSpec,
  period: string,
  now: number,
): { cycle: Cycle; period: Period } | null {
  let ym = shiftMonth(monthOf(zone, now), -1);
  for (let i = 0; i < 4; i++, ym = shiftMonth(ym, 1)) {
    const c = cycleForMonth(zone, spec, ym.year, ym.month);
    const p = c.periods.find((x) => x.name === period);
    if (!p) return null;
    if (p.window.end > now) return { cycle: c, period: p };
  }
  return null;
}

export { floating };
