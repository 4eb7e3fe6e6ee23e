// writeTreeAtomically: a tree of files (the report's site) is replaced whole or not at all.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTreeAtomically } from "../../reconciler/output/atomic.js";
import { tempDir } from "../helpers/repo.js";

describe("writeTreeAtomically", () => {
  it("leaves every old file as it was when content made while writing fails, in any folder, and no temp file", async () => {
    const root = await tempDir();
    await mkdir(join(root, "data"), { recursive: true });
    await writeFile(join(root, "index.html"), "old index");
    await writeFile(join(root, "data", "hosts-0.js"), "old data");
    const failing = (function* () {
      yield "new digest, half";
      throw new Error("the plan's file turned out broken");
    })();
    const files = new Map<string, string | Iterable<string>>([
      ["data/hosts-0.js", "new data"],
      ["index.html", "new index"],
      ["digests/team.md", failing],
    ]);
    await expect(writeTreeAtomically(root, files)).rejects.toThrow("broken");
    expect(await readFile(join(root, "index.html"), "utf8")).toBe("old index");
    expect(await readFile(join(root, "data", "hosts-0.js"), "utf8")).toBe("old data");
    for (const dir of [root, join(root, "data"), join(root, "digests")])
      expect((await readdir(dir)).filter((f) => f.includes(".tmp-"))).toEqual([]);

    await writeTreeAtomically(root, new Map([...files].filter(([k]) => k !== "digests/team.md")));
    expect(await readFile(join(root, "data", "hosts-0.js"), "utf8")).toBe("new data");
    expect(await readFile(join(root, "index.html"), "utf8")).toBe("new index");
  });
});
