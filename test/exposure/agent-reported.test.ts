// exposure.ndjson names an update only the hosts' agents report, once a reviewed advisory file calls it exploited: the
// reconcile adds such updates to its catalog while it plans hosts, after the exposure index was first made.
// Setup as test/intake/agent-facts.test.ts: KB5034768 (the February 2024 CU for Windows Server 2019) fixes
// CVE-2024-21338; host-02 lacks it. Approvable at 2024-02-13T00:00Z, emergency (24 h) once exploited, so overdue at
// 2024-02-15T06:00Z on host-02.
import { describe, expect, it } from "vitest";
import type { AgentUpdate, InventoryRecord } from "../../reconciler/model/inventory.js";
import { hostRecord, planFixture } from "../helpers/plan-fixture.js";

const CU_2019 = (over: Partial<AgentUpdate> = {}): AgentUpdate => ({
  kbs: ["KB5034768"],
  updateId: "00000000-0000-4000-8000-000000005768",
  revision: 1,
  title: "2024-02 Cumulative Update for Windows Server 2019 for x64-based Systems (KB5034768)",
  installed: false,
  classification: "security",
  severity: "important",
  products: ["Windows Server 2019"],
  reboot: "can-request",
  downloaded: false,
  hotpatch: false,
  supersedes: [],
  released: "2024-02-13",
  ...over,
});
const agentHost = (host: string, updates: AgentUpdate[]): InventoryRecord =>
  hostRecord(host, {
    scannedAt: "2024-02-15T04:00:00Z",
    os: { family: "windows", name: "Microsoft Windows Server 2019 Datacenter", version: "10.0.17763.5329" },
    agentScan: { source: "wsus", completedAt: "2024-02-15T03:58:00Z", updates },
  });
const RULE = `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: wua-2019
spec:
  products: ["Windows Server 2019"]
  classifications: [security]
  severities: [critical, important]
  approveAfterDays: 0
`;
const ADVISORY = `apiVersion: patchops/v1
kind: Advisory
metadata:
  name: kb5034768
spec:
  id: KB5034768
  cves: [CVE-2024-21338]
  severity: important
  exploited: { sources: [msrc], since: 2024-02-13 }
`;

const plan = (files: Record<string, string | null>) =>
  planFixture({
    files: { "policies/updates/kb5035857.yaml": null, "policies/rules/wua-2019.yaml": RULE, ...files },
    // host-01 (period D1, the first wave: evaluated before the loop over hosts) reports nothing, so the CU enters the
    // catalog only when host-02 is planned, after the exposure index was first made.
    hosts: [agentHost("host-01", []), agentHost("host-02", [CU_2019()])],
    now: "2024-02-15T06:00:00Z",
    input: { detail: "compact" },
  });

describe("exposure lines of updates only agents report", () => {
  it("none without the advisory file; host-02 exposed with it", async () => {
    expect((await plan({})).exposure).toEqual([]);
    const r = await plan({ "policies/advisories/kb5034768.yaml": ADVISORY });
    expect(r.exposure.map((x) => [x.host, x.cves])).toEqual([
      ["host-02", { "CVE-2024-21338": { KB5034768: "overdue" } }],
    ]);
  });
});
