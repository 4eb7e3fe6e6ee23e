// When one host gets one update (plan/timing.ts) and the first window from an instant (plan/next-window.ts), pinned at
// their edges on a UTC timetable whose instants are worked out by hand from the calendar:
//   December 2026: 1 Dec is a Tuesday, so the second Tuesday is 8 Dec; offsetDays 2 → D1-00 opens 10 Dec 00:00Z.
//   The pilot (offsetDays 0, 18:00, 24 h) runs 8 Dec 18:00Z – 9 Dec 18:00Z. Four days of 4-hour periods: D2-04 is
//   11 Dec 04:00–08:00Z, D4-20 is 13 Dec 20:00Z – 14 Dec 00:00Z, the end of the cycle.
//   January 2027: 1 Jan is a Friday, second Tuesday 12 Jan → D1-00 14 Jan 00:00Z, D2-04 15 Jan 04:00–08:00Z, pilot
//   12 Jan 18:00Z – 13 Jan 18:00Z, cycle end 18 Jan 00:00Z.
//   Sundays of December 2026: 6, 13, 20, 27 (the weekly window runs 02:00–06:00Z).
import { describe, expect, it } from "vitest";
import type { PatchPolicySpec } from "../../reconciler/model/policy.js";
import type { TimetableSpec } from "../../reconciler/model/timetable.js";
import { windowStartingFrom } from "../../reconciler/plan/next-window.js";
import { deploymentCycle, slotFor, type SlotRequest } from "../../reconciler/plan/timing.js";

const t = (iso: string) => Date.parse(iso);
const MS = 1;
const WEEKLY = "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0";

function timetable(over: Partial<TimetableSpec> = {}): TimetableSpec {
  return {
    timeZone: "UTC",
    cycle: { anchor: { weekday: "tuesday", nth: 2 }, offsetDays: 2, startTime: "00:00", days: 4, periodHours: 4 },
    emergency: { periodHours: 1, followUpHours: 3 },
    pilot: { offsetDays: 0, startTime: "18:00", hours: 24 },
    windows: [{ name: "weekly", rrule: WEEKLY, duration: "PT4H", emergencyPeriod: 3 }],
    ...over,
  };
}
const TT = timetable();
const policy = (standardDays: number, emergencyHours = 24) =>
  ({ sla: { standardDays, emergencyHours } }) as unknown as PatchPolicySpec;
const w = (start: string, end: string) => ({ start: t(start), end: t(end) });
const DEC_PILOT = w("2026-12-08T18:00:00Z", "2026-12-09T18:00:00Z");
const JAN_PILOT = w("2027-01-12T18:00:00Z", "2027-01-13T18:00:00Z");
const DEC_D2_04 = w("2026-12-11T04:00:00Z", "2026-12-11T08:00:00Z");
const JAN_D2_04 = w("2027-01-15T04:00:00Z", "2027-01-15T08:00:00Z");

const req = (over: Partial<SlotRequest>): SlotRequest => ({
  tt: TT,
  period: "D2-04",
  timeline: "standard",
  approvedAt: t("2026-12-01T00:00:00Z"),
  pilot: false,
  usesPilot: true,
  ...over,
});

describe("deploymentCycle", () => {
  const summary = (approvedAt: number, usesPilot: boolean, days: number) => {
    const dc = deploymentCycle(TT, approvedAt, usesPilot, days);
    return { cycle: dc.cycle.id, pilot: dc.pilot, late: dc.late };
  };

  it("approved exactly at the pilot window's opening: that cycle, with its whole pilot", () => {
    expect(summary(DEC_PILOT.start, true, 1)).toEqual({ cycle: "2026-12", pilot: DEC_PILOT, late: null });
    // Without a pilot wave the cycle opens with D1-00 (10 Dec): still December, with no pilot window.
    expect(summary(DEC_PILOT.start, false, 1)).toEqual({ cycle: "2026-12", pilot: null, late: null });
  });

  it("1 ms after the pilot opened: January, unless that misses the SLA, then December's pilot, shortened", () => {
    // From 9 Dec 00:00Z January's end (18 Jan 00:00Z) is exactly 40 days away: 40 days keep January, 39 do not.
    const at = t("2026-12-09T00:00:00Z");
    expect(summary(at, true, 40)).toEqual({ cycle: "2027-01", pilot: JAN_PILOT, late: null });
    expect(summary(at, true, 39)).toEqual({ cycle: "2026-12", pilot: DEC_PILOT, late: "shortened" });
    expect(summary(DEC_PILOT.start + MS, true, 7)).toEqual({ cycle: "2026-12", pilot: DEC_PILOT, late: "shortened" });
  });

  it("the pilot window's end: 1 ms before it the pilot is shortened, at it the pilot is skipped", () => {
    expect(summary(DEC_PILOT.end - MS, true, 7)).toEqual({ cycle: "2026-12", pilot: DEC_PILOT, late: "shortened" });
    expect(summary(DEC_PILOT.end, true, 7)).toEqual({ cycle: "2026-12", pilot: null, late: "skipped" });
  });

  it("an update with no pilot wave joins the cycle in progress without one", () => {
    expect(summary(t("2026-12-10T00:00:00.001Z"), false, 7)).toEqual({
      cycle: "2026-12",
      pilot: null,
      late: "no-pilot",
    });
    // With 40 days January still ends in time (18 Jan 00:00Z = 10 Dec 00:00Z + 39 days).
    expect(summary(t("2026-12-10T00:00:00.001Z"), false, 40)).toEqual({ cycle: "2027-01", pilot: null, late: null });
  });

  it("joins the cycle in progress while its last period has not begun; after that, January", () => {
    expect(summary(t("2026-12-13T20:00:00Z"), true, 7)).toEqual({ cycle: "2026-12", pilot: null, late: "skipped" });
    expect(summary(t("2026-12-13T20:00:00.001Z"), true, 7)).toEqual({
      cycle: "2027-01",
      pilot: JAN_PILOT,
      late: null,
    });
  });

  it("a timetable without a pilot window: a late update joins December with its pilot skipped", () => {
    const noPilot = timetable({ pilot: undefined });
    const dc = deploymentCycle(noPilot, t("2026-12-10T00:00:00.001Z"), true, 7);
    expect([dc.cycle.id, dc.pilot, dc.late]).toEqual(["2026-12", null, "skipped"]);
  });
});

describe("slotFor, standard timeline", () => {
  const P30 = policy(30);
  const SLA_DEC31 = t("2026-12-31T00:00:00Z");

  it("a reference host uses the pilot window until the instant it ends, then its own period", () => {
    expect(slotFor(req({ pilot: true }), P30, DEC_PILOT.end - MS)).toEqual({
      timeline: "pilot",
      window: DEC_PILOT,
      dueBy: DEC_PILOT.end,
      slaBy: SLA_DEC31,
      overdue: false,
      late: null,
    });
    const own = { timeline: "standard", window: DEC_D2_04, dueBy: DEC_D2_04.end, slaBy: SLA_DEC31, overdue: false };
    expect(slotFor(req({ pilot: true }), P30, DEC_PILOT.end)).toEqual({ ...own, late: null });
    // Not a reference host, or an update without a pilot wave: its own period from the start.
    expect(slotFor(req({ pilot: false }), P30, DEC_PILOT.start)).toEqual({ ...own, late: null });
    expect(slotFor(req({ pilot: true, usesPilot: false }), P30, DEC_PILOT.start)).toEqual({ ...own, late: null });
  });

  it("overdue from the instant its window ends: the next cycle's period, due at the missed one's end", () => {
    expect(slotFor(req({}), P30, DEC_D2_04.end - MS)).toMatchObject({ window: DEC_D2_04, overdue: false });
    expect(slotFor(req({}), P30, DEC_D2_04.end)).toEqual({
      timeline: "standard",
      window: JAN_D2_04,
      dueBy: DEC_D2_04.end,
      slaBy: SLA_DEC31,
      overdue: true,
      late: null,
    });
  });

  it("the SLA counts from approval; a shortened pilot is carried on the slot", () => {
    const at = t("2026-12-09T00:00:00Z");
    expect(slotFor(req({ approvedAt: at, pilot: true }), policy(7), t("2026-12-09T01:00:00Z"))).toEqual({
      timeline: "pilot",
      window: DEC_PILOT,
      dueBy: DEC_PILOT.end,
      slaBy: t("2026-12-16T00:00:00Z"),
      overdue: false,
      late: "shortened",
    });
    // On time for January (40 days): January's own D2-04, not December's.
    expect(slotFor(req({ approvedAt: at }), policy(40), t("2026-12-09T01:00:00Z"))).toEqual({
      timeline: "standard",
      window: JAN_D2_04,
      dueBy: JAN_D2_04.end,
      slaBy: t("2027-01-18T00:00:00Z"),
      overdue: false,
      late: null,
    });
  });

  it("joining December after its own period ended: that period comes round in January", () => {
    // D1-00 (10 Dec 00:00–04:00Z) has passed at approval on 11 Dec 00:00Z; the update joins December (no pilot).
    const at = t("2026-12-11T00:00:00Z");
    expect(slotFor(req({ period: "D1-00", approvedAt: at, usesPilot: false }), policy(7), at)).toEqual({
      timeline: "standard",
      window: w("2027-01-14T00:00:00Z", "2027-01-14T04:00:00Z"),
      dueBy: t("2027-01-14T04:00:00Z"),
      slaBy: t("2026-12-18T00:00:00Z"),
      overdue: false,
      late: "no-pilot",
    });
    // A period still ahead in December keeps December's window.
    expect(slotFor(req({ approvedAt: at, usesPilot: false }), policy(7), at)).toMatchObject({
      window: DEC_D2_04,
      late: "no-pilot",
    });
  });

  it("no slot for a period the timetable does not have, or a timetable without a cycle", () => {
    expect(slotFor(req({ period: "D5-04" }), P30, DEC_PILOT.start)).toBeNull();
    expect(slotFor(req({ tt: timetable({ cycle: undefined }) }), P30, DEC_PILOT.start)).toBeNull();
  });

  it("a slot is remembered per request: each field of the request and the instant make a different answer", () => {
    const now = t("2026-12-10T00:00:00Z");
    const base = slotFor(req({}), P30, now);
    expect(base).toMatchObject({ window: DEC_D2_04, overdue: false });
    expect(slotFor(req({}), P30, DEC_D2_04.end)).toMatchObject({ window: JAN_D2_04, overdue: true });
    expect(slotFor(req({}), policy(29), now)).toMatchObject({ slaBy: t("2026-12-30T00:00:00Z") });
    expect(slotFor(req({ period: "D1-00" }), P30, now - MS)).toMatchObject({
      window: w("2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z"),
    });
    expect(slotFor(req({ timeline: "emergency" }), P30, now)).toMatchObject({ timeline: "emergency" });
    expect(slotFor(req({ approvedAt: t("2026-12-02T00:00:00Z") }), P30, now)).toMatchObject({
      slaBy: t("2027-01-01T00:00:00Z"),
    });
    expect(slotFor(req({ pilot: true }), P30, DEC_PILOT.start)).toMatchObject({ timeline: "pilot" });
    expect(slotFor(req({ pilot: true, usesPilot: false }), P30, DEC_PILOT.start)).toMatchObject({
      timeline: "standard",
    });
    expect(slotFor(req({ tt: timetable({ cycle: undefined }) }), P30, now)).toBeNull();
    expect(slotFor(req({}), P30, now)).toEqual(base);
  });
});

describe("slotFor, emergency timeline", () => {
  // Approved 10 Dec 09:30Z: the first full hour is 10:00Z; D2-04 is on day 2, so its emergency period is the second
  // hour, 11:00–12:00Z. The SLA is 24 hours: 11 Dec 09:30Z.
  const at = t("2026-12-10T09:30:00Z");
  const E = req({ timeline: "emergency", approvedAt: at });

  it("its emergency period until the instant it ends, then the next full hour staggered by that period", () => {
    expect(slotFor(E, policy(30), t("2026-12-10T11:59:59.999Z"))).toEqual({
      timeline: "emergency",
      window: w("2026-12-10T11:00:00Z", "2026-12-10T12:00:00Z"),
      dueBy: t("2026-12-10T12:00:00Z"),
      slaBy: t("2026-12-11T09:30:00Z"),
      overdue: false,
      late: null,
    });
    // Missed at 12:00Z: the next full hour is 12:00Z, plus one period for day 2: 13:00–14:00Z.
    expect(slotFor(E, policy(30), t("2026-12-10T12:00:00Z"))).toEqual({
      timeline: "emergency",
      window: w("2026-12-10T13:00:00Z", "2026-12-10T14:00:00Z"),
      dueBy: t("2026-12-10T12:00:00Z"),
      slaBy: t("2026-12-11T09:30:00Z"),
      overdue: true,
      late: null,
    });
  });

  it("2-hour periods: day 1 takes 10:00–12:00Z, and missed at 12:00:30Z it goes to 13:00–15:00Z", () => {
    const tt = timetable({ emergency: { periodHours: 2, followUpHours: 3 } });
    const d1 = req({ tt, timeline: "emergency", approvedAt: at, period: "D1-00" });
    expect(slotFor(d1, policy(30, 6), t("2026-12-10T10:00:00Z"))).toMatchObject({
      window: w("2026-12-10T10:00:00Z", "2026-12-10T12:00:00Z"),
      slaBy: t("2026-12-10T15:30:00Z"),
      overdue: false,
    });
    expect(slotFor(d1, policy(30, 6), t("2026-12-10T12:00:30Z"))).toMatchObject({
      window: w("2026-12-10T13:00:00Z", "2026-12-10T15:00:00Z"),
      dueBy: t("2026-12-10T12:00:00Z"),
      overdue: true,
    });
  });

  it("a recurring window's host takes the emergency period the window names (3: 12:00–13:00Z)", () => {
    expect(slotFor(req({ timeline: "emergency", approvedAt: at, period: "weekly" }), policy(30), at)).toMatchObject({
      window: w("2026-12-10T12:00:00Z", "2026-12-10T13:00:00Z"),
    });
  });
});

describe("slotFor, recurring window", () => {
  const R = (approvedAt: string) => req({ period: "weekly", approvedAt: t(approvedAt) });

  it("the first occurrence starting at or after approval; 1 ms late, the next week's", () => {
    expect(slotFor(R("2026-12-13T02:00:00Z"), policy(7), t("2026-12-13T02:00:00Z"))).toEqual({
      timeline: "recurring",
      window: w("2026-12-13T02:00:00Z", "2026-12-13T06:00:00Z"),
      dueBy: t("2026-12-13T06:00:00Z"),
      slaBy: t("2026-12-20T02:00:00Z"),
      overdue: false,
      late: null,
    });
    expect(slotFor(R("2026-12-13T02:00:00.001Z"), policy(7), t("2026-12-13T03:00:00Z"))).toMatchObject({
      window: w("2026-12-20T02:00:00Z", "2026-12-20T06:00:00Z"),
      overdue: false,
    });
  });

  it("overdue from the instant the occurrence ends: the next one, due at the missed one's end", () => {
    expect(slotFor(R("2026-12-10T00:00:00Z"), policy(7), t("2026-12-13T05:59:59.999Z"))).toMatchObject({
      window: w("2026-12-13T02:00:00Z", "2026-12-13T06:00:00Z"),
      overdue: false,
    });
    expect(slotFor(R("2026-12-10T00:00:00Z"), policy(7), t("2026-12-13T06:00:00Z"))).toEqual({
      timeline: "recurring",
      window: w("2026-12-20T02:00:00Z", "2026-12-20T06:00:00Z"),
      dueBy: t("2026-12-13T06:00:00Z"),
      slaBy: t("2026-12-17T00:00:00Z"),
      overdue: true,
      late: null,
    });
  });

  it("a rule that has run out gives no slot", () => {
    const until = (u: string) =>
      timetable({ windows: [{ name: "weekly", rrule: `${WEEKLY};UNTIL=${u}`, duration: "PT4H", emergencyPeriod: 1 }] });
    const ended = req({ tt: until("20261201T000000Z"), period: "weekly", approvedAt: t("2026-12-10T00:00:00Z") });
    expect(slotFor(ended, policy(7), t("2026-12-10T00:00:00Z"))).toBeNull();
    // The last occurrence is 13 Dec: missed, there is no next one.
    const last = req({ tt: until("20261213T030000Z"), period: "weekly", approvedAt: t("2026-12-10T00:00:00Z") });
    expect(slotFor(last, policy(7), t("2026-12-13T05:00:00Z"))).toMatchObject({ overdue: false });
    expect(slotFor(last, policy(7), t("2026-12-13T06:00:00Z"))).toBeNull();
  });
});

describe("windowStartingFrom", () => {
  it("emergency: the first full hour from the instant, staggered by the period's day", () => {
    const tt = timetable({ emergency: { periodHours: 2, followUpHours: 3 } });
    expect(windowStartingFrom(tt, "D3-04", "emergency", t("2026-12-10T09:30:00Z"))).toEqual({
      timeline: "emergency",
      window: w("2026-12-10T14:00:00Z", "2026-12-10T16:00:00Z"),
    });
    expect(windowStartingFrom(tt, "D1-04", "emergency", t("2026-12-10T09:00:00Z"))).toEqual({
      timeline: "emergency",
      window: w("2026-12-10T09:00:00Z", "2026-12-10T11:00:00Z"),
    });
  });

  it("recurring: an occurrence starting exactly at the instant, else the next one; none once the rule ran out", () => {
    expect(windowStartingFrom(TT, "weekly", "recurring", t("2026-12-13T02:00:00Z"))).toEqual({
      timeline: "recurring",
      window: w("2026-12-13T02:00:00Z", "2026-12-13T06:00:00Z"),
    });
    expect(windowStartingFrom(TT, "weekly", "recurring", t("2026-12-13T02:00:00.001Z"))).toEqual({
      timeline: "recurring",
      window: w("2026-12-20T02:00:00Z", "2026-12-20T06:00:00Z"),
    });
    const ended = timetable({
      windows: [{ name: "weekly", rrule: `${WEEKLY};UNTIL=20261213T030000Z`, duration: "PT4H", emergencyPeriod: 1 }],
    });
    expect(windowStartingFrom(ended, "weekly", "recurring", t("2026-12-13T02:00:00.001Z"))).toBeNull();
  });

  it("standard (and pilot): a period starting exactly at the instant, else the same period next cycle", () => {
    expect(windowStartingFrom(TT, "D2-04", "standard", DEC_D2_04.start)).toEqual({
      timeline: "standard",
      window: DEC_D2_04,
    });
    expect(windowStartingFrom(TT, "D2-04", "pilot", DEC_D2_04.start + MS)).toEqual({
      timeline: "standard",
      window: JAN_D2_04,
    });
    expect(windowStartingFrom(TT, "D2-04", "standard", t("2026-12-01T00:00:00Z"))).toEqual({
      timeline: "standard",
      window: DEC_D2_04,
    });
  });

  it("none for a period the timetable lacks, or without a cycle", () => {
    expect(windowStartingFrom(TT, "D5-04", "standard", DEC_D2_04.start)).toBeNull();
    expect(windowStartingFrom(timetable({ cycle: undefined }), "D2-04", "standard", DEC_D2_04.start)).toBeNull();
  });
});
