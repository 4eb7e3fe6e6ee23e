import { describe, expect, it } from "vitest";
import { planSummaryText } from "../helpers/plan-fixture.js";
import { LA_TIMETABLE, Scenario, assignmentDoc, policyDoc, scans, standardUpdate } from "../helpers/scenario.js";

// December 2026 in Los Angeles: pilot 9 Dec 02:00Z – 10 Dec 02:00Z; D1-00 10 Dec 08:00Z, D1-04 12:00Z, D2-04 11 Dec
// 12:00Z, D3-04 12 Dec 12:00Z; the cycle ends 14 Dec 08:00Z. January's D1-00 is 14 Jan 08:00Z.
const HOSTS = ["app-0", "ref-1", "app-2", "app-3"];
const FILES = {
  "policies/policy.yaml": policyDoc(
    "  sla: { standardDays: 7 }\n  pilot: { minSuccessRatio: 1, hosts: { role: ref } }\n",
  ),
  "windows/timetables/dc.yaml": LA_TIMETABLE,
  "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
    "{ name: app-0, period: D1-00, role: app }",
    "{ name: ref-1, period: D1-04, role: ref }",
    "{ name: app-2, period: D2-04, role: app }",
    "{ name: app-3, period: D3-04, role: app }",
  ]),
  "policies/updates/kb930.yaml": standardUpdate("KB930"),
};

const windowsOf = (jobs: { host: string; timeline: string; window: { start: string } }[]) =>
  Object.fromEntries(jobs.map((j) => [j.host, `${j.timeline} ${j.window.start}`]));

describe("late approvals keep the SLA (issue 14.3)", () => {
  it("approved while the pilot window is open: the pilot is shortened to what is left, the broad wave stays in December", async () => {
    const scenario = new Scenario(FILES, "2026-12-09T12:00:00Z");
    const now = "2026-12-09T13:00:00Z";
    const p = await scenario.planAt(now, scans(now, HOSTS));
    expect(p.plan.summary.updates.KB930!.approvedAt).toBe("2026-12-09T12:00:00Z");
    expect(windowsOf(p.jobs)).toEqual({ "ref-1": "pilot 2026-12-09T02:00:00Z" });
    expect(p.hosts.get("app-2")!.held).toEqual(["KB930"]);
    expect(p.plan.findings.find((f) => f.code === "pilot-skipped")!.message).toContain(
      "with a pilot shortened to what is left of the window",
    );

    // The pilot passes overnight: the broad wave goes in this cycle's remaining periods, within 7 days of approval.
    const later = "2026-12-10T09:00:00Z";
    const q = await scenario.planAt(later, scans(later, HOSTS, { "ref-1": ["KB930"] }));
    expect(windowsOf(q.jobs)).toEqual({
      "app-0": "standard 2026-12-10T08:00:00Z",
      "app-2": "standard 2026-12-11T12:00:00Z",
      "app-3": "standard 2026-12-12T12:00:00Z",
    });
    expect(q.plan.findings.filter((f) => f.code === "sla-at-risk")).toEqual([]);
  });

  it("approved after the pilot window, once D1-00 is over: no pilot (a finding says so), the rest of the cycle (a period in progress included), and sla-at-risk for the host whose period is over", async () => {
    const scenario = new Scenario(FILES, "2026-12-10T13:00:00Z");
    const now = "2026-12-10T13:30:00Z";
    const p = await scenario.planAt(now, scans(now, HOSTS));
    expect(p.plan.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(windowsOf(p.jobs)).toEqual({
      "app-0": "standard 2027-01-14T08:00:00Z",
      "ref-1": "standard 2026-12-10T12:00:00Z",
      "app-2": "standard 2026-12-11T12:00:00Z",
      "app-3": "standard 2026-12-12T12:00:00Z",
    });
    expect(p.plan.summary.updates.KB930!.pilot).toBeUndefined();
    expect(p.plan.summary.updates.KB930!.held).toBeNull();
    const codes = p.plan.findings.map((f) => f.code);
    expect(codes).toContain("pilot-skipped");
    expect(p.plan.findings.find((f) => f.code === "pilot-skipped")!.message).toContain("without a pilot wave");
    // The SLA counts from approval (10 Dec 13:00Z + 7 days), not from a cycle: the January window is reported.
    expect(p.plan.summary.updates.KB930!.slaAtRisk).toEqual({
      hosts: 1,
      slaBy: "2026-12-17T13:00:00Z",
      latestWindowEnd: "2027-01-14T12:00:00Z",
      examples: ["app-0"],
    });
    expect(p.plan.findings.find((f) => f.code === "sla-at-risk")).toMatchObject({
      severity: "warning",
      file: "policies/updates/kb930.yaml",
      message:
        "app-0: its next window (2027-01-14T08:00:00Z – 2027-01-14T12:00:00Z) ends after the SLA: KB930 approved at 2026-12-10T13:00:00Z, due within 7 days (by 2026-12-17T13:00:00Z)",
    });
    expect(planSummaryText(p.result)).toContain("sla-at-risk");
  });

  it("approved before the cycle opens: on time, no finding", async () => {
    const scenario = new Scenario(FILES, "2026-12-08T12:00:00Z");
    const now = "2026-12-08T13:00:00Z";
    const p = await scenario.planAt(now, scans(now, HOSTS));
    expect(windowsOf(p.jobs)).toEqual({ "ref-1": "pilot 2026-12-09T02:00:00Z" });
    expect(p.plan.findings.filter((f) => f.code === "pilot-skipped" || f.code === "sla-at-risk")).toEqual([]);
  });
});
