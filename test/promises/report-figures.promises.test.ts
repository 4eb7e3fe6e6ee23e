// Report figures whose one-line mutations once survived: the CSV formula guard, exempt hosts in saturation, and
// retries of one job counted as separate attempts. Every expected value is worked out by hand in the comment beside it.
import { describe, expect, it } from "vitest";
import type { JobResult } from "../../reconciler/model/job-result.js";
import { csvCell } from "../../reconciler/report/csv.js";
import { jobMetrics } from "../../reconciler/report/job-metrics.js";
import { metrics } from "../../reconciler/report/metrics.js";
import type { StatusSnapshot } from "../../reconciler/report/snapshot.js";

describe("csvCell: a cell a spreadsheet would run as a formula gets a leading quote mark", () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ["+1+2", "'+1+2"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", `"'\r=1"`],
  ])("%j is written %j", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    ["host-01", "host-01"],
    ["a=b", "a=b"],
    ["x,y", `"x,y"`],
    ["", ""],
  ])("%j (no formula lead) is written %j", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("numbers are numbers, even negative ones", () => {
    expect(csvCell(-1)).toBe("-1");
    expect(csvCell(33.3)).toBe("33.3");
    expect(csvCell(null)).toBe("");
  });
});

function snapshot(now: string, states: StatusSnapshot["updates"][string]["states"]): StatusSnapshot {
  return {
    apiVersion: "patchops/v1",
    kind: "StatusSnapshot",
    now,
    policyRevision: null,
    approvalVerification: "verified",
    hosts: 4,
    byStatus: { compliant: 0, noncompliant: 4, stale: 0, unscanned: 0, unmanaged: 0 },
    jobs: { install: 0, synthetic: 0, healthcheck: 0, isolate: 0, notify: 0, uninstall: 0 },
    updates: {
      KB1: { decision: "approved", timeline: "standard", approvedAt: "2026-12-01T00:00:00Z", states },
    },
    byOwner: {},
  };
}

describe("saturation counts exempt hosts as not yet done", () => {
  it("2 installed and 2 exempt of 4 is 50 % (not 100 %), so 60 % is never reached", () => {
    const m = metrics([snapshot("2026-12-02T00:00:00Z", { installed: 2, exempt: 2 })]);
    const kb = m.updates[0]!;
    expect(kb.successRatio).toBe(0.5);
    expect(kb.saturation).toEqual([{ at: "2026-12-02T00:00:00Z", ratio: 0.5 }]);
    expect(kb.hoursTo60).toBeNull();
  });

  it("failed and deferred hosts are not done either: 1 installed, 1 failed, 1 deferred, 1 superseded is 50 %", () => {
    const m = metrics([snapshot("2026-12-02T00:00:00Z", { installed: 1, failed: 1, deferred: 1, superseded: 1 })]);
    expect(m.updates[0]!.successRatio).toBe(0.5);
  });

  it("a host where the update does not apply is outside: 3 installed, 1 missing, 5 not applicable is 75 %", () => {
    const m = metrics([snapshot("2026-12-02T00:00:00Z", { installed: 3, missing: 1, "not-applicable": 5 })]);
    expect(m.updates[0]!.successRatio).toBe(0.75);
  });
});

const result = (finishedAt: string, status: "succeeded" | "failed", code?: string): JobResult => ({
  jobId: "install-web-01-2026-12-10",
  host: "web-01",
  type: "install",
  status,
  updates: { KB1: code ? { status, code } : { status } },
  finishedAt,
});

describe("job success: each run of a job is an attempt", () => {
  it("a failure at 04:10 and its retry succeeding at 08:10 are two attempts, one failed: 50 %", () => {
    const m = jobMetrics([
      result("2026-12-10T04:10:00Z", "failed", "0x80240022"),
      result("2026-12-10T08:10:00Z", "succeeded"),
    ]);
    expect(m.results).toBe(2);
    expect(m.updates).toEqual([{ id: "KB1", attempts: 2, succeeded: 1, failed: 1, successRatio: 0.5 }]);
    expect(m.failuresByCode).toEqual([{ code: "0x80240022", failures: 1 }]);
    expect(m.topFailingHosts).toEqual([{ host: "web-01", failures: 1, updates: ["KB1"] }]);
  });

  it("the same result recorded twice (same host, job and instant, even in another offset) is one attempt", () => {
    const m = jobMetrics([
      result("2026-12-10T04:10:00Z", "failed", "0x80240022"),
      { ...result("2026-12-10T05:10:00+01:00", "failed", "0x80240022"), host: "WEB-01" },
    ]);
    expect(m.results).toBe(1);
    expect(m.updates).toEqual([{ id: "KB1", attempts: 1, succeeded: 0, failed: 1, successRatio: 0 }]);
  });
});
