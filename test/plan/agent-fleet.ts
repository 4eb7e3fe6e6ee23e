// The agent-scanned fleet of test/fixtures/agent-fleet: Update files as intake drafts them from advisory text, and
// host records whose agentScan lists what Windows Update offers each host.
import type { AgentUpdate, InventoryRecord } from "../../reconciler/model/inventory.js";
import { hostRecord } from "../helpers/plan-fixture.js";

export const NOW = "2025-11-12T06:00:00Z";
const SCANNED = "2025-11-12T04:00:00Z";

let serial = 0;
/** One update as the agent reports it; ids are made up, the rest is the record's contract. */
export function agentUpdate(kb: string | null, title: string, over: Partial<AgentUpdate> = {}): AgentUpdate {
  serial++;
  return {
    kbs: kb ? [kb] : [],
    updateId: `00000000-0000-4000-8000-${String(serial).padStart(12, "0")}`,
    revision: 1,
    title,
    installed: false,
    classification: "security",
    severity: "critical",
    products: ["Microsoft Server operating system-21H2"],
    reboot: "can-request",
    downloaded: false,
    hotpatch: /Hotpatch/.test(title),
    supersedes: [],
    released: "2025-11-11",
    ...over,
  };
}

export const CU = () =>
  agentUpdate(
    "KB5068787",
    "2025-11 Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems (KB5068787)",
  );
export const HOTPATCH = () =>
  agentUpdate(
    "KB5068840",
    "2025-11 Security Hotpatch Update for Microsoft server operating system version 21H2 for x64-based Systems (KB5068840)",
  );
export const SQL_CU = () =>
  agentUpdate("KB5068406", "Security Update for SQL Server 2022 CU21 (KB5068406)", {
    severity: "important",
    products: ["Microsoft SQL Server 2022"],
  });
export const SQL_GDR = () =>
  agentUpdate("KB5068407", "Security Update for SQL Server 2022 RTM GDR (KB5068407)", {
    severity: "important",
    products: ["Microsoft SQL Server 2022"],
  });
export const DOTNET8 = () =>
  agentUpdate("KB5054229", "2025-03 .NET 8.0.14 Security Update for x64 Client (KB5054229)", {
    severity: "important",
    products: [".NET 8.0"],
    released: "2025-03-11",
  });
export const DEFINITIONS = (installed = true) =>
  agentUpdate(
    "KB2267602",
    "Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.441.100.0)",
    {
      classification: "definition",
      severity: undefined,
      products: ["Microsoft Defender Antivirus"],
      installed,
      reboot: "never",
    },
  );
export const MSRT = (installed = true) =>
  agentUpdate("KB890830", "Windows Malicious Software Removal Tool x64 - v5.132 (KB890830)", {
    classification: "tool",
    severity: undefined,
    products: ["Windows Server 2022"],
    installed,
    reboot: "never",
  });

const WS2022 = {
  family: "windows" as const,
  name: "Microsoft Windows Server 2022 Datacenter",
  version: "10.0.20348.4294",
};

/** A WS2022 host whose agent returned `updates`. */
export function agentHost(host: string, updates: AgentUpdate[], over: Partial<InventoryRecord> = {}): InventoryRecord {
  return hostRecord(host, {
    scannedAt: SCANNED,
    os: WS2022,
    agentScan: { source: "wsus", server: "https://wsus.corp:8531", completedAt: "2025-11-12T03:58:10Z", updates },
    ...over,
  });
}

/** A WS2022 host scanned without its agent (Get-HotFix, osquery, an old collector). */
export function estimatedHost(host: string, over: Partial<InventoryRecord> = {}): InventoryRecord {
  return hostRecord(host, { scannedAt: SCANNED, os: WS2022, ...over });
}

/** An Update file as intake drafts it from advisory text. */
export function updateFile(
  id: string,
  title: string,
  appliesTo: string,
  opts: { severity?: string; classification?: string; decision?: string | null; extra?: string } = {},
): string {
  const decision = opts.decision === undefined ? "approved" : opts.decision;
  return `apiVersion: patchops/v1
kind: Update
metadata:
  name: ${id.toLowerCase()}
spec:
  id: ${id}
  title: "${title}"
  classification: ${opts.classification ?? "security"}
  severity: ${opts.severity ?? "critical"}
  released: 2025-11-11
${decision ? `  decision: ${decision}\n` : ""}  pilot: false
  appliesTo: ${appliesTo}
${opts.extra ?? ""}`;
}

export const UPDATES: Record<string, string> = {
  "policies/updates/kb5068787.yaml": updateFile(
    "KB5068787",
    "2025-11 Cumulative Update for Windows Server 2022",
    "{ os: [{ family: windows, names: [Windows Server 2022], versions: '<10.0.20348.4405' }] }",
    { extra: "  timeline: standard\n" },
  ),
  "policies/updates/kb5068840.yaml": updateFile(
    "KB5068840",
    "2025-11 Security Hotpatch Update for Windows Server 2022",
    "{ os: [{ family: windows, names: [Windows Server 2022], versions: '<10.0.20348.4346' }] }",
    { extra: "  timeline: standard\n" },
  ),
  "policies/updates/kb5068406.yaml": updateFile(
    "KB5068406",
    "Security Update for SQL Server 2022 CU21",
    "{ products: [{ name: SQL Server 2022, versions: '<16.0.4222.2' }] }",
    { severity: "important" },
  ),
  "policies/updates/kb5068407.yaml": updateFile(
    "KB5068407",
    "Security Update for SQL Server 2022 RTM GDR",
    "{ products: [{ name: SQL Server 2022, versions: '<16.0.1160.1' }] }",
    { severity: "important" },
  ),
  "policies/updates/kb5054229.yaml": updateFile(
    "KB5054229",
    "2025-03 .NET 8.0.14 Security Update",
    "{ products: [{ name: .NET 8.0, versions: '<8.0.14' }] }",
    { severity: "important" },
  ),
  "policies/updates/kb5077179.yaml": updateFile(
    "KB5077179",
    "2026-02 Cumulative Update for Windows 11 Version 26H1",
    "{ os: [{ family: windows, names: [Windows 11 Version 26H1 for x64-based Systems], versions: '<10.0.28000.1575' }] }",
    { severity: "important" },
  ),
  "policies/updates/kb5035857.yaml": null as unknown as string,
};

/** An assignment of every host to one period of the minimal fixture's timetable. */
export function assignment(hosts: readonly string[]): Record<string, string> {
  return {
    "windows/assignments/team-a.yaml": `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: team-a
spec:
  owner: team-a
  timetable: dc
  hosts:
${hosts.map((h) => `    - { name: ${h}, period: D1-04, role: app }`).join("\n")}
`,
  };
}
