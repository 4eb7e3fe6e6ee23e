// Large plain policy files are read by js-yaml for speed; they must give exactly the value the careful `yaml` path
// gives, and anything not plain (or not valid) must go the careful way, with its positions and checks.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { FAST_PATH_BYTES, parseYamlFile } from "../../reconciler/load/yaml-file.js";

function assignment(hosts: string[]): string {
  return `apiVersion: patchops/v1\nkind: Assignment\nmetadata:\n  name: big\nspec:\n  owner: team-a\n  timetable: dc\n  hosts:\n${hosts.join("\n")}\n`;
}

const big = (line: (i: number) => string, n = 3000) => assignment(Array.from({ length: n }, (_, i) => line(i)));

describe("the fast path for large plain files", () => {
  it("gives the careful parser's value for plain scalars of every kind", () => {
    const scalar = fc.oneof(
      fc.constantFrom("D1-04", "web-01", "0x1F", "0o17", "1e3", "12", "-3.5", "true", "False", "null", "~", ".inf"),
      fc.constantFrom("2026-11-20", "yes", "no", "on", "010", "+1", "1_000", ".5", "'quoted: yes'", '"dq \\u00e9"'),
      fc.stringMatching(/^[a-z][a-z0-9.-]{0,12}$/),
    );
    fc.assert(
      fc.property(fc.array(scalar, { minLength: 3, maxLength: 3 }), ([a, b, c]) => {
        const text = big((i) => `    - { name: h${i}-${a}, period: ${b}, role: ${c}, labels: { k: ${a} } }`, 1200);
        expect(text.length).toBeGreaterThanOrEqual(FAST_PATH_BYTES);
        const r = parseYamlFile("windows/assignments/big.yaml", Buffer.from(text));
        const careful = parseDocument(text, { uniqueKeys: true, strict: true });
        if (careful.errors.length) expect(r.parsed).toBeUndefined();
        else expect(r.parsed?.value).toEqual(careful.toJS());
      }),
      { numRuns: 30 },
    );
  });

  it("a duplicate key deep in a large file is still a diagnostic at its line", () => {
    const text = big((i) =>
      i === 2500 ? `    - { name: h${i}, name: again, period: D1-04 }` : `    - { name: h${i}, period: D1-04 }`,
    );
    const r = parseYamlFile("windows/assignments/big.yaml", Buffer.from(text));
    expect(r.parsed).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: "duplicate-key", line: 9 + 2500 });
  });

  it("anchors, aliases, tags and refused keys in a large file go the careful way and are refused as usual", () => {
    const withKey = big((i) =>
      i === 10 ? `    - { name: h${i}, __proto__: x }` : `    - { name: h${i}, period: D1-04 }`,
    );
    expect(parseYamlFile("windows/assignments/big.yaml", Buffer.from(withKey)).diagnostics[0]).toMatchObject({
      code: "forbidden-key",
      line: 19,
    });
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n`;
    const aliased = bomb + big((i) => `    - { name: h${i}, period: D1-04 }`).replace(/^apiVersion/m, "apiVersion");
    expect(parseYamlFile("windows/assignments/big.yaml", Buffer.from(aliased)).diagnostics[0]?.code).toBe(
      "alias-limit",
    );
  });

  it("positions in a fast-read file are found when asked", () => {
    const text = big((i) => `    - { name: h${i}, period: D1-04 }`);
    const r = parseYamlFile("windows/assignments/big.yaml", Buffer.from(text));
    expect(r.parsed).toBeDefined();
    expect(r.parsed!.lines.linePos(text.indexOf("h2999")).line).toBe(9 + 2999);
  });
});
