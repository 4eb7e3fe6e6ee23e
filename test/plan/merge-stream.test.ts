import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tempRepo } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";

async function shards(repo: string, n: number): Promise<string[]> {
  const dirs: string[] = [];
  for (let i = 1; i <= n; i++) {
    const d = join(repo, `shard-${i}`);
    const r = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      join(repo, "examples/inventory.jsonl"),
      "--out",
      d,
      "--now",
      NOW,
      "--no-verify-approvals",
      "--shard",
      `${i}/${n}`,
    );
    expect(r.code).toBeLessThan(2);
    dirs.push(d);
  }
  return dirs;
}

describe("merge streams the shard files", () => {
  it("counts the hosts and jobs it merged, skips blank lines, and names a damaged line by file and line", async () => {
    const repo = await tempRepo("example");
    const dirs = await shards(repo, 2);
    const lines = async (d: string, f: string) => (await readFile(join(d, f), "utf8")).trim().split("\n").length;
    const hosts = (await lines(dirs[0]!, "hosts.ndjson")) + (await lines(dirs[1]!, "hosts.ndjson"));
    const jobs = (await lines(dirs[0]!, "jobs.ndjson")) + (await lines(dirs[1]!, "jobs.ndjson"));
    const ok = await cli("merge", ...dirs, "--out", join(repo, "merged"), "--format", "json");
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ shards: 2, hosts, jobs });
    expect(hosts).toBe(40);
    const merged = await readFile(join(repo, "merged/hosts.ndjson"), "utf8");
    expect(merged.trim().split("\n").length).toBe(40);

    await appendFile(join(dirs[1]!, "hosts.ndjson"), "\n\n");
    const blank = await cli("merge", ...dirs, "--out", join(repo, "merged2"));
    expect(blank.code).toBe(0);
    expect(await readFile(join(repo, "merged2/hosts.ndjson"), "utf8")).toBe(merged);

    const jobsFile = join(dirs[0]!, "jobs.ndjson");
    const text = await readFile(jobsFile, "utf8");
    await writeFile(jobsFile, text.replace(/\n/, "\n{not json\n"));
    const bad = await cli("merge", ...dirs, "--out", join(repo, "merged"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${jobsFile}:2: not a JSON line`);
    // The failed merge left the earlier merged plan as it was.
    expect(await readFile(join(repo, "merged/hosts.ndjson"), "utf8")).toBe(merged);
  });
});
