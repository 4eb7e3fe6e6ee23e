import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareDpkgVersions, parseDpkgVersion } from "../../reconciler/versions/dpkg.js";

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) };

// Debian policy §5.6.12: "~~" < "~~a" < "~" < "" < "a", and the epoch dominates.
const ASCENDING = [
  "1.0~~",
  "1.0~~a",
  "1.0~",
  "1.0",
  "1.0a",
  "1.0+dfsg",
  "1.0.1",
  "1.0.1-1",
  "1.0.1-1+b1",
  "1.0.1-1+deb12u1",
  "1.0.1-2",
  "1.10",
  "2.0~rc1",
  "2.0",
  "1:0.1",
  "1:0.1-1",
  "2:0~",
];

describe("dpkg version order", () => {
  it("orders Debian policy's examples", () => {
    for (let i = 0; i < ASCENDING.length; i++)
      for (let k = 0; k < ASCENDING.length; k++)
        expect(Math.sign(compareDpkgVersions(ASCENDING[i]!, ASCENDING[k]!)), `${ASCENDING[i]} vs ${ASCENDING[k]}`).toBe(
          Math.sign(i - k),
        );
  });

  it("treats a missing revision as revision 0 and leading zeros as nothing", () => {
    expect(compareDpkgVersions("1.0", "1.0-0")).toBe(0);
    expect(compareDpkgVersions("1.001", "1.1")).toBe(0);
    expect(compareDpkgVersions("0:1.0", "1.0")).toBe(0);
  });

  it("orders the real Debian 12 upgrades after the installed versions", () => {
    expect(compareDpkgVersions("3.0.22-1~deb12u2", "3.0.19-1~deb12u2")).toBe(1);
    expect(compareDpkgVersions("20250419~deb12u2", "20230311+deb12u1")).toBe(1);
    expect(compareDpkgVersions("1:2.66-4+deb12u3+b1", "1:2.66-4+deb12u2+b2")).toBe(1);
    expect(compareDpkgVersions("252.39-1~deb12u2", "252.38-1~deb12u1")).toBe(1);
    expect(compareDpkgVersions("17.0.21.1+2-1~deb12u1", "17.0.15+6-1~deb12u1")).toBe(1);
  });

  it("parses epoch, upstream and revision (the revision follows the last hyphen)", () => {
    expect(parseDpkgVersion("1:2.1.12-stable-8+deb12u1")).toEqual({
      epoch: 1,
      upstream: "2.1.12-stable",
      revision: "8+deb12u1",
    });
  });

  const part = fc.stringMatching(/^[0-9][0-9a-z.+~]{0,6}$/);
  const version = fc
    .tuple(fc.option(fc.integer({ min: 0, max: 3 })), part, fc.option(fc.stringMatching(/^[0-9a-z.+~]{1,5}$/)))
    .map(([e, u, r]) => `${e === null ? "" : `${e}:`}${u}${r === null ? "" : `-${r}`}`);

  it("agrees with dpkg --compare-versions on random versions", () => {
    const pairs = fc.sample(fc.tuple(version, version), RUNS.numRuns * 3);
    // One shell for all pairs: dpkg itself is the oracle.
    const script = pairs
      .map(
        ([a, b]) =>
          `if dpkg --compare-versions '${a}' lt '${b}'; then echo -1; elif dpkg --compare-versions '${a}' eq '${b}'; then echo 0; else echo 1; fi`,
      )
      .join("\n");
    const out = execFileSync("sh", ["-c", script], { encoding: "utf8" }).trim().split("\n").map(Number);
    pairs.forEach(([a, b], i) => expect(compareDpkgVersions(a, b), `${a} vs ${b}`).toBe(out[i]));
  });

  it("is antisymmetric and transitive", () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(Math.sign(compareDpkgVersions(a, b))).toBe(-Math.sign(compareDpkgVersions(b, a)));
        if (compareDpkgVersions(a, b) <= 0 && compareDpkgVersions(b, c) <= 0)
          expect(compareDpkgVersions(a, c)).toBeLessThanOrEqual(0);
      }),
      RUNS,
    );
  });
});
