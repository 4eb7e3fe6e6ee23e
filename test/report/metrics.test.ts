import { describe, expect, it } from "vitest";
import { metrics } from "../../reconciler/report/metrics.js";
import type { StatusSnapshot } from "../../reconciler/report/snapshot.js";

function snap(now: string, kb1: [number, number], compliant: number): StatusSnapshot {
  return {
    apiVersion: "patchops/v1",
    kind: "StatusSnapshot",
    now,
    policyRevision: null,
    approvalVerification: "verified",
    hosts: 100,
    byStatus: { compliant, noncompliant: 100 - compliant, stale: 0, unscanned: 0, unmanaged: 0 },
    jobs: { install: 0, synthetic: 0, healthcheck: 0, isolate: 0, notify: 0, uninstall: 0, restart: 0 },
    updates: {
      KB1: {
        decision: "approved",
        timeline: "emergency",
        approvedAt: "2026-12-01T00:00:00Z",
        states: { installed: kb1[0], missing: kb1[1] },
      },
      KB2: {
        decision: "approved",
        timeline: "standard",
        approvedAt: "2026-11-15T00:00:00Z",
        states: { installed: 10, superseded: 10, overdue: 80 },
      },
      KB3: { decision: "approved", timeline: "standard", approvedAt: "2026-12-02T00:00:00Z", states: {} },
      KB4: { decision: "rejected", timeline: "standard", approvedAt: null, states: {} },
      KB5: { decision: "pending", timeline: "standard", approvedAt: null, states: {} },
    },
    byOwner: {},
  };
}

describe("metrics from status snapshots (known answers)", () => {
  const history = [
    snap("2026-12-02T00:00:00Z", [50, 50], 40),
    snap("2026-12-03T00:00:00Z", [65, 35], 55),
    snap("2026-12-04T00:00:00Z", [85, 15], 70),
    snap("2026-12-05T00:00:00Z", [95, 5], 90),
  ];
  const m = metrics([...history].reverse());

  it("hours from approval to 60, 80 and 90 % saturation, and the success ratio", () => {
    const kb1 = m.updates.find((u) => u.id === "KB1")!;
    expect([kb1.hoursTo60, kb1.hoursTo80, kb1.hoursTo90]).toEqual([48, 72, 96]);
    expect(kb1.successRatio).toBe(0.95);
    expect(kb1.saturation.map((s) => s.ratio)).toEqual([0.5, 0.65, 0.85, 0.95]);
    const kb2 = m.updates.find((u) => u.id === "KB2")!;
    expect([kb2.hoursTo60, kb2.successRatio]).toEqual([null, 0.2]);
  });

  it("ratios of emergency updates and rejected RFCs, approvals per month, the compliance trend", () => {
    expect(m.emergencyRatio).toBe(0.333);
    expect(m.rejectedRatio).toBe(0.25);
    expect(m.approvedPerMonth).toEqual({ "2026-11": 1, "2026-12": 2 });
    expect(m.trend.map((t) => t.compliant)).toEqual([40, 55, 70, 90]);
    expect(m.snapshots).toBe(4);
  });
});
