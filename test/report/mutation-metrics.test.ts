// The seeds' metrics from four status snapshots whose answers are worked out by hand: saturation per snapshot
// (deferred, exempt and failed are not saturated), hours from approval to 60/80/90 % (a snapshot at the approval
// instant counts), Table 4 from the first recorded pilot success (a snapshot at that instant counts), ratios, approvals
// per month and the trend; snapshots given out of order.
import { describe, expect, it } from "vitest";
import type { StatusSnapshot } from "../../reconciler/model/snapshot.js";
import { metrics } from "../../reconciler/report/metrics.js";

type U = StatusSnapshot["updates"][string];
const u = (states: U["states"], over: Partial<U> = {}): U => ({
  decision: "approved",
  timeline: "standard",
  approvedAt: null,
  states,
  ...over,
});
const snap = (now: string, compliant: number | undefined, updates: Record<string, U>): StatusSnapshot => ({
  apiVersion: "patchops/v1",
  kind: "StatusSnapshot",
  now,
  policyRevision: null,
  approvalVerification: "verified",
  hosts: 10,
  byStatus: compliant === undefined ? {} : { compliant },
  jobs: {},
  updates,
  byOwner: {},
});
const T1 = "2026-12-01T00:00:00Z";
const T2 = "2026-12-01T10:00:00Z";
const T3 = "2026-12-02T00:00:00Z";
const T4 = "2026-12-03T00:00:00Z";
const KB1 = { approvedAt: "2026-11-30T12:00:00Z" };
const KB2 = { approvedAt: "2026-12-01T06:00:00Z", timeline: "emergency" as const };
const KB6 = { approvedAt: T2 };
const SNAPSHOTS = [
  snap(T3, 8, {
    KB1: u(
      { installed: 7, superseded: 1, failed: 1, exempt: 1 },
      { ...KB1, pilot: { state: "passed", passedAt: "2026-12-01T09:00:00Z" } },
    ),
    KB2: u({ installed: 2, missing: 1 }, KB2),
    KB6: u({ installed: 10 }, { ...KB6, pilot: { state: "passed", passedAt: T3 } }),
  }),
  snap(T1, 2, {
    KB1: u({ installed: 5, missing: 5 }, { ...KB1, pilot: { state: "running", passedAt: null } }),
    KB6: u({ installed: 10 }, KB6),
    KB9: u({ installed: 1 }, { approvedAt: T1 }),
  }),
  snap(T4, 9, {
    KB1: u({ installed: 9, "not-applicable": 5, missing: 1 }, KB1),
    KB2: u({ "not-applicable": 3 }, { ...KB2, pilot: { state: "passed", passedAt: null } }),
    KB3: u({}, { decision: "rejected" }),
    KB4: u({ missing: 2 }, { decision: "pending" }),
    KB5: u({ installed: 1 }, { pilot: { state: "running", passedAt: null } }),
    KB6: u({ installed: 10 }, KB6),
  }),
  snap(T2, undefined, {
    KB1: u(
      { installed: 6, missing: 3, deferred: 1 },
      { ...KB1, pilot: { state: "passed", passedAt: "2026-12-01T08:00:00Z" } },
    ),
    KB2: u({ installed: 1, missing: 2 }, KB2),
    KB6: u({ installed: 10 }, KB6),
  }),
];

// Computed inside each test, never while the file is collected: Stryker credits a mutant's kill to the test running.
describe("metrics", () => {
  it("per approved update of the latest snapshot: saturation, hours from approval, Table 4, success ratio", () => {
    const m = metrics(SNAPSHOTS);
    expect(m.snapshots).toBe(4);
    expect(m.updates.map((x) => x.id)).toEqual(["KB1", "KB2", "KB5", "KB6"]);
    const [kb1, kb2, kb5, kb6] = m.updates;
    expect(kb1).toEqual({
      id: "KB1",
      timeline: "standard",
      approvedAt: "2026-11-30T12:00:00Z",
      // 5/10, 6/10 (deferred is not saturated), 8/10 (superseded counts; failed and exempt do not), 9/10.
      saturation: [
        { at: T1, ratio: 0.5 },
        { at: T2, ratio: 0.6 },
        { at: T3, ratio: 0.8 },
        { at: T4, ratio: 0.9 },
      ],
      // From 30 Nov 12:00: 1 Dec 10:00 is 22 h, 2 Dec 00:00 is 36 h, 3 Dec 00:00 is 60 h.
      hoursTo60: 22,
      hoursTo80: 36,
      hoursTo90: 60,
      // The first snapshot that recorded the pass (T2's, 08:00), not T3's later record of it.
      testPassedAt: "2026-12-01T08:00:00Z",
      table4: { testTo60: 2, from60To80: 14, from80To90: 24 },
      successRatio: 0.9,
    });
    expect(kb2).toEqual({
      id: "KB2",
      timeline: "emergency",
      approvedAt: "2026-12-01T06:00:00Z",
      // T4 lists it on no host it applies to: no ratio there.
      saturation: [
        { at: T2, ratio: 0.333 },
        { at: T3, ratio: 0.667 },
      ],
      hoursTo60: 18,
      hoursTo80: null,
      hoursTo90: null,
      // Passed without an instant: the snapshot's own.
      testPassedAt: T4,
      table4: { testTo60: null, from60To80: null, from80To90: null },
      successRatio: null,
    });
    expect(kb5).toMatchObject({
      saturation: [{ at: T4, ratio: 1 }],
      hoursTo60: null,
      hoursTo80: null,
      hoursTo90: null,
      testPassedAt: null,
      table4: { testTo60: null, from60To80: null, from80To90: null },
      successRatio: 1,
    });
    // A snapshot at the approval instant (T2) counts, one before it (T1) does not; the pass at T3 counts from T3.
    expect(kb6).toMatchObject({
      hoursTo60: 0,
      hoursTo80: 0,
      hoursTo90: 0,
      testPassedAt: T3,
      table4: { testTo60: 0, from60To80: 0, from80To90: 0 },
    });
  });

  it("ratios, approvals per month and the trend", () => {
    const m = metrics(SNAPSHOTS);
    // Approved: KB1, KB2 (emergency), KB5, KB6; decided: those and KB3 (rejected).
    expect(m.emergencyRatio).toBe(0.25);
    expect(m.rejectedRatio).toBe(0.2);
    expect(m.approvedPerMonth).toEqual({ "2026-11": 1, "2026-12": 2 });
    expect(Object.keys(m.approvedPerMonth)).toEqual(["2026-11", "2026-12"]);
    expect(m.trend).toEqual([
      { at: T1, compliant: 2, hosts: 10 },
      { at: T2, compliant: 0, hosts: 10 },
      { at: T3, compliant: 8, hosts: 10 },
      { at: T4, compliant: 9, hosts: 10 },
    ]);
    expect(m.jobs).toEqual({ results: 0, updates: [], failuresByCode: [], topFailingHosts: [] });
  });

  it("no snapshot: nothing to measure", () => {
    expect(metrics([])).toEqual({
      snapshots: 0,
      updates: [],
      emergencyRatio: null,
      rejectedRatio: null,
      approvedPerMonth: {},
      trend: [],
      jobs: { results: 0, updates: [], failuresByCode: [], topFailingHosts: [] },
    });
  });

  it("a Table 4 row reaches 80 % without a later 90 %, and 60 % only after the pass", () => {
    const r = metrics([
      snap(T1, 0, { KB7: u({ installed: 9, missing: 1 }, { approvedAt: T1 }) }),
      snap(T2, 0, {
        KB7: u({ installed: 8, missing: 2 }, { approvedAt: T1, pilot: { state: "passed", passedAt: T2 } }),
      }),
      snap(T3, 0, { KB7: u({ installed: 7, missing: 3 }, { approvedAt: T1 }) }),
    ]);
    // After the pass at T2: 0.8 at T2 is at or above 60 and 80; no 90 % after it.
    expect(r.updates[0]!.table4).toEqual({ testTo60: 0, from60To80: 0, from80To90: null });
    expect(r.updates[0]!.hoursTo90).toBe(0);
    expect(r.emergencyRatio).toBe(0);
    expect(r.rejectedRatio).toBe(0);
  });
});
