// When one host gets one update: its window and deadline on the update's timeline, and its SLA.
import type { PatchPolicySpec } from "../model/policy.js";
import type { TimetableSpec } from "../model/timetable.js";
import { cycleOpeningAfter, nextPeriodWindow, type Window } from "../schedule/cycle.js";
import { emergencyTimeline, firstFullHour } from "../schedule/emergency.js";
import { emergencyPeriodOf, periodDay } from "../schedule/periods.js";
import { nextOccurrences, occurrenceStartingAfter } from "../schedule/recurring.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface Slot {
  timeline: "emergency" | "standard" | "pilot" | "recurring";
  window: Window;
  /** The deadline the update had on this host; past it the update is overdue. */
  dueBy: number;
  /** The SLA deadline; past it plus escalation.afterHours the host is escalated. */
  slaBy: number;
  overdue: boolean;
}

export interface SlotRequest {
  tt: TimetableSpec;
  period: string;
  timeline: "emergency" | "standard";
  approvedAt: number;
  /** The update goes to the reference collection first and this host is in it. */
  pilot: boolean;
  /** The update uses a pilot wave at all (which moves its cycle to one with a pilot window after approval). */
  usesPilot: boolean;
}

const cache = new Map<string, Slot | null>();
const timetableKeys = new WeakMap<TimetableSpec, string>();
const policyKeys = new WeakMap<PatchPolicySpec, string>();

function keyOf<T extends object>(m: WeakMap<T, string>, o: T): string {
  let k = m.get(o);
  if (k === undefined) m.set(o, (k = JSON.stringify(o)));
  return k;
}

export function slotFor(req: SlotRequest, policy: PatchPolicySpec, now: number): Slot | null {
  const key = `${keyOf(timetableKeys, req.tt)}|${keyOf(policyKeys, policy)}|${req.period}|${req.timeline}|${req.approvedAt}|${req.pilot}|${req.usesPilot}|${now}`;
  if (cache.has(key)) return cache.get(key)!;
  const slot = compute(req, policy, now);
  if (cache.size > 200_000) cache.clear();
  cache.set(key, slot);
  return slot;
}

function compute(
  { tt, period, timeline, approvedAt, pilot, usesPilot }: SlotRequest,
  policy: PatchPolicySpec,
  now: number,
): Slot | null {
  const zone = tt.timeZone;
  if (timeline === "emergency") {
    const et = emergencyTimeline(zone, tt, approvedAt);
    const k = emergencyPeriodOf(tt, period);
    const w = et.periods[k - 1] ?? et.periods[et.periods.length - 1]!;
    const slaBy = approvedAt + policy.sla.emergencyHours * HOUR;
    if (now < w.end) return { timeline: "emergency", window: w, dueBy: w.end, slaBy, overdue: false };
    // Missed: the next full hour, staggered by emergency period so cluster nodes stay apart.
    const len = tt.emergency.periodHours * HOUR;
    const start = firstFullHour(zone, now) + (k - 1) * len;
    return { timeline: "emergency", window: { start, end: start + len }, dueBy: w.end, slaBy, overdue: true };
  }
  const recurring = tt.windows.find((w) => w.name === period);
  if (recurring) {
    const occ = occurrenceStartingAfter(zone, recurring, approvedAt);
    if (!occ) return null;
    const slaBy = approvedAt + policy.sla.standardDays * DAY;
    if (now < occ.end) return { timeline: "recurring", window: occ, dueBy: occ.end, slaBy, overdue: false };
    const next = nextOccurrences(zone, recurring, now, 1)[0];
    return next ? { timeline: "recurring", window: next, dueBy: occ.end, slaBy, overdue: true } : null;
  }
  if (!tt.cycle || periodDay(tt, period) === null) return null;
  const cycle = cycleOpeningAfter(zone, tt, approvedAt, usesPilot);
  const p = cycle.periods.find((x) => x.name === period);
  if (!p) return null;
  const slaBy = cycle.start + policy.sla.standardDays * DAY;
  if (pilot && cycle.pilot && now < cycle.pilot.end) {
    return { timeline: "pilot", window: cycle.pilot, dueBy: cycle.pilot.end, slaBy, overdue: false };
  }
  if (now < p.window.end) return { timeline: "standard", window: p.window, dueBy: p.window.end, slaBy, overdue: false };
  const next = nextPeriodWindow(zone, tt, period, now);
  return next ? { timeline: "standard", window: next.period.window, dueBy: p.window.end, slaBy, overdue: true } : null;
}
