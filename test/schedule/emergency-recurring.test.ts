import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import rrulePkg from "rrule";
import { TimetableSpec } from "../../reconciler/model/timetable.js";
import { emergencyTimeline, firstFullHour } from "../../reconciler/schedule/emergency.js";
import { emergencyPeriodOf } from "../../reconciler/schedule/periods.js";
import { nextOccurrences } from "../../reconciler/schedule/recurring.js";
import { hostSlots } from "../../reconciler/schedule/slots.js";
import { isoUtc } from "../../reconciler/schedule/wall-clock.js";

const { RRule } = rrulePkg;

const DATACENTER = TimetableSpec.parse({
  timeZone: "America/Los_Angeles",
  cycle: { anchor: { weekday: "tuesday", nth: 2 }, offsetDays: 2 },
  pilot: { offsetDays: 0, startTime: "18:00", hours: 24 },
});

describe("emergency timeline", () => {
  it("the seeds' worked example: a D3-04 server is patched in Hour 3, all done within seven hours", () => {
    const approved = Date.parse("2026-12-15T17:20:00Z"); // 09:20 in Los Angeles
    const t = emergencyTimeline("America/Los_Angeles", DATACENTER, approved);
    expect(emergencyPeriodOf(DATACENTER, "D3-04")).toBe(3);
    expect(t.periods.map((w) => `${isoUtc(w.start)} ${isoUtc(w.end)}`)).toEqual([
      "2026-12-15T18:00:00Z 2026-12-15T19:00:00Z",
      "2026-12-15T19:00:00Z 2026-12-15T20:00:00Z",
      "2026-12-15T20:00:00Z 2026-12-15T21:00:00Z",
      "2026-12-15T21:00:00Z 2026-12-15T22:00:00Z",
    ]);
    expect([isoUtc(t.followUp.start), isoUtc(t.followUp.end)]).toEqual([
      "2026-12-15T22:00:00Z",
      "2026-12-16T01:00:00Z",
    ]);
    expect(t.end - t.start).toBe(7 * 3_600_000);
  });

  it("starts at the first full local hour: exactly on the hour, and in a half-hour zone", () => {
    expect(isoUtc(firstFullHour("America/Los_Angeles", Date.parse("2026-12-15T17:00:00Z")))).toBe(
      "2026-12-15T17:00:00Z",
    );
    expect(isoUtc(firstFullHour("America/Los_Angeles", Date.parse("2026-12-15T17:00:01Z")))).toBe(
      "2026-12-15T18:00:00Z",
    );
    expect(isoUtc(firstFullHour("Asia/Kolkata", Date.parse("2026-12-09T10:10:00Z")))).toBe("2026-12-09T10:30:00Z");
  });

  it("runs in real hours across a DST transition", () => {
    const t = emergencyTimeline("America/Los_Angeles", DATACENTER, Date.parse("2026-11-01T08:30:00Z")); // 01:30 PDT, first pass
    expect(t.periods.map((w) => isoUtc(w.start))).toEqual([
      "2026-11-01T09:00:00Z",
      "2026-11-01T10:00:00Z",
      "2026-11-01T11:00:00Z",
      "2026-11-01T12:00:00Z",
    ]);
  });

  it("a host's slots: standard, emergency and pilot", () => {
    const s = hostSlots(DATACENTER, "D3-04", Date.parse("2026-12-01T00:00:00Z"));
    expect(isoUtc(s.standard!.start)).toBe("2026-12-12T12:00:00Z");
    expect(s.emergency.period).toBe(3);
    expect(isoUtc(s.emergency.window.start)).toBe("2026-12-01T02:00:00Z");
    expect(isoUtc(s.pilot!.start)).toBe("2026-12-09T02:00:00Z");
  });
});

describe("recurring windows (RRULE and cron) in a zone", () => {
  const now = Date.parse("2026-10-20T00:00:00Z");
  it("an RRULE across Dublin's autumn transition", () => {
    const w = { name: "sun", rrule: "FREQ=WEEKLY;BYDAY=SU;BYHOUR=1;BYMINUTE=0", duration: "PT4H", emergencyPeriod: 1 };
    expect(nextOccurrences("Europe/Dublin", w, now, 3).map((x) => `${isoUtc(x.start)} ${isoUtc(x.end)}`)).toEqual([
      "2026-10-25T00:00:00Z 2026-10-25T05:00:00Z",
      "2026-11-01T01:00:00Z 2026-11-01T05:00:00Z",
      "2026-11-08T01:00:00Z 2026-11-08T05:00:00Z",
    ]);
  });

  it("a cron expression gives the same instants as the equivalent RRULE", () => {
    const w = { name: "sun", cron: "0 1 * * 0", duration: "PT4H", emergencyPeriod: 1 };
    expect(nextOccurrences("Europe/Dublin", w, now, 3).map((x) => isoUtc(x.start))).toEqual([
      "2026-10-25T00:00:00Z",
      "2026-11-01T01:00:00Z",
      "2026-11-08T01:00:00Z",
    ]);
  });

  it("a window in the spring gap of Los Angeles starts at the transition", () => {
    const w = { name: "nightly", cron: "30 2 * * *", duration: "PT1H", emergencyPeriod: 1 };
    expect(
      nextOccurrences("America/Los_Angeles", w, Date.parse("2026-03-07T12:00:00Z"), 2).map(
        (x) => `${isoUtc(x.start)} ${isoUtc(x.end)}`,
      ),
    ).toEqual(["2026-03-08T10:00:00Z 2026-03-08T10:30:00Z", "2026-03-09T09:30:00Z 2026-03-09T10:30:00Z"]);
  });
});

describe("recurring windows iterate from near the query, with the occurrences of a rule anchored at 2000", () => {
  const zone = "Europe/Dublin";
  const from = Date.parse("2026-11-23T00:00:00Z");
  const rules = [
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;BYHOUR=1;BYMINUTE=0",
    "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,TH;BYHOUR=22;BYMINUTE=30",
    "FREQ=DAILY;INTERVAL=5;BYHOUR=3;BYMINUTE=0",
    "FREQ=HOURLY;INTERVAL=7;BYMINUTE=15",
    "FREQ=MONTHLY;INTERVAL=2;BYDAY=SA;BYSETPOS=-1;BYHOUR=4;BYMINUTE=0",
    "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;BYHOUR=20;BYMINUTE=0",
    "FREQ=YEARLY;INTERVAL=3;BYMONTH=7;BYMONTHDAY=1;BYHOUR=0;BYMINUTE=0",
  ];
  it.each(rules)("%s gives the same windows as the rule started at 2000-01-01", (rrule) => {
    const got = nextOccurrences(zone, { name: "w", rrule, duration: "PT2H", emergencyPeriod: 1 }, from, 6);
    // The independent reading: the rrule library itself, from DTSTART 2000-01-01, in floating time.
    const rule = new RRule({ ...RRule.parseString(rrule), dtstart: new Date(Date.UTC(2000, 0, 1)) });
    const fromFloating = from + 2 * 3_600_000 - 26 * 3_600_000 - 3_600_000;
    const expected = rule
      .between(new Date(fromFloating - 86_400_000 * 2), new Date(from + 30 * 366 * 86_400_000), true)
      .map((d) => DateTime.fromISO(d.toISOString().slice(0, 19), { zone }).toMillis())
      .map((start) => ({ start, end: DateTime.fromMillis(start, { zone }).plus({ hours: 2 }).toMillis() }))
      .filter((w) => w.end > from)
      .slice(0, 6);
    expect(got.map((w) => new Date(w.start).toISOString())).toEqual(
      expected.map((w) => new Date(w.start).toISOString()),
    );
  });
});
