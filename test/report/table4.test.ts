import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Metrics } from "../../reconciler/report/metrics.js";
import { cli } from "../helpers/repo.js";
import {
  LA_TIMETABLE,
  assignmentDoc,
  planAt,
  policyDoc,
  scenarioRepo,
  scans,
  standardUpdate,
} from "../helpers/scenario.js";

const HOSTS = ["ref-1", "app-2", "app-3", "app-4", "app-5"];

describe("metrics as the seed's Table 4 (issue 14.6)", () => {
  it("hours from test (pilot) success to 60 %, then 60 → 80 % and 80 → 90 %; from approval as a second figure", async () => {
    const repo = await scenarioRepo(
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
    let out = "";
    for (const [now, done] of runs) {
      const p = await planAt(repo, now, scans(now, HOSTS, Object.fromEntries(done.map((h) => [h, ["KB960"]]))));
      expect((await cli("status", "record", "--plan", p.out, "--repo", repo)).code).toBe(0);
      out = p.out;
    }
    const site = join(repo, "site");
    expect((await cli("report", "--plan", out, "--out", site, "--repo", repo)).code).toBe(0);
    const m = JSON.parse(await readFile(join(site, "metrics.json"), "utf8")) as Metrics;
    const kb = m.updates.find((u) => u.id === "KB960")!;
    expect(kb.testPassedAt).toBe("2026-12-10T01:00:00Z");
    expect(kb.table4).toEqual({ testTo60: 44, from60To80: 20, from80To90: 40 });
    // The second figure, from approval (8 Dec 00:00Z): 93 h to 60 %, 113 h to 80 %, 153 h to 90 %.
    expect([kb.hoursTo60, kb.hoursTo80, kb.hoursTo90]).toEqual([93, 113, 153]);
    const summary = await readFile(join(site, "summary.md"), "utf8");
    expect(summary).toContain("| KB960 | 44 | 20 | 40 | 93 |");
  });
});
