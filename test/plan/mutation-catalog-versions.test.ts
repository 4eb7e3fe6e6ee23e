// Version order and ranges (plan/versions.ts) and job ids and shards (plan/job-id.ts) at their edges: missing parts
// count as zero, each comparator on both sides of its bound, alternatives, spaces where the range syntax allows them;
// job ids and shards against values computed outside patchops (sha256sum, the published FNV-1a test vectors).
import { describe, expect, it } from "vitest";
import { VersionRange } from "../../reconciler/model/common.js";
import { jobId, shardOf } from "../../reconciler/plan/job-id.js";
import { compareVersions, satisfies } from "../../reconciler/plan/versions.js";

describe("compareVersions", () => {
  it("numeric per part, missing parts are zero, the first difference decides", () => {
    expect(compareVersions("10.0.20348", "10.0.20348.0")).toBe(0);
    expect(compareVersions("10.0.20348.0", "10.0.20348")).toBe(0);
    expect(compareVersions("10.0.20348.1", "10.0.20348")).toBe(1);
    expect(compareVersions("10.0.20348", "10.0.20348.1")).toBe(-1);
    // Numbers, not text: 9 < 10.
    expect(compareVersions("9", "10")).toBe(-1);
    expect(compareVersions("10", "9")).toBe(1);
    expect(compareVersions("1.10", "1.9")).toBe(1);
    // The first part that differs decides, not a later one.
    expect(compareVersions("2.0", "1.9")).toBe(1);
    expect(compareVersions("1.9", "2.0")).toBe(-1);
    expect(compareVersions("3.1.5", "3.2.0")).toBe(-1);
    expect(compareVersions("7", "7")).toBe(0);
  });
});

describe("satisfies", () => {
  const W = "10.0.20348.2113";
  it("no range, an empty range and * take every version", () => {
    expect(satisfies(W, undefined)).toBe(true);
    expect(satisfies(W, "")).toBe(true);
    expect(satisfies(W, "*")).toBe(true);
    expect(satisfies(W, " * ")).toBe(true);
  });

  it("each comparator on both sides of its bound", () => {
    expect([">=10.0.20348.2113", ">=10.0.20348.2114", ">=10.0.20348.2112"].map((r) => satisfies(W, r))).toEqual([
      true,
      false,
      true,
    ]);
    expect(["<=10.0.20348.2113", "<=10.0.20348.2112", "<=10.0.20348.2114"].map((r) => satisfies(W, r))).toEqual([
      true,
      false,
      true,
    ]);
    expect([">10.0.20348.2113", ">10.0.20348.2112", ">10.0.20348.2114"].map((r) => satisfies(W, r))).toEqual([
      false,
      true,
      false,
    ]);
    expect(["<10.0.20348.2113", "<10.0.20348.2114", "<10.0.20348.2112"].map((r) => satisfies(W, r))).toEqual([
      false,
      true,
      false,
    ]);
    expect(["=10.0.20348.2113", "=10.0.20348.2114", "=10.0.20348.2112"].map((r) => satisfies(W, r))).toEqual([
      true,
      false,
      false,
    ]);
    // A bare version is "=", and missing parts count as zero.
    expect(["10.0.20348.2113", "10.0.20348.2112", "10.0.20348.2114"].map((r) => satisfies(W, r))).toEqual([
      true,
      false,
      false,
    ]);
    expect(satisfies("10.0.20348", "10.0.20348.0")).toBe(true);
    expect(satisfies("10", "=10.0")).toBe(true);
  });

  it("every comparator of one alternative must hold", () => {
    const R = ">=10.0.20348 <10.0.20349";
    expect(satisfies("10.0.20348", R)).toBe(true);
    expect(satisfies(W, R)).toBe(true);
    expect(satisfies("10.0.20349", R)).toBe(false);
    expect(satisfies("10.0.20347.9999", R)).toBe(false);
    // A bare version after another comparator is a comparator of its own.
    expect(satisfies("11", ">=10 11")).toBe(true);
    expect(satisfies("12", ">=10 11")).toBe(false);
    // Several spaces, or a tab, between comparators.
    expect(satisfies(W, ">=10.0.20348  \t<10.0.20349")).toBe(true);
    expect(satisfies("10.0.20349", ">=10.0.20348  \t<10.0.20349")).toBe(false);
  });

  it("any one alternative will do, with or without spaces around ||", () => {
    const R = "15.0 || >=16.0 <17";
    expect(["15", "15.0.1", "16.0.4222.2", "17", "14"].map((v) => satisfies(v, R))).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(["1", "2", "3"].map((v) => satisfies(v, "1||2"))).toEqual([true, true, false]);
    expect(["1", "2", "3"].map((v) => satisfies(v, " 1 || 2 "))).toEqual([true, true, false]);
    // A * alternative takes everything.
    expect(satisfies("99", "1 || *")).toBe(true);
  });

  it("a space between a comparator and its version, as the range syntax allows", () => {
    // The schema accepts these (model/common.ts); each must mean what it says, not match nothing.
    for (const r of [">= 10.0", "< 11", ">= 10 < 11", "= 10.5", "<= 10.5"]) expect(VersionRange.parse(r)).toBe(r);
    expect(satisfies("10.5", ">= 10.0")).toBe(true);
    expect(satisfies("9.9", ">= 10.0")).toBe(false);
    expect(satisfies("10.5", "< 11")).toBe(true);
    expect(satisfies("11", "< 11")).toBe(false);
    expect(satisfies("10.5", ">= 10 < 11")).toBe(true);
    expect(satisfies("11.0", ">= 10 < 11")).toBe(false);
    expect(satisfies("10.5", "= 10.5")).toBe(true);
    expect(satisfies("10.5.1", "<= 10.5")).toBe(false);
  });

  it("text that is no comparator matches nothing, whole or in part", () => {
    expect(satisfies("1.0", "=>1.0")).toBe(false);
    expect(satisfies("1.0", "1.0a")).toBe(false);
    expect(satisfies("1.0", "x1.0")).toBe(false);
    expect(satisfies("1.0", ">=1.")).toBe(false);
    expect(satisfies("1.0", "1.0.")).toBe(false);
    // A later alternative still counts.
    expect(satisfies("1.0", "x || 1")).toBe(true);
  });

  it("the same range asked twice answers the same (it is compiled once)", () => {
    expect(satisfies("5", ">=4 <6")).toBe(true);
    expect(satisfies("5", ">=4 <6")).toBe(true);
    expect(satisfies("6", ">=4 <6")).toBe(false);
  });
});

describe("jobId and shardOf", () => {
  it("a job id is the first 16 hex digits of the SHA-256 of the parts as JSON", () => {
    // printf '%s' '["install","KB5035857","host-01",3]' | sha256sum
    expect(jobId(["install", "KB5035857", "host-01", 3])).toBe("b01b67c721d81c2b");
    // printf '%s' '[]' | sha256sum
    expect(jobId([])).toBe("4f53cda18c2baa0c");
  });

  it("shards by 32-bit FNV-1a: the published vectors, 1-based", () => {
    // FNV-1a 32: "" → 0x811c9dc5 (2166136261), "a" → 0xe40c292c (3826002220), "foobar" → 0xbf9cf968 (3214735720).
    expect(shardOf("", 1)).toBe(1);
    expect(shardOf("", 10)).toBe(2); // 2166136261 mod 10 = 1
    expect(shardOf("", 7)).toBe(3); // 2166136261 mod 7 = 2
    expect(shardOf("a", 7)).toBe(6); // 3826002220 mod 7 = 5
    expect(shardOf("a", 3)).toBe(2); // 3826002220 mod 3 = 1
    expect(shardOf("foobar", 7)).toBe(1); // 3214735720 mod 7 = 0
    expect(shardOf("foobar", 1000)).toBe(721); // 3214735720 mod 1000 = 720
    expect(shardOf("a", 1000)).toBe(221); // 3826002220 mod 1000 = 220
  });
});
