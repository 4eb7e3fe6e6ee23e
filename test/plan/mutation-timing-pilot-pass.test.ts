// The pilot pass (plan/passes/pilot-pass.ts) over test/fixtures/plan-basic, planned in memory: a stale host is not a
// reference host (the next host of its combination is), and the pilot's failed hosts are listed in name order
// whatever order the combinations were chosen in. plan-basic's timetable dc (America/Los_Angeles): the pilot window
// of December 2026 is 9 Dec 02:00Z – 10 Dec 02:00Z; its scans are from 10 Dec 04:00Z, after the window's end.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JobResult } from "../../reconciler/model/job-result.js";
import { planFixture, readInventoryText } from "../helpers/plan-fixture.js";
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

async function run(
  now: string,
  files: Record<string, string>,
  edit: (line: string) => string = (l) => l,
  results: JobResult[] = [],
) {
  const lines = (await readFile(join(FIXTURES, "plan-basic", "inventory.jsonl"), "utf8")).trim().split("\n");
  const { inventory } = await readInventoryText(lines.map(edit).join("\n") + "\n");
  return (
    await planFixture({
      base: "plan-basic",
      files: { "policies/policy.yaml": POLICY, ...files },
      hosts: inventory,
      now,
      input: { results },
    })
  ).plan;
}
const POLICY =
  "apiVersion: patchops/v1\nkind: PatchPolicy\nmetadata:\n  name: minimal\nspec:\n  pilot: { minSuccessRatio: 0.95 }\n";

describe("pilotPass", () => {
  it("a host whose scan is stale (over 24 h old) is not a reference host: host-b takes host-a's combination", async () => {
    // host-a scanned 8 Dec 09:59:59Z, planned 9 Dec 10:00Z: 24 h and 1 s old. The others are from 9 Dec 04:00Z.
    const plan = await run("2026-12-09T10:00:00Z", { "policies/updates/kb500.yaml": KB500 }, (l) =>
      l.includes('"host-a"')
        ? l.replace("2026-12-10T04:00:00Z", "2026-12-08T09:59:59Z")
        : l.replace("2026-12-10T04:00:00Z", "2026-12-09T04:00:00Z"),
    );
    expect(plan.pilot.hosts).toEqual(["host-b", "sql-1"]);
  });

  it("failed hosts in name order, though combinations are chosen by role (app, sql, web)", async () => {
    // host-a gets role web: the combinations sort app (host-b), sql (sql-1), web (host-a). Planned 10 Dec 09:00Z,
    // every scan (10 Dec 04:00Z, after the window's end) still lacks KB500: each reference host failed.
    const assignment = (
      await readFile(join(FIXTURES, "plan-basic", "windows", "assignments", "team-a.yaml"), "utf8")
    ).replace("{ name: host-a, period: D1-04, role: app }", "{ name: host-a, period: D1-04, role: web }");
    const plan = await run("2026-12-10T09:00:00Z", {
      "policies/updates/kb500.yaml": KB500,
      "windows/assignments/team-a.yaml": assignment,
    });
    expect(plan.summary.updates.KB500!.pilot).toMatchObject({
      state: "failed",
      hosts: 3,
      installed: 0,
      failedHosts: ["host-a", "host-b", "sql-1"],
    });
  });

  it("a job result after the window's end is evidence too: it judges a host whose scan is older", async () => {
    // Scans 10 Dec 01:59:59Z, 1 s before the window's end; planned 10 Dec 03:00Z. Host-A (as the runner spells it)
    // reports a KB500 job at 02:30Z that leaves it missing (an uninstall): a failed host; sql-1 is still awaited.
    const uninstall: JobResult = {
      jobId: "0000000000000001",
      host: "Host-A",
      type: "uninstall",
      status: "succeeded",
      updates: { KB500: { status: "succeeded" } },
      finishedAt: "2026-12-10T02:30:00Z",
    };
    const plan = await run(
      "2026-12-10T03:00:00Z",
      { "policies/updates/kb500.yaml": KB500 },
      (l) => l.replace("2026-12-10T04:00:00Z", "2026-12-10T01:59:59Z"),
      [uninstall],
    );
    // One of two failed makes 0.95 unreachable: the pilot failed.
    expect(plan.summary.updates.KB500!.pilot).toMatchObject({
      state: "failed",
      hosts: 2,
      failedHosts: ["host-a"],
      awaitingHosts: ["sql-1"],
    });
  });
});
