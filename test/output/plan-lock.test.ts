// The plan lock is exclusive (review L9): it never exists empty, a run releases only its own lock, a dead run's lock
// is taken over.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lock } from "../../reconciler/output/plan-dir.js";
import { tempDir } from "../helpers/repo.js";

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("the plan lock", () => {
  it("a second run waits for the first, and a repeated release never drops the next run's lock", async () => {
    const path = join(await tempDir(), ".out.lock");
    const releaseA = await lock(path, "out", 5000);
    const tokenA = await readFile(path, "utf8");
    let bHolds = false;
    const b = lock(path, "out", 5000).then((r) => ((bHolds = true), r));
    await new Promise((r) => setTimeout(r, 300));
    expect(bHolds).toBe(false);
    await releaseA();
    const releaseB = await b;
    const tokenB = await readFile(path, "utf8");
    expect(tokenB).not.toBe(tokenA);
    await releaseA(); // A's release again (a late cleanup): B's lock stays
    expect(await readFile(path, "utf8")).toBe(tokenB);
    await releaseB();
    await expect(readFile(path, "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("takes over the lock of a process that is gone", async () => {
    const path = join(await tempDir(), ".out.lock");
    await writeFile(path, "2147483646 deadbeef\n");
    const release = await lock(path, "out", 1000);
    expect(await readFile(path, "utf8")).toMatch(new RegExp(`^${process.pid} [0-9a-f]{12}\\n$`));
    await release();
  });

  it("is never seen empty while runs take and release it (the empty-pid race)", async () => {
    const path = join(await tempDir(), ".out.lock");
    let stop = false;
    const seen: string[] = [];
    const watcher = (async () => {
      while (!stop) {
        const text = await readFile(path, "utf8").catch(() => null);
        if (text !== null) seen.push(text);
        await tick();
      }
    })();
    const run = async () => {
      for (let i = 0; i < 15; i++) {
        const release = await lock(path, "out", 10_000);
        await tick();
        await release();
      }
    };
    await Promise.all([run(), run(), run()]);
    stop = true;
    await watcher;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((t) => !/^\d+ [0-9a-f]{12}\n$/.test(t))).toEqual([]);
  });
});
