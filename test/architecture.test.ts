import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/repo.js";

// The layers of reconciler/, lowest first (docs/architecture.md draws them). A module imports only from its own
// layer or lower ones; `plan` and `validate` share a layer and never import each other.
const LAYERS: string[][] = [
  ["order", "multimap", "diagnostics", "errors", "log-safe", "identity"],
  ["model"],
  ["load"],
  ["policy"],
  ["schedule", "inventory", "versions"],
  ["plan", "validate"],
  ["git", "github", "output"],
  ["approvals", "intake", "results", "export", "report", "notify"],
  ["app", "views"],
  ["cli"],
];
// Known upward imports still to be removed; each names why it is here. Keep this list shrinking.
const KNOWN: string[] = [];

const SRC = join(ROOT, "reconciler");
const area = (file: string) => relative(SRC, file).split("/")[0]!.replace(/\.ts$/, "");
const layerOf = (name: string) => LAYERS.findIndex((l) => l.includes(name));

function imports(): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (const f of readdirSync(SRC, { recursive: true, encoding: "utf8" })) {
    if (!f.endsWith(".ts")) continue;
    const file = join(SRC, f);
    for (const m of readFileSync(file, "utf8").matchAll(/from "(\.[^"]+)"/g))
      out.push({ from: file, to: normalize(join(dirname(file), m[1]!)).replace(/\.js$/, ".ts") });
  }
  return out;
}

describe("the import graph follows the layers", () => {
  const edges = imports();

  it("every folder of reconciler/ has a layer", () => {
    const unknown = [...new Set(edges.flatMap((e) => [area(e.from), area(e.to)]))].filter((a) => layerOf(a) < 0);
    expect(unknown).toEqual([]);
  });

  it("no module imports a higher layer, and plan and validate stay apart", () => {
    const upward = edges
      .filter((e) => {
        const a = area(e.from);
        const b = area(e.to);
        return layerOf(b) > layerOf(a) || (a !== b && [a, b].every((x) => x === "plan" || x === "validate"));
      })
      .map((e) => `${relative(SRC, e.from)} -> ${relative(SRC, e.to)}`)
      .filter((e) => !KNOWN.includes(e));
    expect(upward).toEqual([]);
  });
});
