// Generic recurring windows (RFC 5545 RRULE or cron) with a duration, in a zone, for fleets off the monthly cycle.
import { CronExpressionParser } from "cron-parser";
import { Duration } from "luxon";
import rrulePkg from "rrule";
import type { RecurringWindow } from "../model/timetable.js";
import type { Window } from "./cycle.js";
import { fromFloating, instantOf, wallTimeOf, floating } from "./wall-clock.js";

const { RRule } = rrulePkg;

export function durationMs(iso: string): number {
  return Duration.fromISO(iso).as("milliseconds");
}

/** Maintenance windows recur hourly at the most: a finer rule is refused (it would make a plan walk seconds). */
const SUB_HOURLY = new Set<number>([RRule.SECONDLY, RRule.MINUTELY]);
/** COUNT counts from 2000-01-01 (every rule's phase), so a larger one only makes each plan walk more occurrences. */
export const MAX_COUNT = 10_000;
/**
 * How many occurrences one query may walk before it gives up (no window found): a bound on the work of one rule, so a
 * plan never hangs on a timetable, whatever validate let through.
 */
export const MAX_ITERATIONS = 20_000;

/** Checks a recurring window's expression; null when it is usable, else why not. */
export function recurrenceProblem(w: RecurringWindow): string | null {
  if ((w.rrule ? 1 : 0) + (w.cron ? 1 : 0) !== 1) return "give exactly one of rrule or cron";
  if (!(durationMs(w.duration) > 0)) return `duration ${w.duration} is not a positive ISO-8601 duration`;
  try {
    if (w.rrule) {
      if (/DTSTART|TZID/i.test(w.rrule))
        return "leave DTSTART and TZID out of the rrule; the timetable's timeZone applies";
      const options = RRule.parseString(w.rrule.replace(/^RRULE:/i, ""));
      if (options.freq != null && SUB_HOURLY.has(options.freq))
        return `FREQ=${options.freq === RRule.SECONDLY ? "SECONDLY" : "MINUTELY"} is finer than a maintenance window can recur; use HOURLY or coarser`;
      if (options.count != null && options.count > MAX_COUNT)
        return `COUNT=${options.count} is more than ${MAX_COUNT}; COUNT counts from 2000-01-01, so leave it out or use UNTIL`;
      const r = new RRule({
        ...RRule.parseString(w.rrule.replace(/^RRULE:/i, "")),
        dtstart: new Date(Date.UTC(2000, 0, 1)),
      });
      if (!r.after(new Date(Date.UTC(2000, 0, 1)), true)) return "the rrule never occurs";
    } else if (w.cron) {
      CronExpressionParser.parse(w.cron, { tz: "UTC" });
    }
  } catch (err) {
    return (err as Error).message;
  }
  return null;
}

const EPOCH = Date.UTC(2000, 0, 1);
const UNIT_MS: Partial<Record<number, number>> = {
  [RRule.WEEKLY]: 7 * 86_400_000,
  [RRule.DAILY]: 86_400_000,
  [RRule.HOURLY]: 3_600_000,
  [RRule.MINUTELY]: 60_000,
};

/**
 * The rule's DTSTART: 2000-01-01 (the phase every rule is defined against), moved forward by whole multiples of
 * its interval to one interval before the query, so iteration does not walk 26 years of occurrences on every
 * call. The occurrences are the same as from 2000; a rule with COUNT keeps 2000, since COUNT counts from DTSTART.
 */
function anchorNear(options: Partial<rrulePkg.Options>, fromFloatingMs: number): number {
  if (options.count != null || options.freq == null || fromFloatingMs <= EPOCH) return EPOCH;
  const interval = Math.max(1, options.interval ?? 1);
  const unit = UNIT_MS[options.freq];
  if (unit !== undefined) {
    const step = unit * interval;
    return Math.max(EPOCH, EPOCH + (Math.floor((fromFloatingMs - EPOCH) / step) - 1) * step);
  }
  const months = options.freq === RRule.YEARLY ? 12 * interval : options.freq === RRule.MONTHLY ? interval : 0;
  if (months === 0) return EPOCH;
  const t = new Date(fromFloatingMs);
  const elapsed = (t.getUTCFullYear() - 2000) * 12 + t.getUTCMonth();
  return Date.UTC(2000, Math.max(0, (Math.floor(elapsed / months) - 1) * months), 1);
}

/** Floating (wall-clock-as-UTC) start times of occurrences at or after a floating instant. */
function nextFloatingStarts(w: RecurringWindow, fromFloatingMs: number, count: number): number[] {
  const out: number[] = [];
  if (w.rrule) {
    const options = RRule.parseString(w.rrule.replace(/^RRULE:/i, ""));
    const rule = new RRule({ ...options, dtstart: new Date(anchorNear(options, fromFloatingMs)) });
    // One pass from the anchor: occurrences before the query are skipped, iteration stops at `count`, and in any case
    // after MAX_ITERATIONS occurrences (a rule validate would refuse finds no window rather than hanging the plan).
    let walked = 0;
    rule.all((d) => {
      if (d.getTime() >= fromFloatingMs) out.push(d.getTime());
      return out.length < count && ++walked < MAX_ITERATIONS;
    });
  } else if (w.cron) {
    const it = CronExpressionParser.parse(w.cron, { tz: "UTC", currentDate: new Date(fromFloatingMs - 1) });
    while (out.length < count) out.push(it.next().getTime());
  }
  return out;
}

/** The next `count` occurrences of a recurring window that have not ended at `now`, as UTC windows. */
export function nextOccurrences(zone: string, w: RecurringWindow, now: number, count: number): Window[] {
  const len = durationMs(w.duration);
  const n = wallTimeOf(zone, now);
  const nowFloating = floating(n);
  const out: Window[] = [];
  for (const s of nextFloatingStarts(w, nowFloating - len - 26 * 3_600_000, count + 64)) {
    const start = instantOf(zone, fromFloating(s));
    const end = instantOf(zone, fromFloating(s + len));
    if (end > now) out.push({ start, end });
    if (out.length === count) break;
  }
  return out;
}

/** The first occurrence that starts at or after an instant. */
export function occurrenceStartingAfter(zone: string, w: RecurringWindow, instant: number): Window | null {
  const len = durationMs(w.duration);
  const f = floating(wallTimeOf(zone, instant));
  for (const s of nextFloatingStarts(w, f - 26 * 3_600_000, 64)) {
    const start = instantOf(zone, fromFloating(s));
    if (start >= instant) return { start, end: instantOf(zone, fromFloating(s + len)) };
  }
  return null;
}
