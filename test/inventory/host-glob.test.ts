// Host-name patterns (review M5): linear matching, one compilation per pattern, and overlap of two patterns.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globsIntersect, hostGlob } from "../../reconciler/inventory/host-glob.js";

/** An independent reference: the textbook recursive matcher (exponential, fine on short strings). */
function reference(pattern: string, name: string): boolean {
  if (pattern === "") return name === "";
  if (pattern[0] === "*")
    return reference(pattern.slice(1), name) || (name !== "" && reference(pattern, name.slice(1)));
  return name !== "" && pattern[0] === name[0] && reference(pattern.slice(1), name.slice(1));
}

/** Every string over `alphabet` up to `max` characters. */
function* strings(alphabet: string, max: number): Generator<string> {
  yield "";
  let level = [""];
  for (let n = 1; n <= max; n++) {
    const next: string[] = [];
    for (const s of level) for (const c of alphabet) next.push(s + c);
    yield* next;
    level = next;
  }
}

describe("hostGlob", () => {
  it.each([
    ["web-*", "web-01", true],
    ["web-*", "WEB-RED-140", true],
    ["web-*", "db-01", false],
    ["*", "anything.corp.example.com", true],
    ["web-*-prod", "web-01-prod", true],
    ["web-*-prod", "web-prod", false],
    ["a*b*c", "abc", true],
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "acb", false],
    ["a*a", "a", false],
    ["a**a", "aa", true],
    ["web-01", "WEB-01", true],
    ["web-01", "web-011", false],
  ])("%s against %s is %s", (pattern, host, want) => {
    expect(hostGlob(pattern).test(host)).toBe(want);
  });

  it("the review's pattern takes no time: web-************# against a 30-character name (was 55 s)", () => {
    const cpu = process.cpuUsage();
    for (let i = 0; i < 1000; i++)
      expect(hostGlob("web-************#").test("web-legacy-03.corp.example.com")).toBe(false);
    expect(hostGlob("web-" + "*".repeat(5000) + "#").test("web-" + "x".repeat(100_000))).toBe(false);
    // CPU time (user + system): the work is bounded whatever else the machine is doing.
    const used = process.cpuUsage(cpu);
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
  });

  it("compiles each pattern once", () => {
    expect(hostGlob("app-*")).toBe(hostGlob("app-*"));
  });

  it("agrees with the recursive reference on random patterns and names", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ab*]{0,6}$/), fc.stringMatching(/^[ab]{0,7}$/), (pattern, name) => {
        expect(hostGlob(pattern).test(name)).toBe(reference(pattern, name));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("globsIntersect", () => {
  it.each([
    ["web-*", "*", true],
    ["web-*", "db-*", false],
    ["*-prod", "web-*", true],
    ["web-*-prod", "web-*-test", false],
    ["abc", "a*c", true],
    ["abc", "abd", false],
    ["WEB-*", "web-01", true],
    ["a*", "*b", true],
  ])("%s and %s: %s", (a, b, want) => {
    expect(globsIntersect(a, b)).toBe(want);
    expect(globsIntersect(b, a)).toBe(want);
  });

  it("is true exactly when some short name matches both (brute force over a small alphabet)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ab*]{0,4}$/), fc.stringMatching(/^[ab*]{0,4}$/), (a, b) => {
        // A witness, when there is one, needs at most one character per position of the two patterns.
        let witness = false;
        for (const s of strings("abc", a.length + b.length))
          if (reference(a, s) && reference(b, s)) {
            witness = true;
            break;
          }
        expect(globsIntersect(a, b)).toBe(witness);
      }),
      { numRuns: 500 },
    );
  });
});
