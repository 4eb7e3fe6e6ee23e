// The review cache on disk: what it keeps (merged pull requests with a known head), what it refuses to read back
// (another version or repository, damaged or incomplete entries), and a cache that cannot be written.
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ReviewCache, type CachedPull } from "../../reconciler/approvals/cache.js";
import { tempDir } from "../helpers/repo.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const HEAD = "c".repeat(40);
const pull = (over: Partial<CachedPull> = {}): CachedPull => ({
  number: 7,
  title: "t",
  author: "dave",
  mergedAt: "2026-11-23T18:00:00Z",
  baseRef: "main",
  url: "https://github.com/acme/patch-policy/pull/7",
  headSha: HEAD,
  reviews: [{ id: 1, login: "alice", state: "APPROVED", submittedAt: "2026-11-23T17:00:00Z", commitId: HEAD }],
  ...over,
});

describe("ReviewCache", () => {
  it("a cache file per repository, its path made safe", () => {
    expect(ReviewCache.fileFor("/c", "acme/patch-policy")).toBe("/c/acme/patch-policy/reviews.json");
    expect(ReviewCache.fileFor("/c", "a c$e/x.y-z_1")).toBe("/c/a_c_e/x.y-z_1/reviews.json");
  });

  it("keeps complete entries, writes them sorted with its version and repository, and reads them back", async () => {
    const dir = await tempDir();
    const c = await ReviewCache.open(dir, "acme/patch-policy");
    expect(c.get(A)).toBeUndefined();
    c.set(B, [pull()]);
    c.set(A, [pull({ number: 8 })]);
    expect(c.get(A)).toEqual([pull({ number: 8 })]);
    await c.save();
    const file = join(dir, "acme", "patch-policy", "reviews.json");
    const text = await readFile(file, "utf8");
    const parsed = JSON.parse(text) as { version: number; repository: string; commits: Record<string, unknown> };
    expect(parsed.version).toBe(2);
    expect(parsed.repository).toBe("acme/patch-policy");
    expect(Object.keys(parsed.commits)).toEqual([A, B]);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n")[1]).toBe(' "version": 2,');
    const again = await ReviewCache.open(dir, "acme/patch-policy");
    expect(again.get(A)).toEqual([pull({ number: 8 })]);
    expect(again.get(B)).toEqual([pull()]);
    // Nothing new: nothing written (a file made read-only in between is not touched).
    await chmod(file, 0o444);
    await again.save();
    expect(await readFile(file, "utf8")).toBe(text);
    // Saved once, a second save writes nothing: a file removed in between stays removed.
    await rm(file);
    await c.save();
    await expect(readFile(file, "utf8")).rejects.toThrow(/ENOENT/);
    // A cache that learnt nothing writes nothing, not even an empty file.
    const fresh = await tempDir();
    await (await ReviewCache.open(fresh, "acme/patch-policy")).save();
    await expect(readFile(ReviewCache.fileFor(fresh, "acme/patch-policy"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("refuses what a verdict cannot rest on: no pull request, an open one, no head, no reviews", async () => {
    const c = await ReviewCache.open(null, "acme/patch-policy");
    c.set(A, []);
    c.set(A, [pull({ mergedAt: null })]);
    c.set(A, [pull({ headSha: null })]);
    c.set(A, [pull({ headSha: "c".repeat(39) })]);
    c.set(A, [pull({ headSha: "C".repeat(40) })]);
    c.set(A, [pull(), pull({ reviews: undefined as unknown as CachedPull["reviews"] })]);
    c.set(A, [pull({ number: "7" as unknown as number })]);
    c.set(A, [pull({ headSha: [HEAD] as unknown as string })]);
    c.set(A, [pull({ headSha: `z${HEAD}` })]);
    c.set(A, [pull({ headSha: `${HEAD}z` })]);
    expect(c.get(A)).toBeUndefined();
    c.set(A, [pull(), pull({ number: 9, reviews: [] })]);
    expect(c.get(A)?.map((p) => p.number)).toEqual([7, 9]);
    // No file: saving does nothing and never fails.
    await c.save();
  });

  it("reads back nothing from another version, another repository, a damaged file or a bad key", async () => {
    const dir = await tempDir();
    const file = ReviewCache.fileFor(dir, "acme/patch-policy");
    await mkdir(join(dir, "acme", "patch-policy"), { recursive: true });
    const write = (o: unknown) => writeFile(file, typeof o === "string" ? o : JSON.stringify(o));
    const open = () => ReviewCache.open(dir, "acme/patch-policy");
    await write({ version: 1, repository: "acme/patch-policy", commits: { [A]: [pull()] } });
    expect((await open()).get(A)).toBeUndefined();
    await write({ version: 2, repository: "acme/other", commits: { [A]: [pull()] } });
    expect((await open()).get(A)).toBeUndefined();
    await write("{ not json");
    expect((await open()).get(A)).toBeUndefined();
    await write({ version: 2, repository: "acme/patch-policy", commits: "nope" });
    expect((await open()).get(A)).toBeUndefined();
    await write({
      version: 2,
      repository: "acme/patch-policy",
      commits: {
        [B]: [null],
        [A]: [pull()],
        ["x".repeat(40)]: [pull()],
        [`z${A}`]: [pull()],
        [`${A}z`]: [pull()],
      },
    });
    const c = await open();
    expect(c.get(`z${A}`)).toBeUndefined();
    expect(c.get(`${A}z`)).toBeUndefined();
    expect(c.get(A)).toEqual([pull()]);
    expect(c.get("x".repeat(40))).toBeUndefined();
    expect(c.get(B)).toBeUndefined();
    // Property names of plain objects are not entries.
    expect(c.get("constructor")).toBeUndefined();
    expect(c.get("toString")).toBeUndefined();
  });

  it("a cache that cannot be written is one warning, and the next save tries no more", async () => {
    const dir = await tempDir();
    const file = ReviewCache.fileFor(dir, "acme/patch-policy");
    // A file where the repository's folder should be: mkdir fails (EEXIST / ENOTDIR) even for root.
    await writeFile(join(dir, "acme"), "a file, not a folder");
    const warnings: string[] = [];
    const c = await ReviewCache.open(dir, "acme/patch-policy", (t) => warnings.push(t));
    c.set(A, [pull()]);
    await c.save();
    await c.save();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(
        `^patchops: the review cache ${file.replace(/[.$]/g, "\\$&")} cannot be written \\((EEXIST|ENOTDIR)\\); going on without it, so the next run asks GitHub again \\(set --cache-dir or PATCHOPS_CACHE_DIR to a writable folder\\)\\n$`,
      ),
    );
    expect(ReviewCache.none().repository).toBe("");
    expect(ReviewCache.none("acme/x").get(A)).toBeUndefined();
  });
});
