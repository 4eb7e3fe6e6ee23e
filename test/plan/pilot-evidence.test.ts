// The pilot is judged on evidence from after its window, and a pending restart is not a pass (issue 31, points 4, 8).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { byHost, planFixture, readInventoryText } from "../helpers/plan-fixture.js";
import { FIXTURES } from "../helpers/repo.js";

// test/fixtures/loop: timetable dc (America/Los_Angeles), Patch Tuesday 2026-12-08; its pilot window opens that
// Tuesday at 18:00 PST and lasts 24 hours: 2026-12-09T02:00:00Z – 2026-12-10T02:00:00Z.
const WINDOW_END = "2026-12-10T02:00:00Z";
const KB7000 = {
  "policies/updates/kb7000.yaml": [
    "apiVersion: patchops/v1",
    "kind: Update",
    "metadata: { name: kb7000 }",
    "spec:",
    "  id: KB7000",
    "  title: Update with a pilot wave",
    "  classification: update",
    "  released: 2026-12-05",
    "  decision: approved",
    "",
  ].join("\n"),
};

/** The loop fixture planned at `now` with every scan dated `scannedAt`, and `edit` applied to each record. */
async function planAt(now: string, scannedAt: string, edit: (r: Record<string, unknown>) => void = () => {}) {
  const text = await readFile(join(FIXTURES, "loop", "inventory.jsonl"), "utf8");
  const lines = text
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const r = JSON.parse(l) as Record<string, unknown>;
      if (r.host !== "old-1") r.scannedAt = scannedAt;
      edit(r);
      return JSON.stringify(r);
    });
  const { inventory } = await readInventoryText(lines.join("\n") + "\n");
  const result = await planFixture({ base: "loop", files: KB7000, hosts: inventory, now });
  return { plan: result.plan, jobs: result.jobs, hosts: byHost(result.hosts) };
}

describe("the pilot verdict waits for evidence newer than the window's end", () => {
  it("a scan taken before the end cannot fail the pilot: it is awaited, and the broad wave stays held", async () => {
    // One second before the end: the scan cannot show what the window's job did.
    const p = await planAt("2026-12-10T03:00:00Z", "2026-12-10T01:59:59Z");
    const pilot = p.plan.summary.updates.KB7000!.pilot!;
    expect(pilot.state).toBe("running");
    expect(pilot.failedHosts).toEqual([]);
    expect(pilot.awaitingHosts).toEqual(p.plan.pilot.hosts);
    expect(p.plan.findings.map((f) => f.code)).not.toContain("pilot-failed");
    expect(p.plan.summary.updates.KB7000!.held).not.toBeNull();
  });

  it("a scan at the window's end or later that still lacks the update fails the pilot", async () => {
    const p = await planAt("2026-12-10T03:00:00Z", WINDOW_END);
    const pilot = p.plan.summary.updates.KB7000!.pilot!;
    expect(pilot.state).toBe("failed");
    expect(pilot.failedHosts).toEqual(p.plan.pilot.hosts);
    expect(pilot.awaitingHosts).toBeUndefined();
    expect(p.plan.findings.map((f) => f.code)).toContain("pilot-failed");
  });
});

describe("a reference host that waits for a restart has not passed the pilot", () => {
  const pending = (r: Record<string, unknown>) => {
    if (r.host === "app-1") (r.installed as string[]).push("KB5004");
    (r.installed as string[]).push("KB7000");
    r.pendingReboot = true;
    r.pendingRebootUpdates = ["KB7000"];
  };

  it("is awaited (never passed, never failed), and gets a restart job in its period's next window", async () => {
    const p = await planAt("2026-12-10T03:00:00Z", "2026-12-10T02:30:00Z", pending);
    const pilot = p.plan.summary.updates.KB7000!.pilot!;
    const reference = p.plan.pilot.hosts;
    expect(reference.length).toBeGreaterThan(0);
    expect(pilot.state).toBe("running");
    expect(pilot.installed).toBe(0);
    expect(pilot.awaitingHosts).toEqual(reference);
    for (const host of reference) expect(p.hosts.get(host)!.updates.KB7000).toBe("pending-reboot");
    expect(reference).toEqual(["app-1", "web-1"]);
    // app-1 has nothing else to install: a restart job in its period D1-08, Thursday 2026-12-10 08:00 PST = 16:00Z.
    const restarts = p.jobs.filter((j) => j.type === "restart");
    const app1 = restarts.find((j) => j.host === "app-1")!;
    expect(app1).toMatchObject({
      updates: ["KB7000"],
      window: { start: "2026-12-10T16:00:00Z", end: "2026-12-10T20:00:00Z" },
      enforcement: { forceInstall: false, forceRestart: true },
      pre: [{ name: "suspend monitoring" }],
      post: [{ name: "resume monitoring" }],
    });
    // web-1 also waits for a restart, but its uninstall job (KB6000) restarts it anyway.
    expect(p.hosts.get("web-1")!.updates.KB7000).toBe("pending-reboot");
    expect(restarts.map((j) => j.host)).not.toContain("web-1");
    expect(p.jobs.find((j) => j.host === "web-1" && j.type === "uninstall")!.enforcement.forceRestart).toBe(true);
  });

  it("passes once the hosts report it installed with no restart pending", async () => {
    const p = await planAt("2026-12-10T03:00:00Z", "2026-12-10T02:30:00Z", (r) => {
      (r.installed as string[]).push("KB7000");
    });
    expect(p.plan.summary.updates.KB7000!.pilot!.state).toBe("passed");
    expect(p.jobs.filter((j) => j.type === "restart")).toEqual([]);
  });

  it("under a no-force policy the owner is told instead of a restart job", async () => {
    const text = await readFile(join(FIXTURES, "loop", "policies", "policy.yaml"), "utf8");
    const noForce = text.replace("spec:\n", "spec:\n  enforcement: { forceInstall: true, forceRestart: false }\n");
    const inv = await readFile(join(FIXTURES, "loop", "inventory.jsonl"), "utf8");
    const lines = inv
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const r = JSON.parse(l) as Record<string, unknown>;
        if (r.host === "web-1") pending(r);
        return JSON.stringify(r);
      });
    const { inventory } = await readInventoryText(lines.join("\n") + "\n");
    const result = await planFixture({
      base: "loop",
      files: { ...KB7000, "policies/policy.yaml": noForce },
      hosts: inventory,
      now: "2026-12-10T18:00:00Z",
    });
    expect(result.jobs.filter((j) => j.type === "restart")).toEqual([]);
    expect(result.plan.findings.filter((f) => f.code === "restart-needed").map((f) => f.message)).toEqual([
      "web-1 (owner team-a) waits for a restart to finish installing KB7000; the policy never forces a restart (enforcement.forceRestart: false), so the owner must restart it",
    ]);
  });
});
