// explain's words for a host's installed updates above its baseline: named from a full host plan (what explain
// makes from the inventory), counted with the command that lists them from a compact one.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { explainHost } from "../../reconciler/views/explain-text.js";
import { planFixture, readInventoryText } from "../helpers/plan-fixture.js";
import { FIXTURES } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";

describe("explain: above the baseline", () => {
  it("names host-h's KB9999 from a full plan and counts it from a compact one", async () => {
    const text = await readFile(join(FIXTURES, "plan-basic", "inventory.jsonl"), "utf8");
    const { inventory } = await readInventoryText(text);
    const plan = (detail: "compact" | "full") =>
      planFixture({
        base: "plan-basic",
        hosts: inventory,
        now: NOW,
        input: { detail, explainHosts: new Set(["host-h"]) },
      });
    const full = explainHost(await plan("full"), "host-h", null)!;
    const compact = explainHost(await plan("compact"), "host-h", null)!;
    const above = (t: string) => t.split("\n").filter((l) => l.includes("above baseline"));
    expect(above(full)).toEqual([
      "  above baseline: KB9999 installed but neither approved, required nor superseded by an approved update",
    ]);
    expect(above(compact)).toEqual([
      "  above baseline: 1 installed update neither approved, required nor superseded by an approved one (patchops explain --host host-h --inventory FILE lists them)",
    ]);
    // host-a has none: no line either way.
    expect(above(explainHost(await plan("compact"), "host-a", null)!)).toEqual([]);
  });
});
