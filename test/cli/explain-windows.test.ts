import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readInventory } from "../../reconciler/inventory/read.js";
import { cli, tempRepo } from "../helpers/repo.js";

describe("explain", () => {
  it("gives the decision trail with the files and lines that decided each step", async () => {
    const repo = await tempRepo("plan-basic");
    const r = await cli(
      "explain",
      "--repo",
      repo,
      "--inventory",
      join(repo, "inventory.jsonl"),
      "--now",
      "2026-12-10T09:00:00Z",
      "--no-verify-approvals",
      "--host",
      "host-e",
      "--update",
      "KB100",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "host-e: noncompliant, owner team-a, period D3-04",
        "  last scan 2026-12-10T04:00:00Z",
        "  estimated: no agent scan; matched from advisory text",
        "  exemptions: noforce-e",
        "  (CAB approval verification is OFF for this run)",
        "",
        "KB100 — December security update: exempt",
        "  - missing; approved at policies/updates/kb100.yaml:11",
        "  - never forced: policies/exemptions/noforce-e.yaml:8 (CHG-2); still due by the deadline",
        "  - scheduled on the standard timeline in 2026-12-12T12:00:00Z – 2026-12-12T16:00:00Z (period D3-04 at windows/assignments/team-a.yaml:13, timetable windows/timetables/dc.yaml)",
        "  → job 0a76a9daa99ce91f: install on the standard timeline, window 2026-12-12T12:00:00Z – 2026-12-12T16:00:00Z, deadline 2026-12-12T16:00:00Z, not forced, priority normal",
        "",
      ].join("\n"),
    );
  });

  it("explains pending, blocked and unknown updates, and refuses an unknown host", async () => {
    const repo = await tempRepo("plan-basic");
    const run = (host: string, update: string) =>
      cli(
        "explain",
        "--repo",
        repo,
        "--inventory",
        join(repo, "inventory.jsonl"),
        "--now",
        "2026-12-10T09:00:00Z",
        "--no-verify-approvals",
        "--host",
        host,
        "--update",
        update,
      );
    expect((await run("host-a", "KB303")).stdout).toContain(
      "pending: no decision in the file and no approval rule matches; pending updates get no jobs",
    );
    expect((await run("host-h", "KB302")).stdout).toContain(
      "blocked: prerequisite KB303 is neither installed nor approved here",
    );
    expect((await run("host-a", "KB7")).stdout).toContain("no Update file, baseline or rule names this id");
    const none = await run("nobody", "KB100");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("host 'nobody' is neither assigned nor in the inventory");
  });
});

describe("windows", () => {
  it("lists a host's standard, emergency and pilot slots in local time and UTC", async () => {
    const r = await cli(
      "windows",
      "--repo",
      await tempRepo("example"),
      "--host",
      "pay-sql-03",
      "--now",
      "2026-12-01T00:00:00Z",
      "--format",
      "json",
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      host: "pay-sql-03",
      period: "D3-04",
      timeZone: "America/Los_Angeles",
      standard: { start: "2026-12-12T12:00:00Z", localStart: "2026-12-12T04:00:00-08:00" },
      emergency: { period: 3, start: "2026-12-01T02:00:00Z" },
      pilot: { start: "2026-12-09T02:00:00Z", end: "2026-12-10T02:00:00Z" },
    });
  });

  it("lists a timetable's recurring windows", async () => {
    const r = await cli(
      "windows",
      "--repo",
      await tempRepo("example"),
      "--timetable",
      "dublin-weekly",
      "--now",
      "2026-12-01T00:00:00Z",
    );
    expect(r.stdout.split("\n").slice(0, 3)).toEqual([
      "timetable dublin-weekly (Europe/Dublin)",
      "  wednesday-2200 2026-12-02T22:00:00+00:00 → 2026-12-03T01:00:00+00:00   (UTC 2026-12-02T22:00:00Z → 2026-12-03T01:00:00Z)",
      "  sunday-0100    2026-12-06T01:00:00+00:00 → 05:00:00+00:00   (UTC 2026-12-06T01:00:00Z → 05:00:00Z)",
    ]);
  });
});

describe("inventory from standard input", () => {
  it("reads JSON Lines from stdin", async () => {
    const line = JSON.stringify({
      host: "a",
      scannedAt: "2026-12-10T04:00:00Z",
      os: { family: "windows", version: "10.0.1" },
      installed: ["KB1"],
    });
    const r = await readInventory(["-"], { stdin: Readable.from([line + "\n"]) });
    expect([...r.inventory.records.keys()]).toEqual(["a"]);
  });
});
