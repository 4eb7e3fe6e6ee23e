import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { byHost, planFixture, planSummaryText, readInventoryText } from "../helpers/plan-fixture.js";
import { FIXTURES } from "../helpers/repo.js";

const KB500 = `apiVersion: patchops/v1
kind: Update
metadata:
  name: kb500
spec:
  id: KB500
  title: Update that goes to the reference collection first
  classification: security
  severity: moderate
  released: 2026-12-08
  decision: approved
  appliesTo: { os: [{ family: windows, versions: '>=10.0.20348 <10.0.20349' }] }
  restart: required
`;

/** plan-basic with `files` laid over it, planned in memory against its inventory (edited line by line). */
async function run(files: Record<string, string>, now: string, inventoryEdit?: (lines: string[]) => string[]) {
  let lines = (await readFile(join(FIXTURES, "plan-basic", "inventory.jsonl"), "utf8")).trim().split("\n");
  if (inventoryEdit) lines = inventoryEdit(lines);
  const { inventory, diagnostics } = await readInventoryText(lines.join("\n") + "\n");
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const result = await planFixture({ base: "plan-basic", files, hosts: inventory, now });
  return { result, plan: result.plan, jobs: result.jobs, hosts: byHost(result.hosts) };
}

/** Scans from the morning of 9 December, for plans made during the pilot wave. */
const scannedEarlier = (lines: string[]) => lines.map((l) => l.replace("2026-12-10T04:00:00Z", "2026-12-09T04:00:00Z"));

const addInstalled = (host: string, id: string) => (lines: string[]) =>
  lines.map((l) => {
    const rec = JSON.parse(l) as { host: string; installed: string[] };
    if (rec.host === host) rec.installed.push(id);
    return JSON.stringify(rec);
  });

describe("reference collection and pilot holds", () => {
  it("picks one host per permutation, sends them the update in the pilot window, and holds everyone else", async () => {
    const p = await run({ "policies/updates/kb500.yaml": KB500 }, "2026-12-09T10:00:00Z", scannedEarlier);
    expect(p.plan.pilot.hosts).toEqual(["host-a", "sql-1"]);
    const kb500 = p.jobs.filter((j) => j.updates.includes("KB500"));
    expect(kb500.map((j) => [j.host, j.timeline, j.window.start, j.window.end])).toEqual([
      ["host-a", "pilot", "2026-12-09T02:00:00Z", "2026-12-10T02:00:00Z"],
      ["sql-1", "pilot", "2026-12-09T02:00:00Z", "2026-12-10T02:00:00Z"],
    ]);
    expect(p.plan.summary.updates.KB500!.held).toEqual({ pilotHosts: 2, installed: 0, ratio: 0, required: 0.95 });
    expect(p.hosts.get("host-c")!.held).toEqual(["KB500"]);
    expect(planSummaryText(p.result)).toContain("held by pilot (0/2)");
  });

  it("releases broad jobs once the pilot hosts report the update installed at the required ratio", async () => {
    const p = await run({ "policies/updates/kb500.yaml": KB500 }, "2026-12-10T09:00:00Z", (l) =>
      addInstalled("sql-1", "KB500")(addInstalled("host-a", "KB500")(l)),
    );
    expect(p.plan.summary.updates.KB500!.held).toBeNull();
    expect(p.hosts.get("host-c")!.held).toBeUndefined();
    expect(p.jobs.find((j) => j.host === "host-c" && j.updates.includes("KB500"))).toMatchObject({
      timeline: "standard",
      window: { start: "2026-12-11T12:00:00Z" },
    });
  });

  it("one pilot host out of two is not enough at 0.95", async () => {
    const p = await run(
      { "policies/updates/kb500.yaml": KB500 },
      "2026-12-10T09:00:00Z",
      addInstalled("host-a", "KB500"),
    );
    expect(p.plan.summary.updates.KB500!.held).toEqual({ pilotHosts: 2, installed: 1, ratio: 0.5, required: 0.95 });
  });
});

describe("cluster safety", () => {
  it("a pilot selector that matches two nodes of one cluster takes only the first into the reference collection", async () => {
    const policy =
      "apiVersion: patchops/v1\nkind: PatchPolicy\nmetadata:\n  name: minimal\nspec:\n  pilot: { minSuccessRatio: 0.95, hosts: { role: sql } }\n";
    const p = await run(
      { "policies/updates/kb500.yaml": KB500, "policies/policy.yaml": policy },
      "2026-12-09T10:00:00Z",
      scannedEarlier,
    );
    expect(p.plan.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(p.plan.pilot.hosts).toEqual(["sql-1"]);
    expect(p.hosts.get("sql-2")!.held).toEqual(["KB500"]);
    expect(p.plan.findings.filter((f) => f.code.startsWith("cluster"))).toEqual([]);
  });
});
