import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateFleet } from "../../bench/fleet.js";
import { cli, commitAll, planArgs, tempRepo } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";
const FILES = ["plan.json", "hosts.ndjson", "jobs.ndjson"];

async function shardAndMerge(repo: string, inventory: string, n: number, extra: string[] = []) {
  const single = join(repo, "single");
  expect(
    (
      await cli(
        "plan",
        "--repo",
        repo,
        "--inventory",
        inventory,
        "--out",
        single,
        "--now",
        NOW,
        "--no-verify-approvals",
        ...extra,
      )
    ).code,
  ).toBeLessThan(2);
  const dirs: string[] = [];
  for (let i = 1; i <= n; i++) {
    const d = join(repo, `shard-${i}`);
    const r = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      inventory,
      "--out",
      d,
      "--now",
      NOW,
      "--no-verify-approvals",
      "--shard",
      `${i}/${n}`,
      ...extra,
    );
    expect(r.code).toBeLessThan(2);
    dirs.push(d);
  }
  const merged = join(repo, "merged");
  const m = await cli("merge", ...dirs.reverse(), "--out", merged);
  expect(m.code).toBe(0);
  for (const f of FILES)
    expect(await readFile(join(merged, f), "utf8"), f).toBe(await readFile(join(single, f), "utf8"));
  return dirs;
}

describe("plan --shard i/N and merge", () => {
  it("merging the shards of the example gives exactly the bytes of a single run", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "example", "2026-11-22T12:00:00Z");
    const dirs = await shardAndMerge(repo, join(repo, "examples/inventory.jsonl"), 3);
    const sizes = await Promise.all(
      dirs.map(async (d) => (await readFile(join(d, "hosts.ndjson"), "utf8")).trim().split("\n").length),
    );
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(40);
    expect(Math.min(...sizes)).toBeGreaterThan(0);
  });

  it("and of a full plan (--detail full): the per-update states are summed from the shards either way", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "example", "2026-11-22T12:00:00Z");
    const dirs = await shardAndMerge(repo, join(repo, "examples/inventory.jsonl"), 3, ["--detail", "full"]);
    expect(JSON.parse(await readFile(join(dirs[0]!, "plan.json"), "utf8"))).toMatchObject({ detail: "full" });
    expect(JSON.parse(await readFile(join(repo, "merged", "plan.json"), "utf8"))).toMatchObject({ detail: "full" });
  });

  it("holds on a generated fleet of 3,000 hosts with clusters", async () => {
    const repo = await tempRepo("minimal");
    await generateFleet(repo, { hosts: 3000, updates: 120, seed: 7 });
    await shardAndMerge(repo, join(repo, "inventory.jsonl"), 4);
  });

  it("refuses missing, repeated or mismatched shards", async () => {
    const repo = await tempRepo("plan-basic");
    const inv = join(repo, "inventory.jsonl");
    for (const [i, now] of [
      [1, NOW],
      [2, "2026-12-11T09:00:00Z"],
    ] as const)
      await cli(
        "plan",
        "--repo",
        repo,
        "--inventory",
        inv,
        "--out",
        join(repo, `s${i}`),
        "--now",
        now,
        "--no-verify-approvals",
        "--shard",
        `${i}/2`,
      );
    const mismatch = await cli("merge", join(repo, "s1"), join(repo, "s2"), "--out", join(repo, "m"));
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain("was planned with other inputs");
    // Same instant, but shard 2 read an inventory in which one host was scanned again: its plan.json says so.
    const rescanned = join(repo, "rescanned.jsonl");
    await writeFile(rescanned, (await readFile(inv, "utf8")).replace("2026-12-10T04:00:00Z", "2026-12-10T04:30:00Z"));
    await cli(...planArgs({ repo, inventory: rescanned, out: join(repo, "s2b"), now: NOW }, "--shard", "2/2"));
    const otherInventory = await cli("merge", join(repo, "s1"), join(repo, "s2b"), "--out", join(repo, "m"));
    expect(otherInventory.code).toBe(2);
    expect(otherInventory.stderr).toContain("policy files, inventory, job results or status history differ");
    // Same instant and inventory, but shard 2 was told of a failed job: its pilot and holds may differ.
    const results = join(repo, "results.ndjson");
    await writeFile(
      results,
      JSON.stringify({
        jobId: "0123456789abcdef",
        host: "host-a",
        status: "failed",
        finishedAt: "2026-12-10T06:00:00Z",
      }) + "\n",
    );
    await cli(
      ...planArgs({ repo, inventory: inv, out: join(repo, "s2c"), now: NOW }, "--shard", "2/2", "--results", results),
    );
    const otherResults = await cli("merge", join(repo, "s1"), join(repo, "s2c"), "--out", join(repo, "m"));
    expect(otherResults.code).toBe(2);
    expect(otherResults.stderr).toContain("was planned with other inputs");
    // Same inputs, but shard 2 was planned with --detail full: its host lines list more than shard 1's.
    await cli(
      ...planArgs({ repo, inventory: inv, out: join(repo, "s2d"), now: NOW }, "--shard", "2/2", "--detail", "full"),
    );
    const otherDetail = await cli("merge", join(repo, "s1"), join(repo, "s2d"), "--out", join(repo, "m"));
    expect(otherDetail.code).toBe(2);
    expect(otherDetail.stderr).toContain("--detail");
    const missing = await cli("merge", join(repo, "s1"), "--out", join(repo, "m"));
    expect(missing.stderr).toContain("expected each of 1..2 exactly once");
    expect((await cli("plan", "--repo", repo, "--inventory", inv, "--shard", "3/2")).code).toBe(2);
  });
});
