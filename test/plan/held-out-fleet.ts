// The held-out months' agent-scanned fleet and policy (test/fixtures/msrc-held-out/README.md): shared by the excerpt
// test and the whole-month test.
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AgentUpdate, InventoryRecord } from "../../reconciler/model/inventory.js";
import { hostRecord } from "../helpers/plan-fixture.js";
import { FIXTURES, tempRepo } from "../helpers/repo.js";

const DIR = join(FIXTURES, "msrc-held-out");
export const JUNE = join(DIR, "msrc-2025-Jun-excerpt.cvrf.xml");
export const SEPTEMBER = join(DIR, "msrc-2025-Sep-excerpt.cvrf.xml");
const SCANNED = "2025-09-10T04:00:00Z";

let serial = 0;
/** An update as the host's Windows Update Agent reports it (titles in Windows Update's form; ids made up). */
function wua(kb: string, title: string, products: string[], over: Partial<AgentUpdate> = {}): AgentUpdate {
  serial++;
  return {
    kbs: [kb],
    updateId: `00000000-0000-4000-8000-${String(serial).padStart(12, "0")}`,
    revision: 1,
    title: `${title} (${kb})`,
    installed: false,
    classification: "security",
    severity: "important",
    products,
    reboot: "can-request",
    downloaded: false,
    hotpatch: /Hotpatch/.test(title),
    supersedes: [],
    released: "2025-06-10",
    ...over,
  };
}

const WS2022 = "Microsoft Server operating system-21H2";
const CU = () =>
  wua(
    "KB5060526",
    "2025-06 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems",
    [WS2022],
  );
const HOTPATCH = () =>
  wua(
    "KB5060525",
    "2025-06 Security Hotpatch Update for Microsoft server operating system version 21H2 for x64-based Systems",
    [WS2022],
  );
const SQL_CU = () =>
  wua("KB5065220", "Security Update for SQL Server 2022 CU20", ["Microsoft SQL Server 2022"], {
    released: "2025-09-09",
  });
const SQL_GDR = () =>
  wua("KB5065221", "Security Update for SQL Server 2022 RTM GDR", ["Microsoft SQL Server 2022"], {
    released: "2025-09-09",
  });
const DOTNET8 = () => wua("KB5061935", "2025-06 .NET 8.0.17 Security Update for x64 Server", [".NET 8.0"]);

const agentHost = (
  host: string,
  os: InventoryRecord["os"],
  updates: AgentUpdate[],
  over: Partial<InventoryRecord> = {},
) =>
  hostRecord(host, {
    scannedAt: SCANNED,
    os,
    agentScan: { source: "wsus", server: "https://wsus.corp:8531", completedAt: "2025-09-10T03:58:00Z", updates },
    ...over,
  });

const DATACENTER = {
  family: "windows" as const,
  name: "Microsoft Windows Server 2022 Datacenter",
  version: "10.0.20348.3692",
};
const AZURE = { ...DATACENTER, name: "Microsoft Windows Server 2022 Datacenter: Azure Edition" };
/** A Windows 11 release Microsoft shipped after these months (build 28000, "26H1"): no advisory here names it. */
const WIN11_NEW = { family: "windows" as const, name: "Microsoft Windows 11 Enterprise", version: "10.0.28000.1000" };

export const FLEET: InventoryRecord[] = [
  agentHost("ws22-std", DATACENTER, [CU()]),
  // Hotpatch-enrolled: Windows Update offers the hotpatch, not the cumulative update.
  agentHost("ws22-hp", AZURE, [HOTPATCH()]),
  agentHost("sql-cu", DATACENTER, [CU(), SQL_CU()], {
    products: [{ name: "SQL Server 2022", version: "16.0.4205.1" }],
  }),
  agentHost("sql-gdr", DATACENTER, [CU(), SQL_GDR()], {
    products: [{ name: "SQL Server 2022", version: "16.0.1140.6" }],
  }),
  agentHost("dotnet-old", DATACENTER, [CU(), DOTNET8()], {
    products: [{ name: "Microsoft .NET Runtime - 8.0.16 (x64)", version: "8.0.16.25256" }],
  }),
  // Already on 8.0.17: its agent does not offer the .NET fix.
  agentHost(
    "dotnet-new",
    DATACENTER,
    [CU(), DOTNET8()].map((u) => (u.kbs[0] === "KB5061935" ? { ...u, installed: true } : u)),
    {
      products: [{ name: "Microsoft .NET Runtime - 8.0.17 (x64)", version: "8.0.17.25260" }],
    },
  ),
  agentHost("w11-new", WIN11_NEW, []),
  // No agent scan (Get-HotFix, an old collector): estimated from advisory text.
  hostRecord("est-ws19", {
    scannedAt: SCANNED,
    os: { family: "windows", name: "Microsoft Windows Server 2019 Standard", version: "10.0.17763.7314" },
  }),
  hostRecord("est-w11-new", { scannedAt: SCANNED, os: WIN11_NEW }),
];

export const POLICY_FILES: Record<string, string> = {
  "policies/policy.yaml": `apiVersion: patchops/v1
kind: PatchPolicy
metadata:
  name: held-out
spec:
  timelines: { critical: emergency, important: standard, moderate: standard, low: standard, exploited: emergency }
  escalation: { afterHours: 24, action: isolate }
`,
  "policies/rules/windows-monthly.yaml": `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: windows-monthly
spec:
  vendors: [Microsoft]
  products: ["${WS2022}", "Microsoft SQL Server 2022", ".NET 8.0", "Windows Server 2019"]
  classifications: [security]
  severities: [critical, important]
  approveAfterDays: 0
`,
  "windows/assignments/team-a.yaml": `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: team-a
spec:
  owner: team-a
  timetable: dc
  hosts:
${FLEET.map((h, i) => `    - { name: ${h.host}, period: D${(i % 4) + 1}-04 }`).join("\n")}
`,
};

export async function heldOutRepo(): Promise<{ repo: string; inventory: string }> {
  const repo = await tempRepo("minimal", POLICY_FILES);
  await rm(join(repo, "policies/updates/kb5035857.yaml"));
  const inventory = join(repo, "inventory.jsonl");
  await writeFile(inventory, FLEET.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return { repo, inventory };
}
