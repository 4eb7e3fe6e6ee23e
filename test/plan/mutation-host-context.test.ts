// The fleet-wide plan context (plan/passes/context.ts), built in-process from the minimal fixture policy and records
// read by the real native reader: the host lookup, job results from the future (the skew's exact instant, both
// sides), results naming unknown hosts. Expected values are written out by hand.
import { describe, expect, it } from "vitest";
import type { JobResult } from "../../reconciler/model/job-result.js";
import { shardOf } from "../../reconciler/plan/job-id.js";
import { buildContext, type PlanContext } from "../../reconciler/plan/passes/context.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { memorySource } from "../helpers/memory-source.js";
import { fixtureFiles, hostRecord, inventoryOf } from "../helpers/plan-fixture.js";

const NOW = Date.parse("2026-12-10T05:00:00Z");

async function context(results: JobResult[] = []): Promise<PlanContext> {
  const { set } = await validateSource(memorySource(fixtureFiles("minimal")), NOW);
  return buildContext({
    set,
    inventory: inventoryOf([hostRecord("host-01"), hostRecord("host-02"), hostRecord("Alpha"), hostRecord("zulu")]),
    now: NOW,
    approvals: new Map(),
    verification: "off",
    unverified: new Map(),
    revision: null,
    results,
  });
}

const result = (host: string, finishedAt: string): JobResult => ({
  jobId: `job-${host}`,
  host,
  type: "install",
  status: "succeeded",
  updates: {},
  finishedAt,
});

describe("hostNamed", () => {
  it("finds every host of the plan, in any case, and nothing else", async () => {
    const ctx = await context();
    for (const n of ["host-01", "HOST-02", "alpha", "Zulu"])
      expect(ctx.hostNamed(n)?.name.toLowerCase()).toBe(n.toLowerCase());
    for (const n of ["host-00", "host-03", "aaa", "zzzz", ""]) expect(ctx.hostNamed(n)).toBeUndefined();
  });

  it("without a shard every host is in it", async () => {
    const ctx = await context();
    expect(ctx.hosts.map((h) => ctx.inShard(h))).toEqual([true, true, true, true]);
  });
});

describe("job results", () => {
  it("a result 5 minutes after now is accepted (the allowed skew); 1 ms later it is from the future", async () => {
    const ctx = await context([
      result("host-01", "2026-12-10T05:05:00Z"),
      result("host-02", "2026-12-10T05:05:00.001Z"),
    ]);
    expect(ctx.findings.filter((f) => f.code === "result-from-the-future").map((f) => [f.severity, f.message])).toEqual(
      [
        [
          "warning",
          "job job-host-02 on host-02 claims to have finished at 2026-12-10T05:05:00.001Z, after 2026-12-10T05:00:00Z: the control node's clock is wrong; the result is ignored",
        ],
      ],
    );
  });

  it("results naming a host neither assigned nor scanned are reported once per host, sorted", async () => {
    const ctx = await context([
      result("zz-ghost", "2026-12-10T04:00:00Z"),
      result("host-01", "2026-12-10T04:00:00Z"),
      result("aa-ghost", "2026-12-10T04:00:00Z"),
    ]);
    expect(ctx.findings.filter((f) => f.code === "results-unknown-host").map((f) => [f.severity, f.message])).toEqual([
      ["warning", "job results name host 'aa-ghost', which is neither assigned nor scanned"],
      ["warning", "job results name host 'zz-ghost', which is neither assigned nor scanned"],
    ]);
  });
});

describe("shards and OS version classes", () => {
  it("with shards each host is in exactly one, the one its name falls in (job-id.ts's shardOf, pinned there)", async () => {
    const { set } = await validateSource(memorySource(fixtureFiles("minimal")), NOW);
    const inventory = inventoryOf([
      hostRecord("host-01"),
      hostRecord("host-02"),
      hostRecord("Alpha"),
      hostRecord("zulu"),
    ]);
    const base = { set, inventory, now: NOW, approvals: new Map(), verification: "off" as const };
    const of = (index: number) =>
      buildContext({ ...base, unverified: new Map(), revision: null, results: [], shard: { index, count: 2 } });
    const one = of(1);
    const two = of(2);
    const inOne = one.hosts.map((h) => one.inShard(h));
    expect(inOne).toEqual(one.hosts.map((h) => shardOf(h.name, 2) === 1));
    expect(two.hosts.map((h) => two.inShard(h))).toEqual(inOne.map((x) => !x));
    // Both shards hold someone here, so a shard that held everyone or no one would show.
    expect(inOne).toContain(true);
    expect(inOne).toContain(false);
  });

  it("builds on the same side of every range share a class; builds either side of one do not", async () => {
    const ctx = await context();
    // The minimal fixture's update applies to ">=10.0.20348 <10.0.20349" (Windows Server 2022).
    expect(ctx.versionClass("10.0.20348.5")).toBe(ctx.versionClass("10.0.20348.2340"));
    expect(ctx.versionClass("10.0.20348.5")).not.toBe(ctx.versionClass("10.0.17763.1"));
    expect(ctx.versionClass("10.0.20348.5")).not.toBe(ctx.versionClass("10.0.20349.0"));
    // Asked again (from the memo), the same answer.
    expect(ctx.versionClass("10.0.17763.1")).toBe(ctx.versionClass("10.0.17763.1"));
    expect(ctx.versionClass("10.0.17763.1")).toMatch(/^[01]+$/);
  });
});
