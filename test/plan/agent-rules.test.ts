// Updates an agent reports flow through approval rules per host; non-patch classes stay out of rules and
// above-baseline unless the policy opts in; exploited updates go on the exploited timeline. Worked out by hand.
import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import { mergeShards } from "../../reconciler/plan/merge.js";
import { byHost, planFixture } from "../helpers/plan-fixture.js";
import { CU, DEFINITIONS, MSRT, agentHost, assignment, estimatedHost, updateFile } from "./agent-fleet.js";

const POLICY = (extra = "") => `apiVersion: patchops/v1
kind: PatchPolicy
metadata:
  name: minimal
spec:
  escalation: { afterHours: 24, action: isolate }
${extra}`;

const RULE = (spec: string) => `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: wua-monthly
spec:
${spec}`;

const SERVER_RULE = RULE(`  products: ["Microsoft Server operating system-21H2"]
  classifications: [security]
  severities: [critical]
  approveAfterDays: 3
  timeline: standard
`);

async function plan(records: InventoryRecord[], now: string, files: Record<string, string | null> = {}) {
  const r = await planFixture({
    files: {
      "policies/updates/kb5035857.yaml": null,
      "policies/rules/wua-monthly.yaml": SERVER_RULE,
      ...assignment(records.map((h) => h.host)),
      ...files,
    },
    hosts: records.map((h) => ({ ...h, scannedAt: new Date(Date.parse(now) - 3_600_000).toISOString() })),
    now,
  });
  return { r, hosts: byHost(r.hosts) };
}

describe("agent-reported updates and approval rules", () => {
  // KB5068787 released 2025-11-11 (LastDeploymentChangeTime); approveAfterDays 3 → approvable at 2025-11-14T00:00:00Z.
  it("a rule matching the WUA product name approves exactly when approveAfterDays has passed since release", async () => {
    const fleet = [agentHost("ws22-a", [CU()])];
    const before = await plan(fleet, "2025-11-13T23:59:59.999Z");
    expect(before.hosts.get("ws22-a")!.updates).toEqual({});
    expect(before.r.plan.summary.updates.KB5068787).toMatchObject({ decision: "pending", approvedAt: null });
    const at = await plan(fleet, "2025-11-14T00:00:00.000Z");
    expect(at.hosts.get("ws22-a")!.updates).toEqual({ KB5068787: "missing" });
    expect(at.r.plan.summary.updates.KB5068787).toMatchObject({
      decision: "approved",
      decidedBy: "rule:wua-monthly",
      timeline: "standard",
      approvedAt: "2025-11-14T00:00:00Z",
    });
    expect(at.r.jobs.filter((j) => j.type === "install").map((j) => [j.host, j.updates])).toEqual([
      ["ws22-a", ["KB5068787"]],
    ]);
  });

  it("judges each host on its own report: one host's severity never approves the update for another", async () => {
    const { hosts } = await plan(
      [
        agentHost("says-critical", [CU()]),
        agentHost("says-low", [{ ...CU(), severity: "low" }]),
        agentHost("says-other-product", [{ ...CU(), products: ["Windows Server 2019"] }]),
        // Same OS as the others, but no agent scan: never given what only agents reported.
        estimatedHost("no-agent"),
      ],
      "2025-11-15T00:00:00Z",
    );
    expect(hosts.get("says-critical")!.updates).toEqual({ KB5068787: "missing" });
    expect(hosts.get("says-low")!.updates).toEqual({});
    expect(hosts.get("says-other-product")!.updates).toEqual({});
    expect(hosts.get("no-agent")!.updates).toEqual({});
  });
});

describe("agent-reported updates in a sharded plan", () => {
  it("merge gives exactly the single run's plan, although only some shards' hosts reported the update", async () => {
    const fleet = Array.from({ length: 8 }, (_, i) => agentHost(`ws22-${i}`, i === 5 ? [CU()] : []));
    const now = "2025-11-15T00:00:00Z";
    const files = {
      "policies/updates/kb5035857.yaml": null,
      "policies/rules/wua-monthly.yaml": SERVER_RULE,
      ...assignment(fleet.map((h) => h.host)),
    };
    const hosts = fleet.map((h) => ({ ...h, scannedAt: "2025-11-14T23:00:00Z" }));
    const single = await planFixture({ files, hosts, now });
    const shards = await Promise.all(
      [1, 2, 3].map((index) => planFixture({ files, hosts, now, input: { shard: { index, count: 3 } } })),
    );
    // Only ws22-5 reports it (not the reference host): the shards without ws22-5 never see it.
    expect(shards.map((s) => "KB5068787" in s.plan.summary.updates)).toContain(false);
    const merged = mergeShards(shards.map((s) => ({ plan: { ...s.plan }, hosts: s.hosts, jobs: s.jobs })));
    expect(merged.plan.summary).toEqual(single.plan.summary);
    expect(merged.plan.summary.updates.KB5068787!.states).toEqual({ missing: 1 });
  });
});

describe("non-patch classes", () => {
  const DEF_RULE = RULE(`  classifications: [definition, tool, security]
  approveAfterDays: 0
`);
  const fleet = () => [
    // Installed per the agent only (IsInstalled), as Get-HotFix never lists them.
    agentHost("agent-1", [DEFINITIONS(true), MSRT(true), { ...DEFINITIONS(false), kbs: ["KB4052623"] }]),
    estimatedHost("est-1", { installed: ["KB2267602", "KB4052623", "KB890830", "KB5005112"] }),
  ];

  it("are never approved by rules nor above baseline by default", async () => {
    const { hosts } = await plan(fleet(), "2025-11-12T00:00:00Z", { "policies/rules/wua-monthly.yaml": DEF_RULE });
    expect(hosts.get("agent-1")!.updates).toEqual({});
    expect(hosts.get("agent-1")!.aboveBaseline).toEqual([]);
    // KB5005112 (a servicing stack update) is a patch nobody approved: still reported.
    expect(hosts.get("est-1")!.updates).toEqual({});
    expect(hosts.get("est-1")!.aboveBaseline).toEqual(["KB5005112"]);
  });

  it("are managed like patches for the classes PatchPolicy.nonPatchClasses lists", async () => {
    const { hosts } = await plan(fleet(), "2025-11-12T00:00:00Z", {
      "policies/rules/wua-monthly.yaml": DEF_RULE,
      "policies/policy.yaml": POLICY("  nonPatchClasses: [definition]\n"),
    });
    // The rule now approves the definition updates the agent reports (installed: installed; offered: missing); the
    // tool (MSRT) stays unmanaged.
    expect(hosts.get("agent-1")!.updates).toEqual({ KB2267602: "installed", KB4052623: "missing" });
    expect(hosts.get("agent-1")!.aboveBaseline).toEqual([]);
    // Without an agent scan nothing tells the rule about them: the known definition KBs are above baseline now.
    expect(hosts.get("est-1")!.updates).toEqual({});
    expect(hosts.get("est-1")!.aboveBaseline).toEqual(["KB2267602", "KB4052623", "KB5005112"]);
  });
});

// An emergency change needs every RFC answer (validate's rfc-incomplete): exploited updates go on that timeline.
const RFC = `  rfc:
    change: November cumulative update
    vulnerability: CVE-2025-62215, exploited
    servicesImpacted: every Windows Server 2022 service
    concurrentDeployment: none
    countermeasures: none
    testStrategy: reference collection first
    impact: significant
`;

describe("exploited means urgent", () => {
  const file = (extra: string) =>
    updateFile(
      "KB5068787",
      "2025-11 Cumulative Update for Windows Server 2022",
      "{ os: [{ family: windows, names: [Windows Server 2022] }] }",
      { severity: "important", extra: extra + RFC },
    );
  const timelineOf = async (extra: string, policy?: string) => {
    const files: Record<string, string | null> = { "policies/updates/kb5068787.yaml": file(extra) };
    if (policy !== undefined) files["policies/policy.yaml"] = POLICY(policy);
    const { r } = await plan([estimatedHost("ws22-a")], "2025-11-12T06:00:00Z", files);
    return r.plan.summary.updates.KB5068787!.timeline;
  };

  it("puts an exploited important update on the emergency timeline (the default mapping)", async () => {
    expect(await timelineOf("")).toBe("standard");
    expect(await timelineOf("  exploited: { sources: [msrc, kev], since: 2025-11-11 }\n")).toBe("emergency");
  });

  it("follows PatchPolicy.timelines.exploited, and an explicit timeline in the file stands", async () => {
    const exploited = "  exploited: { sources: [kev] }\n";
    expect(await timelineOf(exploited, "  timelines: { exploited: standard }\n")).toBe("standard");
    expect(await timelineOf(`${exploited}  timeline: standard\n`)).toBe("standard");
  });

  it("refuses an exploited block without sources", async () => {
    await expect(timelineOf("  exploited: { sources: [] }\n")).rejects.toThrow(/schema/);
  });
});
