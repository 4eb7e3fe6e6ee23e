import { describe, expect, it, vi } from "vitest";
import { summaryMarkdown } from "../../reconciler/report/digest.js";
import { metrics } from "../../reconciler/report/metrics.js";
import { planSummaryText } from "../helpers/plan-fixture.js";
import { cli } from "../helpers/repo.js";
import { complianceOf } from "../helpers/report.js";
import {
  LA_TIMETABLE,
  Scenario,
  assignmentDoc,
  planAt,
  policyDoc,
  scenarioRepo,
  scans,
  standardUpdate,
} from "../helpers/scenario.js";

// December 2026: the pilot window is 9 Dec 02:00Z – 10 Dec 02:00Z; D1-04 is 10 Dec 12:00Z, D2-04 11 Dec, D3-04 12 Dec.
const HOSTS = ["ref-1", "app-2", "app-3"];
const FILES = {
  "policies/policy.yaml": policyDoc(
    "  escalation: { afterHours: 24, action: isolate }\n  pilot: { minSuccessRatio: 1, hosts: { role: ref } }\n",
  ),
  "windows/timetables/dc.yaml": LA_TIMETABLE,
  "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
    "{ name: ref-1, period: D1-04, role: ref }",
    "{ name: app-2, period: D2-04, role: app }",
    "{ name: app-3, period: D3-04, role: app }",
  ]),
  "policies/updates/kb900.yaml": standardUpdate("KB900"),
};
const APPROVED = "2026-12-01T12:00:00Z";

describe("pilot failure (issue 14.1)", () => {
  it("while the pilot runs: the reference host gets the update without a forced restart, the broad wave waits", async () => {
    const scenario = new Scenario(FILES, APPROVED);
    const now = "2026-12-09T10:00:00Z";
    const p = await scenario.planAt(now, scans(now, HOSTS));
    expect(p.plan.summary.updates.KB900!.pilot).toEqual({
      state: "running",
      hosts: 1,
      installed: 0,
      failedHosts: [],
      passedAt: null,
    });
    expect(p.jobs.map((j) => [j.host, j.timeline, j.window.start, j.enforcement])).toEqual([
      ["ref-1", "pilot", "2026-12-09T02:00:00Z", { forceInstall: true, forceRestart: false }],
    ]);
    expect(p.hosts.get("app-2")!.held).toEqual(["KB900"]);
    expect(p.plan.findings.filter((f) => f.code.startsWith("pilot"))).toEqual([]);
  });

  it("once the pilot window has passed without the update: pilot-failed naming the host, every host held, no isolate ever; an override in a commit releases the wave", async () => {
    const scenario = new Scenario(FILES, APPROVED);
    const now = "2026-12-10T09:00:00Z";
    const p = await scenario.planAt(now, scans(now, HOSTS));
    expect(p.plan.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(p.plan.summary.updates.KB900!.pilot).toMatchObject({ state: "failed", failedHosts: ["ref-1"] });
    const finding = p.plan.findings.find((f) => f.code === "pilot-failed")!;
    expect(finding).toMatchObject({ severity: "warning", file: "policies/updates/kb900.yaml" });
    expect(finding.message).toContain("ref-1 did not report it installed after the pilot window");
    // What `patchops plan` prints.
    const printed = planSummaryText(p.result);
    expect(printed).toContain("pilot-failed");
    expect(printed).toContain("KB900        3 hosts (PILOT FAILED on ref-1: held until a pull request decides)");
    expect(p.jobs.filter((j) => j.updates.includes("KB900"))).toEqual([]);
    for (const h of HOSTS) expect(p.hosts.get(h)!.held, h).toEqual(["KB900"]);
    // The workflow's step summary (report's summary.md, with no status history yet) says it too.
    expect(summaryMarkdown(p.plan, complianceOf(p.plan, p.result.hosts, p.jobs), metrics([], []))).toContain(
      "**Pilot failed — the broad wave is held until a pull request decides:**\n- KB900: not installed on ref-1 after the pilot window",
    );

    // Ten days later, far past the SLA and escalation.afterHours: still held, still missing, nothing isolated.
    const late = "2026-12-20T09:00:00Z";
    const q = await scenario.planAt(late, scans(late, HOSTS));
    expect(q.plan.summary.updates.KB900!.pilot!.state).toBe("failed");
    expect(q.jobs).toEqual([]);
    expect(q.hosts.get("ref-1")!.updates.KB900).toBe("missing");

    // A person decides in a pull request: the override releases the wave; the owners are notified, nobody isolated.
    scenario.step(
      {
        "policies/updates/kb900.yaml": standardUpdate(
          "KB900",
          "  pilot: { override: proceed, reason: ref-1 had a full disk (INC-7); the update itself installs cleanly }\n",
        ),
      },
      "2026-12-20T10:00:00Z",
    );
    const after = "2026-12-20T12:00:00Z";
    const o = await scenario.planAt(after, scans(after, HOSTS));
    expect(o.plan.summary.updates.KB900!.pilot!.state).toBe("overridden");
    expect(o.plan.summary.updates.KB900!.held).toBeNull();
    expect(o.plan.findings.find((f) => f.code === "pilot-overridden")!.message).toContain("ref-1 had a full disk");
    expect(new Set(o.jobs.filter((j) => j.type === "install").map((j) => j.host))).toEqual(new Set(HOSTS));
    expect(o.jobs.filter((j) => j.type === "isolate")).toEqual([]);
    expect(o.jobs.filter((j) => j.type === "notify").map((j) => j.host)).toEqual(["app-2", "app-3", "ref-1"]);
  });

  it("a pilot success recorded on the status branch is not withdrawn when the reference host misses a scan", async () => {
    // Snapshots count as evidence only when sealed by status record with the reconcile job's key.
    vi.stubEnv("PATCHOPS_STATUS_KEY", "reconcile-job-secret");
    // One permutation: the automatic selection takes the first host by name, a-ref; without it, b-app.
    const repo = await scenarioRepo(
      {
        ...FILES,
        "policies/policy.yaml": policyDoc("  pilot: { minSuccessRatio: 1, hosts: auto }\n"),
        "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
          "{ name: a-ref, period: D1-04, role: app }",
          "{ name: b-app, period: D2-04, role: app }",
          "{ name: c-app, period: D3-04, role: app }",
        ]),
      },
      APPROVED,
    );
    const fleet = ["a-ref", "b-app", "c-app"];
    const now = "2026-12-10T03:00:00Z";
    const p = await planAt(repo, now, scans(now, fleet, { "a-ref": ["KB900"] }));
    expect(p.plan.pilot.hosts).toEqual(["a-ref"]);
    expect(p.plan.summary.updates.KB900!.pilot).toMatchObject({ state: "passed", passedAt: now });
    expect((await cli("status", "record", "--plan", p.out, "--repo", repo)).code).toBe(0);

    // The next day a-ref is silent (stale): the reference collection now picks b-app, which has not got it yet.
    const next = "2026-12-11T09:00:00Z";
    const stale = [
      { host: "a-ref", scannedAt: "2026-12-09T20:00:00Z", installed: ["KB900"] },
      ...scans(next, ["b-app", "c-app"]),
    ];
    const q = await planAt(repo, next, stale);
    expect(q.hosts.get("a-ref")!.status).toBe("stale");
    expect(q.plan.summary.updates.KB900!.pilot).toMatchObject({ state: "passed", passedAt: now });
    expect(q.hosts.get("c-app")!.held).toBeUndefined();
    expect(q.jobs.find((j) => j.host === "b-app")).toMatchObject({
      type: "install",
      timeline: "standard",
      window: { start: "2026-12-11T12:00:00Z" },
    });
    // The same plan without the status history: the success is gone and everyone waits. The history is what keeps it.
    const blind = await planAt(repo, next, stale, ["--status-history", "no-such-branch"]);
    expect(blind.plan.summary.updates.KB900!.pilot!.state).not.toBe("passed");
    expect(blind.hosts.get("c-app")!.held).toEqual(["KB900"]);
    vi.unstubAllEnvs();
  });
});
