import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BlobReader } from "../../reconciler/git/cat-file.js";
import { commitAll } from "../helpers/repo.js";

describe("BlobReader: blobs through one git cat-file --batch", () => {
  it("reads many blobs at once, byte for byte, including binary and newline-heavy content", async () => {
    const dir = await mkdtemp(join(tmpdir(), "patchops-catfile-"));
    const contents = new Map<string, Buffer>();
    for (let i = 0; i < 120; i++) {
      const body = i % 3 === 0 ? randomBytes(i * 97) : Buffer.from("\n".repeat(i) + `file ${i}\n`);
      contents.set(`f${i}.bin`, body);
      await writeFile(join(dir, `f${i}.bin`), body);
    }
    commitAll(dir, "blobs");
    const shas = new Map(
      execFileSync("git", ["ls-tree", "HEAD"], { cwd: dir, encoding: "utf8" })
        .trim()
        .split("\n")
        .map((l) => [l.split("\t")[1]!, l.split(/\s+/)[2]!]),
    );
    const reader = new BlobReader(dir);
    const names = [...contents.keys()];
    const got = await Promise.all(names.map((n) => reader.read(shas.get(n)!)));
    names.forEach((n, i) => expect(got[i]!.equals(contents.get(n)!), n).toBe(true));
    // A missing object fails that read only, and the reader keeps working after going idle.
    await expect(reader.read("0".repeat(40))).rejects.toThrow(/missing/);
    await new Promise((r) => setTimeout(r, 20));
    expect((await reader.read(shas.get("f5.bin")!)).equals(contents.get("f5.bin")!)).toBe(true);
    await expect(reader.read("HEAD:f1.bin")).rejects.toThrow(/not an object id/);
  });
});

describe("BlobReader where git cannot answer", () => {
  it("rejects every request, and a write after git has gone (EPIPE) does not end the program", async () => {
    const notARepo = await mkdtemp(join(tmpdir(), "patchops-not-a-repo-"));
    try {
      const reader = new BlobReader(notARepo);
      const first = await reader.read("0".repeat(40)).then(
        () => "read",
        (e: Error) => e.message,
      );
      expect(first).toMatch(/^git cat-file ended \((exit \d+|write EPIPE)\)$/);
      // Many requests written back to back: git exits at once, so later writes meet a closed pipe.
      const all = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) => reader.read(i.toString(16).padStart(40, "0"))),
      );
      expect(all.every((r) => r.status === "rejected" && /^git cat-file ended/.test((r.reason as Error).message))).toBe(
        true,
      );
    } finally {
      await rm(notARepo, { recursive: true, force: true });
    }
  });
});
