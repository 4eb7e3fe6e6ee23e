import { describe, expect, it } from "vitest";
import { TimetableSpec } from "../../reconciler/model/timetable.js";
import {
  cycleForMonth,
  cycleOpeningAfter,
  currentOrNextCycle,
  nextPeriodWindow,
} from "../../reconciler/schedule/cycle.js";
import { isoUtc } from "../../reconciler/schedule/wall-clock.js";

function spec(timeZone: string, cycle: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return TimetableSpec.parse({ timeZone, cycle, ...extra });
}
function periods(s: TimetableSpec, y: number, m: number) {
  const c = cycleForMonth(s.timeZone, s, y, m);
  return Object.fromEntries(c.periods.map((p) => [p.name, `${isoUtc(p.window.start)} ${isoUtc(p.window.end)}`]));
}

const DATACENTER = spec(
  "America/Los_Angeles",
  { anchor: { weekday: "tuesday", nth: 2 }, offsetDays: 2 },
  { pilot: { offsetDays: 0, startTime: "18:00", hours: 24 } },
);

describe("standard cycle", () => {
  it("the seeds' worked example: D3-04 is the cycle's Saturday at 04:00 local", () => {
    const c = cycleForMonth("America/Los_Angeles", DATACENTER, 2026, 12);
    expect(c.anchorDate).toBe("2026-12-08");
    expect(c.periods).toHaveLength(24);
    expect(c.periods.map((p) => p.name).slice(0, 7)).toEqual([
      "D1-00",
      "D1-04",
      "D1-08",
      "D1-12",
      "D1-16",
      "D1-20",
      "D2-00",
    ]);
    const p = c.periods.find((x) => x.name === "D3-04")!;
    expect([isoUtc(p.window.start), isoUtc(p.window.end)]).toEqual(["2026-12-12T12:00:00Z", "2026-12-12T16:00:00Z"]);
    expect(new Date(p.window.start).getUTCDay()).toBe(6); // Saturday
    expect([isoUtc(c.start), isoUtc(c.end)]).toEqual(["2026-12-10T08:00:00Z", "2026-12-14T08:00:00Z"]);
  });

  it("the pilot window runs ahead of the cycle", () => {
    const c = cycleForMonth("America/Los_Angeles", DATACENTER, 2026, 12);
    expect([isoUtc(c.pilot!.start), isoUtc(c.pilot!.end)]).toEqual(["2026-12-09T02:00:00Z", "2026-12-10T02:00:00Z"]);
  });

  it("anchors on the last weekday, and crosses into the next month and year", () => {
    const s = spec("Asia/Tokyo", {
      anchor: { weekday: "friday", nth: "last" },
      offsetDays: 5,
      days: 2,
      periodHours: 12,
    });
    const c = cycleForMonth("Asia/Tokyo", s, 2026, 12);
    expect(c.anchorDate).toBe("2026-12-25");
    expect(periods(s, 2026, 12)).toEqual({
      "D1-00": "2026-12-29T15:00:00Z 2026-12-30T03:00:00Z",
      "D1-12": "2026-12-30T03:00:00Z 2026-12-30T15:00:00Z",
      "D2-00": "2026-12-30T15:00:00Z 2026-12-31T03:00:00Z",
      "D2-12": "2026-12-31T03:00:00Z 2026-12-31T15:00:00Z",
    });
    const n = spec("UTC", { anchor: { weekday: "tuesday", nth: 4 }, offsetDays: 10, days: 1, periodHours: 24 });
    expect(periods(n, 2026, 12)).toEqual({ "D1-00": "2027-01-01T00:00:00Z 2027-01-02T00:00:00Z" });
  });

  it("a fifth weekday the month lacks falls back to the last", () => {
    const s = spec("UTC", { anchor: { weekday: "monday", nth: 5 }, days: 1, periodHours: 24 });
    expect(cycleForMonth("UTC", s, 2026, 2).anchorDate).toBe("2026-02-23");
    expect(cycleForMonth("UTC", s, 2026, 3).anchorDate).toBe("2026-03-30");
  });

  it("finds the current or next cycle, the cycle an approval lands in, and a host's next period", () => {
    const during = Date.parse("2026-12-11T00:00:00Z");
    expect(currentOrNextCycle("America/Los_Angeles", DATACENTER, during).id).toBe("2026-12");
    expect(currentOrNextCycle("America/Los_Angeles", DATACENTER, Date.parse("2026-12-14T09:00:00Z")).id).toBe(
      "2027-01",
    );
    expect(cycleOpeningAfter("America/Los_Angeles", DATACENTER, Date.parse("2026-12-09T03:00:00Z")).id).toBe("2026-12");
    expect(cycleOpeningAfter("America/Los_Angeles", DATACENTER, Date.parse("2026-12-09T03:00:00Z"), true).id).toBe(
      "2027-01",
    );
    const next = nextPeriodWindow("America/Los_Angeles", DATACENTER, "D1-04", during)!;
    expect(next.cycle.id).toBe("2027-01");
    expect(isoUtc(next.period.window.start)).toBe("2027-01-14T12:00:00Z");
  });
});

describe("daylight saving time: periods are wall-clock times", () => {
  const hourly = (zone: string, anchor: Record<string, unknown>) => spec(zone, { anchor, days: 1, periodHours: 1 });
  const pick = (s: TimetableSpec, y: number, m: number, names: string[]) => {
    const all = periods(s, y, m);
    return Object.fromEntries(names.map((n) => [n, all[n]]));
  };

  it("America/Los_Angeles, spring 2026: a period in the skipped hour starts at the transition", () => {
    expect(
      pick(hourly("America/Los_Angeles", { weekday: "sunday", nth: 2 }), 2026, 3, ["D1-01", "D1-02", "D1-03"]),
    ).toEqual({
      "D1-01": "2026-03-08T09:00:00Z 2026-03-08T10:00:00Z",
      "D1-02": "2026-03-08T10:00:00Z 2026-03-08T11:00:00Z",
      "D1-03": "2026-03-08T10:00:00Z 2026-03-08T11:00:00Z",
    });
  });

  it("America/Los_Angeles, autumn 2026: a period in the repeated hour starts at its first occurrence and lasts two hours", () => {
    expect(
      pick(hourly("America/Los_Angeles", { weekday: "sunday", nth: 1 }), 2026, 11, ["D1-00", "D1-01", "D1-02"]),
    ).toEqual({
      "D1-00": "2026-11-01T07:00:00Z 2026-11-01T08:00:00Z",
      "D1-01": "2026-11-01T08:00:00Z 2026-11-01T10:00:00Z",
      "D1-02": "2026-11-01T10:00:00Z 2026-11-01T11:00:00Z",
    });
  });

  it("America/Los_Angeles 2027: four-hour periods spanning the transitions last three and five hours", () => {
    const s = spec("America/Los_Angeles", { anchor: { weekday: "sunday", nth: 2 }, days: 1, periodHours: 4 });
    expect(pick(s, 2027, 3, ["D1-00", "D1-04"])).toEqual({
      "D1-00": "2027-03-14T08:00:00Z 2027-03-14T11:00:00Z",
      "D1-04": "2027-03-14T11:00:00Z 2027-03-14T15:00:00Z",
    });
    const f = spec("America/Los_Angeles", { anchor: { weekday: "sunday", nth: 1 }, days: 1, periodHours: 4 });
    expect(pick(f, 2027, 11, ["D1-00", "D1-04"])).toEqual({
      "D1-00": "2027-11-07T07:00:00Z 2027-11-07T12:00:00Z",
      "D1-04": "2027-11-07T12:00:00Z 2027-11-07T16:00:00Z",
    });
  });

  it("Europe/Dublin 2026 and 2027 (winter time is the 'negative DST' in tzdata)", () => {
    const spring = hourly("Europe/Dublin", { weekday: "sunday", nth: "last" });
    expect(pick(spring, 2026, 3, ["D1-00", "D1-01", "D1-02"])).toEqual({
      "D1-00": "2026-03-29T00:00:00Z 2026-03-29T01:00:00Z",
      // 01:00–02:00 does not exist: the period keeps its nominal hour from the transition.
      "D1-01": "2026-03-29T01:00:00Z 2026-03-29T02:00:00Z",
      "D1-02": "2026-03-29T01:00:00Z 2026-03-29T02:00:00Z",
    });
    expect(pick(spring, 2026, 10, ["D1-00", "D1-01", "D1-02"])).toEqual({
      "D1-00": "2026-10-24T23:00:00Z 2026-10-25T00:00:00Z",
      "D1-01": "2026-10-25T00:00:00Z 2026-10-25T02:00:00Z",
      "D1-02": "2026-10-25T02:00:00Z 2026-10-25T03:00:00Z",
    });
    expect(pick(spring, 2027, 3, ["D1-01"])).toEqual({ "D1-01": "2027-03-28T01:00:00Z 2027-03-28T02:00:00Z" });
    expect(pick(spring, 2027, 10, ["D1-01"])).toEqual({ "D1-01": "2027-10-31T00:00:00Z 2027-10-31T02:00:00Z" });
  });

  it("Australia/Sydney (southern hemisphere): clocks go back in April and forward in October", () => {
    const s = hourly("Australia/Sydney", { weekday: "sunday", nth: 1 });
    expect(pick(s, 2026, 4, ["D1-02", "D1-03"])).toEqual({
      "D1-02": "2026-04-04T15:00:00Z 2026-04-04T17:00:00Z",
      "D1-03": "2026-04-04T17:00:00Z 2026-04-04T18:00:00Z",
    });
    expect(pick(s, 2026, 10, ["D1-01", "D1-02", "D1-03"])).toEqual({
      "D1-01": "2026-10-03T15:00:00Z 2026-10-03T16:00:00Z",
      "D1-02": "2026-10-03T16:00:00Z 2026-10-03T17:00:00Z",
      "D1-03": "2026-10-03T16:00:00Z 2026-10-03T17:00:00Z",
    });
    expect(pick(s, 2027, 4, ["D1-02"])).toEqual({ "D1-02": "2027-04-03T15:00:00Z 2027-04-03T17:00:00Z" });
    expect(pick(s, 2027, 10, ["D1-02"])).toEqual({ "D1-02": "2027-10-02T16:00:00Z 2027-10-02T17:00:00Z" });
  });

  it("Asia/Kolkata (UTC+05:30, no DST) and Asia/Tokyo (no DST) are steady all year", () => {
    const k = spec("Asia/Kolkata", { anchor: { weekday: "tuesday", nth: 2 }, days: 1, periodHours: 12 });
    expect(periods(k, 2026, 3)).toEqual({
      "D1-00": "2026-03-09T18:30:00Z 2026-03-10T06:30:00Z",
      "D1-12": "2026-03-10T06:30:00Z 2026-03-10T18:30:00Z",
    });
    expect(periods(k, 2027, 11)).toEqual({
      "D1-00": "2027-11-08T18:30:00Z 2027-11-09T06:30:00Z",
      "D1-12": "2027-11-09T06:30:00Z 2027-11-09T18:30:00Z",
    });
    const t = spec("Asia/Tokyo", { anchor: { weekday: "sunday", nth: 2 }, days: 1, periodHours: 24 });
    expect(periods(t, 2026, 3)).toEqual({ "D1-00": "2026-03-07T15:00:00Z 2026-03-08T15:00:00Z" });
    expect(periods(t, 2027, 11)).toEqual({ "D1-00": "2027-11-13T15:00:00Z 2027-11-14T15:00:00Z" });
  });
});
