// Progress of a long plan: the lines, the pace of updates, and `plan --progress` on a real repository.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { duration, grouped, PlanProgress, progressLine } from "../../reconciler/views/progress.js";
import { cli, commitAll, tempDir, tempRepo } from "../helpers/repo.js";

describe("progress lines", () => {
  it("group thousands without a locale and say durations as people do", () => {
    expect(grouped(0)).toBe("0");
    expect(grouped(999)).toBe("999");
    expect(grouped(1000)).toBe("1,000");
    expect(grouped(1234567)).toBe("1,234,567");
    expect(duration(59_499)).toBe("59 s");
    expect(duration(59_500)).toBe("1 min 00 s");
    expect(duration(104_000)).toBe("1 min 44 s");
    expect(duration(3_599_000)).toBe("59 min 59 s");
    expect(duration(3_600_000)).toBe("1 h 00 min");
  });

  it("give share, rate and time left (worked by hand: 12,000 of 20,000 in 3 s is 4,000/s, 2 s left)", () => {
    expect(progressLine(12_000, 20_000, 3_000)).toBe(
      "patchops plan: planned 12,000 of 20,000 hosts (60 %), 4,000 hosts/s, about 2 s left",
    );
    // 250,000 of a million in 26 s: 9,615/s, 750,000 left take 78 s.
    expect(progressLine(250_000, 1_000_000, 26_000)).toBe(
      "patchops plan: planned 250,000 of 1,000,000 hosts (25 %), 9,615 hosts/s, about 1 min 18 s left",
    );
    // Assigned hosts never scanned are planned too: past the inventory's count there is no share and no estimate.
    expect(progressLine(20_001, 20_000, 5_000)).toBe("patchops plan: planned 20,001 hosts, 4,000 hosts/s");
    expect(progressLine(20_000, 20_000, 5_000)).toBe(
      "patchops plan: planned 20,000 of 20,000 hosts (100 %), 4,000 hosts/s",
    );
  });

  it("update at most once per interval: not at 999 ms, at 1000 ms; on a terminal the line is rewritten in place", () => {
    let now = 0;
    const written: string[] = [];
    const p = new PlanProgress({
      total: 256,
      startedMs: 0,
      clock: () => now,
      write: (t) => written.push(t),
      tty: true,
      everyMs: 1000,
    });
    now = 999;
    for (let i = 0; i < 64; i++) p.host();
    expect(written).toEqual([]);
    now = 1000;
    for (let i = 0; i < 64; i++) p.host();
    expect(written).toEqual(["\rpatchops plan: planned 128 of 256 hosts (50 %), 128 hosts/s, about 1 s left"]);
    now = 1500;
    for (let i = 0; i < 64; i++) p.host();
    expect(written).toHaveLength(1);
    now = 2000;
    p.done();
    // The last line pads over the longer one before it (75 characters against 39).
    expect(written[1]).toBe(`\rpatchops plan: planned 192 hosts in 2 s${" ".repeat(36)}\n`);
  });

  it("write whole lines when stderr is not a terminal (CI logs)", () => {
    let now = 0;
    const written: string[] = [];
    const p = new PlanProgress({
      total: 64,
      startedMs: 0,
      clock: () => now,
      write: (t) => written.push(t),
      tty: false,
      everyMs: 10_000,
    });
    now = 10_000;
    for (let i = 0; i < 64; i++) p.host();
    p.done();
    expect(written).toEqual([
      "patchops plan: planned 64 of 64 hosts (100 %), 6 hosts/s\n",
      "patchops plan: planned 64 hosts in 10 s\n",
    ]);
  });
});

describe("plan --progress", () => {
  it("says on stderr how many hosts were read and planned; without it (and no terminal) stderr stays quiet", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "policy", "2026-11-22T12:00:00Z");
    const args = [
      "--repo",
      repo,
      "--inventory",
      join(repo, "examples/inventory.jsonl"),
      "--now",
      "2026-12-10T09:00:00Z",
    ];
    const out = join(await tempDir(), "plan");
    const withProgress = await cli("plan", ...args, "--out", out, "--no-verify-approvals", "--progress");
    expect(withProgress.code).toBe(0);
    const lines = withProgress.stderr.split("\n").filter((l) => l.startsWith("patchops plan: "));
    // 39 lines in examples/inventory.jsonl, one of them malformed (web-08 has no os): 38 hosts read.
    expect(lines[0]).toMatch(/^patchops plan: read 38 hosts from the inventory in \d+ s$/);
    // Planned: the 38 scanned hosts plus the assigned ones without a usable scan (jump-02, and web-08 whose line is malformed).
    expect(lines.at(-1)).toMatch(/^patchops plan: planned 40 hosts in \d+ s$/);
    const quiet = await cli("plan", ...args, "--out", out, "--no-verify-approvals");
    expect(quiet.stderr).not.toContain("patchops plan: ");
  });
});
