// Messages a person acts on (second review, D28): an empty inventory says it is empty, and a name that is too long
// says how long a name may be.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readInventory } from "../../reconciler/inventory/read.js";
import { Name } from "../../reconciler/model/common.js";
import { tempDir } from "../helpers/repo.js";

describe("what an input that cannot be used says", () => {
  it("an empty inventory (or one of blank lines, or a bare byte-order mark) is empty, not of an unknown format", async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    for (const [file, text] of [
      ["empty.jsonl", ""],
      ["blank.jsonl", "\n \n\t\n"],
      ["bom.jsonl", "\uFEFF"],
    ] as const) {
      await writeFile(join(dir, file), text);
      await expect(readInventory([join(dir, file)])).rejects.toThrow(
        `${join(dir, file)}: the inventory is empty: it names no host (an empty scan never makes a fleet compliant)`,
      );
    }
    // One character that is not a format is still an unknown format.
    await writeFile(join(dir, "x.txt"), "x\n");
    await expect(readInventory([join(dir, "x.txt")])).rejects.toThrow("cannot tell the inventory format");
  });

  it("a name of 254 characters is refused, 253 is not, and the description says how long a name may be", () => {
    expect(Name.safeParse("k".repeat(253)).success).toBe(true);
    expect(Name.safeParse("k".repeat(254)).success).toBe(false);
    expect(Name.meta()?.description).toContain("at most 253 characters");
  });
});
