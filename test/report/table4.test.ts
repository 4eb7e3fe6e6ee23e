import { describe, expect, it } from "vitest";
import { pilotPasses } from "../../reconciler/git/status-history.js";
import { StatusSnapshot } from "../../reconciler/model/snapshot.js";
import { summaryMarkdown } from "../../reconciler/report/digest.js";
import { metrics } from "../../reconciler/report/metrics.js";
import { snapshotOf } from "../../reconciler/report/snapshot.js";
import { LA_TIMETABLE, Scenario, assignmentDoc, policyDoc, scans, standardUpdate } from "../helpers/scenario.js";
import { complianceOf } from "../helpers/report.js";

// In memory: each run plans (with the pilot successes its earlier snapshots recorded, as plan reads them from the
// status branch), and its snapshot is what `status record` commits; the metrics and the step summary are report's.
// Recording on the branch and reading it back are the status-branch tests' and the workflow test's subject.
const HOSTS = ["ref-1", "app-2", "app-3", "app-4", "app-5"];

describe("metrics as the seed's Table 4 (issue 14.6)", () => {
  it("hours from test (pilot) success to 60 %, then 60 → 80 % and 80 → 90 %; from approval as a second figure", async () => {
    const scenario = new Scenario(
      {
        "policies/policy.yaml": policyDoc("  pilot: { minSuccessRatio: 1, hosts: { role: ref } }\n"),
        "windows/timetables/dc.yaml": LA_TIMETABLE,
        "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
          "{ name: ref-1, period: D1-04, role: ref }",
          "{ name: app-2, period: D1-08, role: app }",
          "{ name: app-3, period: D2-04, role: app }",
          "{ name: app-4, period: D3-04, role: app }",
          "{ name: app-5, period: D4-04, role: app }",
        ]),
        // Released 8 Dec: the approval takes effect then (8 Dec 00:00Z).
        "policies/updates/kb960.yaml": standardUpdate("KB960"),
      },
      "2026-12-01T12:00:00Z",
    );
    // Each run: the instant, and the hosts that report KB960 installed.
    const runs: [string, string[]][] = [
      ["2026-12-09T10:00:00Z", []],
      ["2026-12-10T01:00:00Z", ["ref-1"]], // the pilot passes: test success
      ["2026-12-11T21:00:00Z", ["ref-1", "app-2", "app-3"]], // 60 %: 44 h after test success
      ["2026-12-12T17:00:00Z", ["ref-1", "app-2", "app-3", "app-4"]], // 80 %: 20 h later
      ["2026-12-14T09:00:00Z", HOSTS], // 100 % (>= 90 %): 40 h later
    ];
    const snapshots: StatusSnapshot[] = [];
    let last;
    for (const [now, done] of runs) {
      const pilotPassed = pilotPasses(snapshots, Date.parse(now));
      last = await scenario.planAt(now, scans(now, HOSTS, Object.fromEntries(done.map((h) => [h, ["KB960"]]))), {
        pilotPassed,
      });
      // As committed (JSON) and read back (the shape the status history accepts).
      snapshots.push(StatusSnapshot.parse(JSON.parse(JSON.stringify(snapshotOf(last.plan, last.result.hosts)))));
    }
    const m = metrics(snapshots);
    const kb = m.updates.find((u) => u.id === "KB960")!;
    expect(kb.testPassedAt).toBe("2026-12-10T01:00:00Z");
    expect(kb.table4).toEqual({ testTo60: 44, from60To80: 20, from80To90: 40 });
    // The second figure, from approval (8 Dec 00:00Z): 93 h to 60 %, 113 h to 80 %, 153 h to 90 %.
    expect([kb.hoursTo60, kb.hoursTo80, kb.hoursTo90]).toEqual([93, 113, 153]);
    const summary = summaryMarkdown(last!.plan, complianceOf(last!.plan, last!.result.hosts, last!.jobs), m);
    expect(summary).toContain("| KB960 | 44 | 20 | 40 | 93 |");
  });
});
