import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SortedRuns, SpillDir } from "../../reconciler/output/sorted-runs.js";

interface Item {
  key: string;
  n: number;
  text: string;
}

const byKey = (a: Item, b: Item) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function items(count: number, seed: number): Item[] {
  let x = seed;
  const rand = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, (_, n) => ({
    key: `k${Math.floor(rand() * count * 0.7)}`,
    n,
    text: ["plain", "ünïcødé ✓", "line\nbreak", "𝄞 astral", ""][n % 5]!,
  }));
}

function collect(list: Item[], budget: number, spill: SpillDir, keyed = false): { text: string; runs: number } {
  const runs = new SortedRuns<Item>({
    compare: byKey,
    ...(keyed ? { keyOf: (i: Item) => [i.key] } : {}),
    dir: spill.path,
    name: keyed ? "keyed" : "items",
    budget,
  });
  for (const i of list) runs.add(i);
  const text = [...runs.lines()].join("");
  return { text, runs: runs.spilled };
}

describe("sorted runs", () => {
  it("gives the bytes of one stable sort, whether everything fits or runs spill and are merged", () => {
    const spill = new SpillDir();
    try {
      for (const [count, seed] of [
        [0, 1],
        [1, 2],
        [997, 3],
        [5000, 4],
      ] as const) {
        const list = items(count, seed);
        const expected = [...list]
          .sort(byKey)
          .map((i) => JSON.stringify(i) + "\n")
          .join("");
        const inMemory = collect(list, 1_000_000, spill);
        expect(inMemory.runs).toBe(0);
        expect(inMemory.text).toBe(expected);
        for (const budget of count > 1000 ? [64, 1000] : [1, 7, 64]) {
          for (const keyed of [false, true]) {
            const spilled = collect(list, budget, spill, keyed);
            if (count > budget) expect(spilled.runs).toBeGreaterThan(1);
            expect(spilled.text, `count ${count} budget ${budget} keyed ${keyed}`).toBe(expected);
          }
        }
      }
      // Ties keep their arrival order across runs (a stable merge).
      const ties = Array.from({ length: 50 }, (_, n) => ({ key: n % 2 ? "b" : "a", n, text: "" }));
      const merged = collect(ties, 4, spill)
        .text.trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Item);
      expect(merged.map((i) => i.n)).toEqual([...ties].sort(byKey).map((i) => i.n));
    } finally {
      spill.remove();
    }
  });

  it("reads runs whose lines cross the 256 KiB read blocks, with multi-byte characters and a line longer than a block", () => {
    const spill = new SpillDir();
    try {
      // Lines of 1 to ~2,800 bytes (ü and 𝄞 are 2 and 4 bytes in UTF-8), so runs of 300 span several blocks and block
      // edges fall inside lines and inside characters; one line of ~700 KB is longer than any block.
      const list = items(1200, 5).map((i) => ({ ...i, text: "ü𝄞x".repeat(i.n % 400) }));
      list[601] = { ...list[601]!, text: "𝄞ü".repeat(120_000) };
      const expected = [...list]
        .sort(byKey)
        .map((i) => JSON.stringify(i) + "\n")
        .join("");
      for (const keyed of [false, true]) {
        const spilled = collect(list, 300, spill, keyed);
        expect(spilled.runs).toBe(4);
        expect(spilled.text === expected, `keyed ${keyed}`).toBe(true);
      }
    } finally {
      spill.remove();
    }
  });

  it("removes its spill directory", () => {
    const spill = new SpillDir();
    collect(items(100, 9), 10, spill);
    expect(readdirSync(spill.path).length).toBeGreaterThan(0);
    spill.remove();
    expect(() => readdirSync(spill.path)).toThrow();
  });
});
