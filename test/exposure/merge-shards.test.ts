// The in-memory plan and merge carry exposure.ndjson: the same lines on a compact and a full plan, and the shards'
// lines merged are the single run's. Expected lines worked out by hand, as in exposure.test.ts: the CU, approved on
// 2025-11-11T18:00Z on the emergency timeline, is overdue at 2025-11-12T06:00Z on the two hosts that lack it and have
// no hotpatch (est-hotpatched has KB5068840 installed: fixed; ws22-azure's hotpatch is pending, not measured there).
import { describe, expect, it } from "vitest";
import { planFileTexts } from "../../reconciler/output/plan-files.js";
import { mergeShards } from "../../reconciler/plan/merge.js";
import { planFixture } from "../helpers/plan-fixture.js";
import { FILES, INVENTORY } from "./fleet.js";

const fixture = (input: Parameters<typeof planFixture>[0]["input"] = {}) =>
  planFixture({
    files: { ...FILES, "policies/updates/kb5035857.yaml": null },
    hosts: INVENTORY,
    now: "2025-11-12T06:00:00Z",
    approvedAt: { "policies/updates/kb5068787.yaml": Date.parse("2025-11-11T18:00:00Z") },
    input,
  });

const EXPECTED = [
  '{"host":"est-ws22","owner":"team-a","status":"noncompliant","estimated":true,"cves":{"CVE-2025-62215":{"KB5068787":"overdue"}}}',
  '{"host":"ws22-plain","owner":"team-a","status":"noncompliant","cves":{"CVE-2025-62215":{"KB5068787":"overdue"}}}',
  "",
].join("\n");

describe("exposure.ndjson of an in-memory plan", () => {
  it("is the same on a compact and a full plan", async () => {
    const full = await fixture();
    const compact = await fixture({ detail: "compact" });
    expect(planFileTexts(full.plan, full.hosts, full.jobs, full.exposure).get("exposure.ndjson")).toBe(EXPECTED);
    expect(planFileTexts(compact.plan, compact.hosts, compact.jobs, compact.exposure).get("exposure.ndjson")).toBe(
      EXPECTED,
    );
    // est-hotpatched's compact line shows the CU overdue (matched by advisory) and leaves its installed hotpatch out:
    // the line alone would call it exposed; the full line shows the hotpatch that fixes it.
    expect(compact.hosts.find((h) => h.host === "est-hotpatched")!.updates).toEqual({ KB5068787: "overdue" });
    expect(full.hosts.find((h) => h.host === "est-hotpatched")!.updates).toEqual({
      KB5068787: "overdue",
      KB5068840: "installed",
    });
  });

  it("merges from four shards to the single run's lines", async () => {
    const shards = await Promise.all([4, 3, 2, 1].map((index) => fixture({ shard: { index, count: 4 } })));
    // est-ws22 is in shard 1, ws22-plain in shard 3 (FNV-1a of the name, modulo 4).
    expect(shards.map((s) => s.exposure.map((x) => x.host))).toEqual([[], ["ws22-plain"], [], ["est-ws22"]]);
    const merged = mergeShards(shards);
    expect(planFileTexts(merged.plan, merged.hosts, merged.jobs, merged.exposure).get("exposure.ndjson")).toBe(
      EXPECTED,
    );
    // A shard without exposure lines (written before them): the merge writes none rather than a partial file.
    const old = mergeShards(
      shards
        .map(({ plan, hosts, jobs }) => ({ plan, hosts, jobs }))
        .slice(0, 1)
        .concat(shards.slice(1)),
    );
    expect(old.exposure).toBeUndefined();
  });
});
