// A cluster overlap that exists only in a later cycle (mission review N2): the LA/Dublin SQL availability group whose
// D1-20 (Los Angeles) and D2-00 (Dublin) windows touch only in March, when the US is on DST and Ireland is not yet.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Job, Plan } from "../../reconciler/model/plan.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { fixtureFiles } from "../helpers/plan-fixture.js";
import { memorySource } from "../helpers/memory-source.js";
import { cli, tempRepo } from "../helpers/repo.js";

const timetable = (name: string, zone: string) => `apiVersion: patchops/v1
kind: Timetable
metadata:
  name: ${name}
spec:
  timeZone: ${zone}
  cycle:
    anchor: { weekday: tuesday, nth: 2 }
    offsetDays: 2
  pilot: { offsetDays: 0, startTime: "18:00", hours: 24 }
`;

const assignment = (name: string, tt: string, hosts: string) => `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: ${name}
spec:
  owner: sql-dba
  timetable: ${tt}
  hosts:
${hosts}`;

const update = (id: string, severity: string, released: string) => `apiVersion: patchops/v1
kind: Update
metadata:
  name: ${id.toLowerCase()}
spec:
  id: ${id}
  title: Update ${id}
  classification: security
  severity: ${severity}
  released: ${released}
  decision: approved
  pilot: false
  appliesTo: { os: [{ family: windows }] }
  restart: required
  rfc: { change: c, vulnerability: v, servicesImpacted: s, concurrentDeployment: none, countermeasures: none, testStrategy: t, impact: significant }
`;

const FILES: Record<string, string> = {
  "windows/timetables/redmond.yaml": timetable("redmond", "America/Los_Angeles"),
  "windows/timetables/dublin.yaml": timetable("dublin", "Europe/Dublin"),
  "windows/assignments/sql-dba-redmond.yaml": assignment(
    "sql-dba-redmond",
    "redmond",
    "    - { name: sqlag-pay-n1, period: D1-20, cluster: sqlag-pay }\n",
  ),
  "windows/assignments/sql-dba-dublin.yaml": assignment(
    "sql-dba-dublin",
    "dublin",
    "    - { name: sqlag-pay-n2, period: D2-00, cluster: sqlag-pay }\n",
  ),
};

async function validateAt(now: string) {
  const files = { ...fixtureFiles("minimal"), ...FILES };
  delete files["policies/updates/kb5035857.yaml"];
  const { diagnostics } = await validateSource(memorySource(files), Date.parse(now));
  return diagnostics.filter((d) => d.code === "cluster-overlap");
}

describe("validate: an overlap only in a later cycle is a warning", () => {
  it("on 2025-12-10 the March 2026 overlap is found exactly, as a warning", async () => {
    const found = await validateAt("2025-12-10T12:00:00Z");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "warning", file: "windows/assignments/sql-dba-redmond.yaml" });
    // Worked by hand: 12 March 2026 20:00 PDT = 13 March 03:00Z; 13 March 00:00 GMT = 00:00Z (Ireland on GMT until 29 March).
    expect(found[0]!.message).toContain("sqlag-pay-n2 dublin/D2-00 2026-03-13T00:00:00Z – 2026-03-13T04:00:00Z");
    expect(found[0]!.message).toContain("sqlag-pay-n1 redmond/D1-20 2026-03-13T03:00:00Z – 2026-03-13T07:00:00Z");
  });

  it("becomes an error the instant March is a node's next window: n2's February window ends 2026-02-13T04:00Z", async () => {
    // February: D1 is Thursday 12 Feb; Dublin D2-00 = 13 Feb 00:00–04:00Z, LA D1-20 (PST) = 13 Feb 04:00–08:00Z.
    expect((await validateAt("2026-02-13T03:59:59.999Z")).map((d) => d.severity)).toEqual(["warning"]);
    expect((await validateAt("2026-02-13T04:00:00Z")).map((d) => d.severity)).toEqual(["error"]);
  });
});

const WINDOWS = { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2340" };

async function planIn(now: string, updates: Record<string, string>) {
  const repo = await tempRepo("minimal", { ...FILES, ...updates });
  const scannedAt = new Date(Date.parse(now) - 3_600_000).toISOString();
  const inv = join(repo, "inv.jsonl");
  await writeFile(
    inv,
    ["host-01", "host-02", "sqlag-pay-n1", "sqlag-pay-n2"]
      .map((host) => JSON.stringify({ host, scannedAt, os: WINDOWS, installed: [] }))
      .join("\n") + "\n",
  );
  const out = join(repo, "out");
  const r = await cli("plan", "--repo", repo, "--inventory", inv, "--out", out, "--now", now, "--no-verify-approvals");
  const jobs = (await readFile(join(out, "jobs.ndjson"), "utf8").catch(() => ""))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Job);
  const plan = JSON.parse(await readFile(join(out, "plan.json"), "utf8").catch(() => "null")) as Plan | null;
  const installs = (id: string) =>
    jobs
      .filter((j) => j.type === "install" && j.updates.includes(id))
      .map((j) => `${j.host} ${j.window.start}`)
      .sort();
  return { r, jobs, plan, installs };
}

describe("plan: the overlap never stops the fleet", () => {
  it("in December the plan is written for everyone (it used to exit 1 'the policy is invalid' from 93 days ahead)", async () => {
    const p = await planIn("2025-12-10T12:00:00Z", {
      "policies/updates/kb100.yaml": update("KB100", "important", "2025-12-09"),
    });
    expect(p.r.stderr).not.toContain("the policy is invalid");
    expect(p.r.code).toBe(0);
    expect(p.installs("KB100")).toHaveLength(4);
    expect(p.plan!.findings.find((f) => f.code === "cluster-overlap")).toMatchObject({ severity: "warning" });
  });

  it("in the March cycle only the later node is held; the other node and the rest of the fleet are planned", async () => {
    const p = await planIn("2026-03-12T12:00:00Z", {
      "policies/updates/kb200.yaml": update("KB200", "important", "2026-03-10"),
    });
    expect(p.r.stderr).not.toContain("the policy is invalid");
    expect(p.plan).not.toBeNull();
    // LA D1-04 (PDT) = 12 March 11:00Z is past at 12:00Z: host-01's window is its next period; host-02's D3-04 = 14 March 11:00Z.
    const planned = p.installs("KB200");
    expect(planned).toContain("sqlag-pay-n2 2026-03-13T00:00:00Z");
    expect(planned.filter((l) => l.startsWith("sqlag-pay-n1"))).toEqual([]);
    expect(planned.filter((l) => l.startsWith("host-"))).toHaveLength(2);
    const held = p.plan!.findings.find((f) => f.code === "cluster-held")!;
    expect(held.message).toContain("sqlag-pay-n1");
    expect(p.plan!.findings.find((f) => f.code === "cluster-overlap")).toMatchObject({ severity: "warning" });
  });

  it("an emergency in the March cycle is planned for both nodes (hours 1 and 2 do not overlap) and everyone else", async () => {
    const p = await planIn("2026-03-12T12:00:00Z", {
      "policies/updates/kb300.yaml": update("KB300", "critical", "2026-03-12"),
    });
    expect(p.plan).not.toBeNull();
    const planned = p.installs("KB300");
    expect(planned.map((l) => l.split(" ")[0])).toEqual(["host-01", "host-02", "sqlag-pay-n1", "sqlag-pay-n2"]);
    expect(p.jobs.filter((j) => j.type === "install").every((j) => j.timeline === "emergency")).toBe(true);
  });
});
