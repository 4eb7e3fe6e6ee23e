import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareEvr, parseEvr, rpmvercmp } from "../../reconciler/versions/rpm.js";

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) };

// The cases of rpm's tests/rpmvercmp.at (rpm-software-management/rpm), each written once; the test checks both directions.
const CASES: [string, string, number][] = [
  ["1.0", "1.0", 0],
  ["1.0", "2.0", -1],
  ["2.0.1", "2.0.1", 0],
  ["2.0", "2.0.1", -1],
  ["2.0.1a", "2.0.1a", 0],
  ["2.0.1a", "2.0.1", 1],
  ["5.5p1", "5.5p1", 0],
  ["5.5p1", "5.5p2", -1],
  ["5.5p10", "5.5p10", 0],
  ["5.5p1", "5.5p10", -1],
  ["10xyz", "10.1xyz", -1],
  ["xyz10", "xyz10", 0],
  ["xyz10", "xyz10.1", -1],
  ["xyz.4", "xyz.4", 0],
  ["xyz.4", "8", -1],
  ["xyz.4", "2", -1],
  ["5.5p2", "5.6p1", -1],
  ["5.6p1", "6.5p1", -1],
  ["6.0.rc1", "6.0", 1],
  ["10b2", "10a1", 1],
  ["10a2", "10b2", -1],
  ["1.0aa", "1.0aa", 0],
  ["1.0a", "1.0aa", -1],
  ["10.0001", "10.0001", 0],
  ["10.0001", "10.1", 0],
  ["10.0001", "10.0039", -1],
  ["4.999.9", "5.0", -1],
  ["20101121", "20101121", 0],
  ["20101121", "20101122", -1],
  ["2_0", "2_0", 0],
  ["2.0", "2_0", 0],
  ["a", "a", 0],
  ["a+", "a+", 0],
  ["a+", "a_", 0],
  ["+a", "+a", 0],
  ["+a", "_a", 0],
  ["+_", "+_", 0],
  ["_+", "+_", 0],
  ["_+", "_+", 0],
  ["+", "_", 0],
  ["1.0~rc1", "1.0~rc1", 0],
  ["1.0~rc1", "1.0", -1],
  ["1.0~rc1", "1.0~rc2", -1],
  ["1.0~rc1~git123", "1.0~rc1~git123", 0],
  ["1.0~rc1~git123", "1.0~rc1", -1],
  ["1.0^", "1.0^", 0],
  ["1.0^", "1.0", 1],
  ["1.0^git1", "1.0^git1", 0],
  ["1.0^git1", "1.0", 1],
  ["1.0^git1", "1.0^git2", -1],
  ["1.0^git1", "1.01", -1],
  ["1.0^20160101", "1.0^20160101", 0],
  ["1.0^20160101", "1.0.1", -1],
  ["1.0^20160101^git1", "1.0^20160101^git1", 0],
  ["1.0^20160102", "1.0^20160101^git1", 1],
  ["1.0~rc1^git1", "1.0~rc1^git1", 0],
  ["1.0~rc1^git1", "1.0~rc1", 1],
  ["1.0^git1~pre", "1.0^git1~pre", 0],
  ["1.0^git1", "1.0^git1~pre", 1],
  ["1b.fc17", "1b.fc17", 0],
  ["1b.fc17", "1.fc17", -1],
  ["1g.fc17", "1g.fc17", 0],
  ["1g.fc17", "1.fc17", 1],
];

describe("rpm version order", () => {
  it("matches rpm's rpmvercmp test cases in both directions", () => {
    for (const [a, b, want] of CASES) {
      expect(rpmvercmp(a, b), `${a} vs ${b}`).toBe(want);
      expect(rpmvercmp(b, a), `${b} vs ${a}`).toBe(-want || 0);
    }
  });

  it("compares epoch first, then version, then release", () => {
    expect(compareEvr("1:1.0-1", "2.0-1")).toBe(1);
    expect(compareEvr("0:2.0-1", "2.0-1")).toBe(0);
    expect(compareEvr("2.4.37-47.el8", "2.4.37-43.module+el8.5.0+13806+b30d9eec")).toBe(1);
    expect(compareEvr("1.1.1k-5.el8_5", "1.1.1k-4.el8")).toBe(1);
    expect(compareEvr("3.0.7-25.el9_3", "3.0.7-24.el9")).toBe(1);
    expect(parseEvr("1:1.1.1k-5.el8_5")).toEqual({ epoch: 1, version: "1.1.1k", release: "5.el8_5" });
  });

  const segment = fc.stringMatching(/^[0-9a-z._+~^]{1,8}$/);
  it("is antisymmetric and transitive", () => {
    fc.assert(
      fc.property(segment, segment, segment, (a, b, c) => {
        expect(rpmvercmp(a, b)).toBe(-rpmvercmp(b, a) || 0);
        if (rpmvercmp(a, b) <= 0 && rpmvercmp(b, c) <= 0) expect(rpmvercmp(a, c)).toBeLessThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it("puts a ~ pre-release before the release and a ^ snapshot after it", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,3}){0,2}$/),
        fc.stringMatching(/^[a-z0-9]{1,4}$/),
        (v, s) => {
          expect(rpmvercmp(`${v}~${s}`, v)).toBe(-1);
          expect(rpmvercmp(`${v}^${s}`, v)).toBe(1);
        },
      ),
      RUNS,
    );
  });
});
