// Plan trusts the host's own update agent where it spoke; hosts without an agent scan are estimated, and advisory
// matching never widens an unknown release or another SQL servicing branch. Expected states are worked out by hand
// from test/fixtures/agent-fleet/README.md.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readInventory } from "../../reconciler/inventory/read.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import { byHost, planFixture } from "../helpers/plan-fixture.js";
import { tempDir } from "../helpers/repo.js";
import {
  CU,
  DOTNET8,
  HOTPATCH,
  NOW,
  SQL_CU,
  SQL_GDR,
  UPDATES,
  agentHost,
  agentUpdate,
  assignment,
  estimatedHost,
} from "./agent-fleet.js";

const AZURE = {
  family: "windows" as const,
  name: "Microsoft Windows Server 2022 Datacenter: Azure Edition",
  version: "10.0.20348.4294",
};
const WIN11 = { family: "windows" as const, name: "Microsoft Windows 11 Enterprise", version: "10.0.22631.6060" };
const SQL_CU_BUILD = [{ name: "SQL Server 2022", version: "16.0.4195.2" }];
const SQL_GDR_BUILD = [{ name: "SQL Server 2022", version: "16.0.1150.1" }];

const FLEET: InventoryRecord[] = [
  agentHost("ws22-plain", [CU()]),
  agentHost("ws22-azure", [HOTPATCH()], { os: AZURE }),
  agentHost("ws22-done", [{ ...CU(), installed: true }]),
  agentHost("sql-cu", [SQL_CU()], { products: SQL_CU_BUILD }),
  agentHost("sql-gdr", [SQL_GDR()], { products: SQL_GDR_BUILD }),
  agentHost("net-01", [DOTNET8()], {
    products: [{ name: "Microsoft .NET Runtime - 8.0.2 (x64)", version: "8.0.2.33519" }],
  }),
  agentHost("net-02", [], { products: [{ name: ".NET 8.0", version: "8.0.2" }] }),
  agentHost(
    "win11-agent",
    [
      agentUpdate("KB5077179", "2026-02 Cumulative Update for Windows 11 Version 26H1 (KB5077179)", {
        severity: "important",
        products: ["Windows 11"],
      }),
    ],
    { os: WIN11 },
  ),
  estimatedHost("est-ws22"),
  estimatedHost("est-azure", { os: AZURE }),
  estimatedHost("est-gdr", { products: SQL_GDR_BUILD }),
  estimatedHost("est-cu", { products: SQL_CU_BUILD }),
  estimatedHost("est-win11", { os: WIN11 }),
  // The agent's search failed: a record that still carries a scan is not evidence.
  agentHost("wua-failed", [], { scanErrors: [{ source: "wua", message: "wuauserv is disabled", code: "0x80070422" }] }),
];

async function planFleet(records: InventoryRecord[] = FLEET) {
  const r = await planFixture({
    files: { ...UPDATES, ...assignment(records.map((h) => h.host)) },
    hosts: records,
    now: NOW,
  });
  const hosts = byHost(r.hosts);
  const jobUpdates = (host: string) =>
    r.jobs.filter((j) => j.host === host && j.type === "install").flatMap((j) => j.updates);
  return { r, hosts, jobUpdates };
}

describe("plan trusts the host's update agent", () => {
  it("gives each agent-scanned host exactly the KBs its agent offers", async () => {
    const { hosts, jobUpdates } = await planFleet();
    expect(hosts.get("ws22-plain")!.updates).toEqual({ KB5068787: "missing" });
    expect(jobUpdates("ws22-plain")).toEqual(["KB5068787"]);
    // Azure Edition, hotpatch-enrolled: offered the hotpatch, not the CU.
    expect(hosts.get("ws22-azure")!.updates).toEqual({ KB5068840: "missing" });
    expect(jobUpdates("ws22-azure")).toEqual(["KB5068840"]);
    // Installed according to the agent (IsInstalled), although the record's installed list does not name it.
    expect(hosts.get("ws22-done")!).toMatchObject({ status: "compliant", updates: { KB5068787: "installed" } });
    expect(jobUpdates("ws22-done")).toEqual([]);
    expect(hosts.get("sql-cu")!.updates).toEqual({ KB5068406: "missing" });
    expect(hosts.get("sql-gdr")!.updates).toEqual({ KB5068407: "missing" });
    // .NET: the host whose registry names the runtime its own way still gets the fix its agent lists; the one whose
    // agent does not list it gets nothing, although advisory matching would have matched its product.
    expect(hosts.get("net-01")!.updates).toEqual({ KB5054229: "missing" });
    expect(hosts.get("net-02")!.status).toBe("compliant");
    expect(hosts.get("net-02")!.updates).toEqual({});
    expect(hosts.get("win11-agent")!.updates).toEqual({ KB5077179: "missing" });
    for (const h of ["ws22-plain", "ws22-azure", "sql-cu", "sql-gdr", "net-01", "net-02", "win11-agent"])
      expect(hosts.get(h)!.estimated, h).toBeUndefined();
  });

  it("marks hosts without an agent scan estimated and counts them in one finding", async () => {
    const { r, hosts, jobUpdates } = await planFleet();
    expect(hosts.get("est-ws22")!).toMatchObject({
      estimated: true,
      updates: { KB5068787: "missing", KB5068840: "missing" },
    });
    expect(jobUpdates("est-ws22")).toEqual(["KB5068787", "KB5068840"]);
    expect(hosts.get("wua-failed")!.estimated).toBe(true);
    const f = r.plan.findings.filter((x) => x.code === "applicability-estimated");
    expect(f).toEqual([
      expect.objectContaining({
        severity: "info",
        message:
          "6 hosts (est-azure, est-cu, est-gdr, est-win11, est-ws22, …) report no scan of their update agent: what applies to them is estimated from advisory text",
      }),
    ]);
  });

  it("never widens: an unknown Windows release matches no estimated host, with a finding", async () => {
    const { r, hosts } = await planFleet();
    expect(hosts.get("est-win11")!.updates).toEqual({});
    expect(r.plan.findings.filter((x) => x.code === "os-release-unknown")).toEqual([
      expect.objectContaining({ file: "policies/updates/kb5077179.yaml", severity: "warning" }),
    ]);
  });

  it("never crosses SQL Server servicing branches by advisory matching", async () => {
    const { hosts } = await planFleet();
    // Both are Windows Server 2022 hosts too: the OS updates match them by advisory text as well.
    const os = { KB5068787: "missing", KB5068840: "missing" };
    expect(hosts.get("est-gdr")!.updates).toEqual({ ...os, KB5068407: "missing" });
    expect(hosts.get("est-cu")!.updates).toEqual({ ...os, KB5068406: "missing" });
  });

  it("does not hold a host whose OS name is unknown to patchops when its agent scanned it", async () => {
    // Build 26300 is no Windows Server release in patchops's table: the caption cannot be matched.
    const os = { family: "windows" as const, name: "Microsoft Windows Server Datacenter", version: "10.0.26300.1" };
    const { r, hosts } = await planFleet([agentHost("new-agent", [], { os }), estimatedHost("new-estimated", { os })]);
    expect(hosts.get("new-agent")!.status).toBe("compliant");
    expect(hosts.get("new-estimated")!.status).toBe("noncompliant");
    expect(r.plan.findings.filter((f) => f.code === "os-name-unknown").map((f) => f.message)).toEqual([
      "OS name 'Microsoft Windows Server Datacenter' on 1 Windows host (new-estimated) matches no Windows release; they are not compliant until the collector reports a known caption",
    ]);
  });

  it("reads the agent scan again from a streamed inventory (summaries) with the same answer", async () => {
    const dir = await tempDir();
    const file = join(dir, "inv.jsonl");
    await writeFile(file, FLEET.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const { inventory, diagnostics } = await readInventory([file], { summaries: true });
    expect(diagnostics).toEqual([]);
    const streamed = await planFixture({
      files: { ...UPDATES, ...assignment(FLEET.map((h) => h.host)) },
      hosts: inventory,
      now: NOW,
    });
    const whole = await planFleet();
    expect(streamed.hosts).toEqual(whole.r.hosts);
    expect(streamed.jobs).toEqual(whole.r.jobs);
    inventory.dispose?.();
  });
});
