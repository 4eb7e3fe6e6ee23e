// When one host gets one update: its window and deadline on the update's timeline, and its SLA.
import type { PatchPolicySpec } from "../model/policy.js";
import type { TimetableSpec } from "../model/timetable.js";
import { currentOrNextCycle, cycleOpeningAfter, nextPeriodWindow, type Cycle, type Window } from "../schedule/cycle.js";
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
  /** Approved after its cycle opened, deployed in that cycle's remaining periods: the pilot was shortened or skipped. */
  late: "shortened" | "skipped" | "no-pilot" | null;
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

export interface DeploymentCycle {
  cycle: Cycle;
  /** The pilot window reference hosts use (null: none, or skipped because the approval came too late for it). */
  pilot: Window | null;
  late: Slot["late"];
}

/**
 * The cycle a standard update approved at `approvedAt` is deployed in. Normally the first cycle that opens after the
 * approval; but when that one cannot finish within sla.standardDays of the approval and the cycle in progress still
 * has periods ahead, the update joins the cycle in progress, with what is left of its pilot window (or none).
 */
export function deploymentCycle(
  tt: TimetableSpec,
  approvedAt: number,
  usesPilot: boolean,
  standardDays: number,
): DeploymentCycle {
  const zone = tt.timeZone;
  const normal = cycleOpeningAfter(zone, tt, approvedAt, usesPilot);
  const current = currentOrNextCycle(zone, tt, approvedAt);
  const onTime = { cycle: normal, pilot: usesPilot ? normal.pilot : null, late: null };
  if (current.id === normal.id || normal.end <= approvedAt + standardDays * DAY) return onTime;
  if (!current.periods.some((p) => p.window.start >= approvedAt)) return onTime;
  if (!usesPilot) return { cycle: current, pilot: null, late: "no-pilot" };
  const open = current.pilot && current.pilot.end > approvedAt ? current.pilot : null;
  return { cycle: current, pilot: open, late: open ? "shortened" : "skipped" };
}

const cache = new Map<string, Slot | null>();
/** Each distinct timetable or policy (by its JSON text) gets a small number, so a slot's key stays short. */
const specNumbers = new Map<string, number>();
const timetableKeys = new WeakMap<TimetableSpec, number>();
const policyKeys = new WeakMap<PatchPolicySpec, number>();

function keyOf<T extends object>(m: WeakMap<T, number>, o: T): number {
  let k = m.get(o);
  if (k === undefined) {
    const text = JSON.stringify(o);
    k = specNumbers.get(text);
    if (k === undefined) specNumbers.set(text, (k = specNumbers.size));
    m.set(o, k);
  }
  return k;
}

export function slotFor(req: SlotRequest, policy: PatchPolicySpec, now: number): Slot | null {
  // Asked once per missing update of every host: the timetable's and policy's JSON stand in as their numbers.
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
    if (now < w.end) return { timeline: "emergency", window: w, dueBy: w.end, slaBy, overdue: false, late: null };
    // Missed: the next full hour, staggered by emergency period so cluster nodes stay apart.
    const len = tt.emergency.periodHours * HOUR;
    const start = firstFullHour(zone, now) + (k - 1) * len;
    return {
      timeline: "emergency",
      window: { start, end: start + len },
      dueBy: w.end,
      slaBy,
      overdue: true,
      late: null,
    };
  }
  const recurring = tt.windows.find((w) => w.name === period);
  if (recurring) {
    const occ = occurrenceStartingAfter(zone, recurring, approvedAt);
    if (!occ) return null;
    const slaBy = approvedAt + policy.sla.standardDays * DAY;
    if (now < occ.end) return { timeline: "recurring", window: occ, dueBy: occ.end, slaBy, overdue: false, late: null };
    const next = nextOccurrences(zone, recurring, now, 1)[0];
    return next ? { timeline: "recurring", window: next, dueBy: occ.end, slaBy, overdue: true, late: null } : null;
  }
  if (!tt.cycle || periodDay(tt, period) === null) return null;
  const dc = deploymentCycle(tt, approvedAt, usesPilot, policy.sla.standardDays);
  const late = dc.late;
  const p = dc.cycle.periods.find((x) => x.name === period);
  if (!p) return null;
  // The standard SLA counts from approval, not from the cycle: a late approval cannot hide a month's slip.
  const slaBy = approvedAt + policy.sla.standardDays * DAY;
  if (pilot && dc.pilot && now < dc.pilot.end) {
    return { timeline: "pilot", window: dc.pilot, dueBy: dc.pilot.end, slaBy, overdue: false, late };
  }
  // Joining a cycle in progress: a period that had already begun at approval comes round next cycle.
  const own = p.window.start >= approvedAt ? p.window : nextPeriodWindow(zone, tt, period, approvedAt)?.period.window;
  if (!own) return null;
  if (now < own.end) return { timeline: "standard", window: own, dueBy: own.end, slaBy, overdue: false, late };
  const next = nextPeriodWindow(zone, tt, period, now);
  return next ? { timeline: "standard", window: next.period.window, dueBy: own.end, slaBy, overdue: true, late } : null;
}
