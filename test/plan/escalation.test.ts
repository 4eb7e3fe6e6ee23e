import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { writePlanFiles } from "../helpers/plan-fixture.js";
import { cli, tempRepo } from "../helpers/repo.js";
import { LA_TIMETABLE, Scenario, assignmentDoc, policyDoc, scans } from "../helpers/scenario.js";

const EMERGENCY = `apiVersion: patchops/v1
kind: Update
metadata:
  name: kb950
spec:
  id: KB950
  title: Emergency update
  classification: security
  severity: critical
  released: 2026-12-01
  decision: approved
  appliesTo: { os: [{ family: windows }] }
  restart: required
  rfc: { change: c, vulnerability: v, servicesImpacted: s, concurrentDeployment: none, countermeasures: none, testStrategy: t, impact: significant }
`;

const SYNTHETIC = `apiVersion: patchops/v1
kind: Update
metadata:
  name: syn-12
spec:
  id: SYN-12
  title: Synthetic canary
  vendor: patchops
  classification: synthetic
  released: 2026-12-01
  decision: approved
  pilot: false
  appliesTo: { os: [{ family: windows }] }
  restart: never
`;

const FILES = {
  "policies/policy.yaml": policyDoc("  escalation: { afterHours: 24, action: isolate }\n"),
  "windows/timetables/dc.yaml": LA_TIMETABLE,
  "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
    "{ name: sql-1, period: D1-04, role: sql, cluster: sqlc }",
    "{ name: sql-2, period: D2-04, role: sql, cluster: sqlc }",
    "{ name: web-1, period: D1-08, role: web }",
  ]),
  "policies/updates/kb950.yaml": EMERGENCY,
};
const HOSTS = ["sql-1", "sql-2", "web-1"];

describe("escalation that does no harm (issue 14.5)", () => {
  it("an isolate waits until the host's install window has ended; one node of a cluster is isolated, the other notified", async () => {
    // Approved 1 Dec 12:00Z; sla.emergencyHours 24 + afterHours 24: escalation from 3 Dec 12:00Z. At 4 Dec 10:30Z every
    // host is overdue and gets the next full hour, staggered by emergency period: day-1 hosts 11:00Z, day-2 hosts 12:00Z.
    const now = "2026-12-04T10:30:00Z";
    const p = await new Scenario(FILES, "2026-12-01T12:00:00Z").planAt(now, scans(now, HOSTS));
    const of = (host: string, type: string) => p.jobs.filter((j) => j.host === host && j.type === type);
    expect(of("sql-1", "install").map((j) => j.window)).toEqual([
      { start: "2026-12-04T11:00:00Z", end: "2026-12-04T12:00:00Z" },
    ]);
    // sql-1 is isolated only once its install window is over (the install may still fix it).
    expect(of("sql-1", "isolate").map((j) => j.window)).toEqual([
      { start: "2026-12-04T12:00:00Z", end: "2026-12-04T13:00:00Z" },
    ]);
    expect(of("web-1", "isolate").map((j) => j.window.start)).toEqual(["2026-12-04T12:00:00Z"]);
    // sql-2 is the second node of sqlc: its owner is told, the cluster keeps a node.
    expect(of("sql-2", "isolate")).toEqual([]);
    expect(of("sql-2", "notify")[0]!.reason.summary).toContain("sql-1 of cluster 'sqlc' is isolated first");
    expect(p.plan.findings).toContainEqual(
      expect.objectContaining({
        code: "escalation-staggered",
        message:
          "cluster 'sqlc': sql-1 and sql-2 are both past the SLA; only sql-1 is isolated, the owner of sql-2 is notified",
      }),
    );
    // Invariant: no isolate overlaps an install of the same host.
    for (const iso of p.jobs.filter((j) => j.type === "isolate"))
      for (const inst of p.jobs.filter((j) => j.host === iso.host && j.type === "install"))
        expect(iso.window.start >= inst.window.end || iso.window.end <= inst.window.start, iso.host).toBe(true);
  });
});

describe("the synthetic patch is inert (issue 14.4)", () => {
  it("its job never forces a restart, and the Ansible export says reboot: false", async () => {
    const scenario = new Scenario(
      { ...FILES, "policies/updates/kb950.yaml": null, "policies/updates/syn-12.yaml": SYNTHETIC },
      "2026-12-01T12:00:00Z",
    );
    const now = "2026-12-09T10:00:00Z";
    const p = await scenario.planAt(now, scans(now, HOSTS));
    const synthetic = p.jobs.filter((j) => j.type === "synthetic");
    expect(synthetic.map((j) => j.host)).toEqual(["sql-1", "web-1", "sql-2"]);
    for (const j of synthetic) expect(j.enforcement).toEqual({ forceInstall: true, forceRestart: false });
    // The export (the CLI, reading the plan's files) says it to Ansible.
    const repo = await tempRepo("minimal");
    const file = join(repo, "inventory.yml");
    const out = await writePlanFiles(p.result, join(repo, "plan"));
    expect((await cli("export", "ansible", "--plan", out, "--out", file)).code).toBe(0);
    // The export marks every string !unsafe (Ansible must not template it); here it is just the string.
    const unsafe = { tag: "!unsafe", resolve: (text: string) => text };
    const inv = parse(await readFile(file, "utf8"), { customTags: [unsafe] }) as {
      all: { hosts: Record<string, { patchops_jobs: Record<string, { type: string; reboot: boolean }> }> };
    };
    const vars = Object.values(inv.all.hosts).flatMap((h) => Object.values(h.patchops_jobs));
    expect(vars.filter((v) => v.type === "synthetic")).toHaveLength(3);
    expect(vars.every((v) => v.reboot === false)).toBe(true);
  });
});
