// The review cache's team readings: kept with the merged pull request they judged (keyed by team and reviewer, with
// the instant), written and read back; a damaged reading in the file is dropped (read again), never trusted.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ReviewCache, teamReadKey, type CachedPull } from "../../reconciler/approvals/cache.js";
import { tempDir } from "../helpers/repo.js";

const SHA = "c".repeat(40);
const pull = (): CachedPull => ({
  number: 12,
  title: "Approve KB100",
  author: "dave",
  mergedAt: "2026-11-23T18:00:00Z",
  baseRef: "main",
  url: "https://github.com/acme/patch-policy/pull/12",
  headSha: SHA,
  reviews: [{ id: 1, login: "carol", state: "APPROVED", submittedAt: "2026-11-23T17:00:00Z", commitId: SHA }],
});

describe("team readings in the review cache", () => {
  it("are written with the pull request and read back by the next run", async () => {
    const dir = await tempDir();
    const first = await ReviewCache.open(dir, "acme/patch-policy");
    const p = pull();
    first.set(SHA, [p]);
    expect(teamReadKey("@Acme/CAB-x", "Carol")).toBe("@acme/cab-x carol");
    first.rememberTeamRead(SHA, p, "@acme/cab carol", { member: true, readAt: "2026-11-24T06:00:00.000Z" });
    await first.save();
    const file = ReviewCache.fileFor(dir, "acme/patch-policy");
    const saved = JSON.parse(await readFile(file, "utf8")) as { commits: Record<string, CachedPull[]> };
    expect(saved.commits[SHA]![0]!.teams).toEqual({
      "@acme/cab carol": { member: true, readAt: "2026-11-24T06:00:00.000Z" },
    });
    const next = await ReviewCache.open(dir, "acme/patch-policy");
    expect(next.get(SHA)![0]!.teams).toEqual({
      "@acme/cab carol": { member: true, readAt: "2026-11-24T06:00:00.000Z" },
    });
  });

  it("a reading for a pull request the cache does not keep is not written", async () => {
    const dir = await tempDir();
    const cache = await ReviewCache.open(dir, "acme/patch-policy");
    const p = pull();
    cache.rememberTeamRead(SHA, p, "@acme/cab carol", { member: true, readAt: "2026-11-24T06:00:00.000Z" });
    expect(p.teams).toEqual({ "@acme/cab carol": { member: true, readAt: "2026-11-24T06:00:00.000Z" } });
    await cache.save();
    await expect(readFile(ReviewCache.fileFor(dir, "acme/patch-policy"), "utf8")).rejects.toThrow("ENOENT");
  });

  it("damaged readings in the file are dropped, the sound ones and the pull request kept", async () => {
    const dir = await tempDir();
    const file = ReviewCache.fileFor(dir, "acme/patch-policy");
    await mkdir(dirname(file), { recursive: true });
    const teams = {
      "@acme/cab carol": { member: true, readAt: "2026-11-24T06:00:00.000Z" },
      "@acme/cab mallory": { member: "yes", readAt: "2026-11-24T06:00:00.000Z" },
      "@acme/cab erin": { member: true, readAt: "yesterday" },
      "@acme/cab frank": { member: true, readAt: "2026-11-24" },
      "@acme/cab gina": { member: true, readAt: 1764000000000 },
      "@acme/cab hugo": { member: true, readAt: "2026-13-45T06:00:00Z" },
      "@acme/cab": { member: true, readAt: "2026-11-24T06:00:00.000Z" },
      __proto__x: { member: true, readAt: "2026-11-24T06:00:00.000Z" },
      "@acme/cab zed": null,
    };
    await writeFile(
      file,
      JSON.stringify({ version: 2, repository: "acme/patch-policy", commits: { [SHA]: [{ ...pull(), teams }] } }),
    );
    const cache = await ReviewCache.open(dir, "acme/patch-policy");
    expect(cache.get(SHA)![0]!.teams).toEqual({
      "@acme/cab carol": { member: true, readAt: "2026-11-24T06:00:00.000Z" },
    });
    expect(cache.get(SHA)![0]!.number).toBe(12);

    await writeFile(
      file,
      JSON.stringify({
        version: 2,
        repository: "acme/patch-policy",
        commits: { [SHA]: [{ ...pull(), teams: ["@acme/cab carol"] }] },
      }),
    );
    const again = await ReviewCache.open(join(dir), "acme/patch-policy");
    expect(again.get(SHA)![0]).not.toHaveProperty("teams");
  });
});
