import { access, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateSource } from "../../reconciler/validate/validate.js";
import { memorySource } from "../helpers/memory-source.js";
import { fixtureFiles, writePlanFiles } from "../helpers/plan-fixture.js";
import { cli, tempRepo } from "../helpers/repo.js";
import { LA_TIMETABLE, Scenario, assignmentDoc, policyDoc, scans, standardUpdate } from "../helpers/scenario.js";

const NY = (extra = "") => `apiVersion: patchops/v1
kind: Timetable
metadata:
  name: ny
spec:
  timeZone: America/New_York
  cycle:
    anchor: { weekday: tuesday, nth: 2 }
    offsetDays: ${extra || "2"}
`;

const RECURRING = (name: string, zone: string, rrule: string, duration: string) => `apiVersion: patchops/v1
kind: Timetable
metadata:
  name: ${name}
spec:
  timeZone: ${zone}
  windows:
    - { name: weekly, rrule: "${rrule}", duration: ${duration} }
`;

async function clusterFindings(files: Record<string, string>) {
  const source = memorySource({ ...fixtureFiles("minimal"), ...files });
  const { diagnostics } = await validateSource(source, Date.parse("2026-12-01T00:00:00Z"));
  return diagnostics
    .filter((d) => d.code.startsWith("cluster"))
    .map((d) => `${d.code} ${d.file}:${d.line} ${d.message}`);
}

const twoSites = (la: string, ny: string) => ({
  "windows/timetables/ny.yaml": NY(),
  "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [`{ name: sql-la, period: ${la}, cluster: sqlc }`]),
  "windows/assignments/team-b.yaml": assignmentDoc("team-b", "ny", [`{ name: sql-ny, period: ${ny}, cluster: sqlc }`]),
});

describe("validate: cluster nodes apart in UTC, across zones and recurring windows (issue 14.2)", () => {
  it("D1-20 in Los Angeles and D2-00 in New York share UTC hours: an error naming both windows", async () => {
    expect(await clusterFindings(twoSites("D1-20", "D2-00"))).toEqual([
      "cluster-overlap windows/assignments/team-b.yaml:9 cluster 'sqlc': sql-ny and sql-la: their standard windows overlap in UTC (sql-la dc/D1-20 2026-12-11T04:00:00Z – 2026-12-11T08:00:00Z, sql-ny ny/D2-00 2026-12-11T05:00:00Z – 2026-12-11T09:00:00Z); give each node a period that no other node's window touches",
    ]);
  });

  it("different standard hours but the same emergency period in two zones: the emergency timeline overlaps", async () => {
    const found = await clusterFindings(twoSites("D2-04", "D2-16"));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain("their emergency windows overlap in UTC");
  });

  it("recurring windows in two zones that share UTC hours are caught; apart they are clean", async () => {
    const files = (nyRule: string) => ({
      "windows/timetables/la-weekly.yaml": RECURRING(
        "la-weekly",
        "America/Los_Angeles",
        "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0",
        "PT4H",
      ),
      "windows/timetables/ny-weekly.yaml": RECURRING("ny-weekly", "America/New_York", nyRule, "PT2H"),
      "windows/assignments/team-a.yaml": assignmentDoc("team-a", "la-weekly", [
        "{ name: web-la, period: weekly, cluster: webc }",
      ]),
      "windows/assignments/team-b.yaml": assignmentDoc("team-b", "ny-weekly", [
        "{ name: web-ny, period: weekly, cluster: webc }",
      ]),
    });
    // Sunday 05:00 in New York is Sunday 02:00 in Los Angeles.
    const clash = await clusterFindings(files("FREQ=WEEKLY;BYDAY=SU;BYHOUR=5;BYMINUTE=0"));
    expect(clash[0]).toContain("their standard windows overlap in UTC");
    // Wednesday in New York: the standard windows are apart, but both take emergency period 1.
    const apart = await clusterFindings(files("FREQ=WEEKLY;BYDAY=WE;BYHOUR=5;BYMINUTE=0"));
    expect(apart).toHaveLength(1);
    expect(apart[0]).toContain("their emergency windows overlap");
  });

  it("nodes apart in every zone and timeline are clean", async () => {
    expect(await clusterFindings(twoSites("D1-20", "D3-00"))).toEqual([]);
  });
});

describe("plan: a conflict that only appears at plan time holds the later node and plans the rest (issue 14.2)", () => {
  // sql-1 (Los Angeles) is the reference host: its pilot window is 9 Dec 02:00Z – 10 Dec 02:00Z. sql-2 sits in a New
  // York timetable whose D2-00 is 9 Dec 05:00Z – 09:00Z: apart in validation, together only once sql-1 is in the pilot.
  const FILES = {
    "policies/policy.yaml": policyDoc("  pilot: { minSuccessRatio: 1, hosts: { role: sql } }\n"),
    "windows/timetables/dc.yaml": LA_TIMETABLE,
    "windows/timetables/ny.yaml": NY("0"),
    "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
      "{ name: sql-1, period: D1-12, role: sql, cluster: sqlc }",
      "{ name: web-1, period: D1-08, role: web }",
    ]),
    "windows/assignments/team-b.yaml": assignmentDoc("team-b", "ny", [
      "{ name: sql-2, period: D2-00, role: sql, cluster: sqlc }",
    ]),
    "policies/updates/kb910.yaml": standardUpdate("KB910"),
    "policies/updates/kb911.yaml": standardUpdate("KB911", "  pilot: false\n"),
  };
  const HOSTS = ["sql-1", "sql-2", "web-1"];
  const NOW = "2026-12-09T04:00:00Z";

  it("the pilot selection takes one node per cluster; the later node's job is held with a finding, exit 0, export refuses an overlap", async () => {
    const p = await new Scenario(FILES, "2026-12-01T12:00:00Z").planAt(NOW, scans(NOW, HOSTS));
    expect(p.plan.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(p.plan.pilot.hosts).toEqual(["sql-1"]);
    expect(p.jobs.filter((j) => j.host.startsWith("sql")).map((j) => [j.host, j.timeline, j.updates])).toEqual([
      ["sql-1", "pilot", ["KB910"]],
      ["sql-1", "standard", ["KB911"]],
    ]);
    expect(p.hosts.get("sql-2")!.held).toEqual(["KB910", "KB911"]);
    expect(p.plan.findings).toContainEqual(
      expect.objectContaining({
        code: "cluster-held",
        severity: "warning",
        file: "windows/assignments/team-b.yaml",
        message:
          "cluster 'sqlc': sql-2 (2026-12-09T05:00:00Z – 2026-12-09T09:00:00Z, standard) would overlap sql-1 (2026-12-09T02:00:00Z – 2026-12-10T02:00:00Z); sql-2's job is held until sql-1 is done",
      }),
    );
    expect(p.jobs.filter((j) => j.host === "web-1").length).toBe(1);
    // The export (the CLI, reading the plan's files) takes it, and refuses a plan that still holds an overlap.
    const repo = await tempRepo("minimal");
    const out = await writePlanFiles(p.result, join(repo, "plan"));
    expect((await cli("export", "ansible", "--plan", out, "--out", join(repo, "ok.yml"))).code).toBe(0);

    // A plan that still holds an overlap (written by an older version, merged by hand) is never exported.
    const held = JSON.parse((await readFile(join(out, "jobs.ndjson"), "utf8")).split("\n")[0]!) as {
      host: string;
      id: string;
    };
    const clone = { ...held, host: "sql-2", id: "0123456789abcdef" };
    await writeFile(
      join(out, "jobs.ndjson"),
      (await readFile(join(out, "jobs.ndjson"), "utf8")) + JSON.stringify(clone) + "\n",
    );
    const r = await cli("export", "ansible", "--plan", out, "--out", join(repo, "bad.yml"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cluster 'sqlc': sql-1");
    await expect(access(join(repo, "bad.yml"))).rejects.toThrow();
  });

  it("an emergency keeps its window first: both nodes get theirs, the pilot job that would overlap waits", async () => {
    const scenario = new Scenario(FILES, "2026-12-01T12:00:00Z");
    scenario.step(
      {
        "policies/updates/kb912.yaml": `apiVersion: patchops/v1
kind: Update
metadata:
  name: kb912
spec:
  id: KB912
  title: Emergency
  classification: security
  severity: critical
  released: 2026-12-08
  decision: approved
  appliesTo: { os: [{ family: windows }] }
  rfc: { change: c, vulnerability: v, servicesImpacted: s, concurrentDeployment: none, countermeasures: none, testStrategy: t, impact: significant }
`,
      },
      "2026-12-09T03:10:00Z",
    );
    const p = await scenario.planAt(NOW, scans(NOW, HOSTS));
    expect(p.plan.findings.filter((f) => f.severity === "error")).toEqual([]);
    const emergency = p.jobs.filter((j) => j.timeline === "emergency").map((j) => [j.host, j.window.start]);
    expect(emergency).toEqual([
      ["sql-1", "2026-12-09T04:00:00Z"],
      ["web-1", "2026-12-09T04:00:00Z"],
      ["sql-2", "2026-12-09T05:00:00Z"],
    ]);
    expect(p.jobs.find((j) => j.timeline === "pilot")).toBeUndefined();
    expect(p.hosts.get("sql-1")!.held).toEqual(["KB910"]);
    expect(p.plan.findings.filter((f) => f.code === "cluster-held")).toHaveLength(1);
  });
});
