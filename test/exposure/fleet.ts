// The exposure tests' fleet: CVE-2025-62215 fixed by the November CU (approved, emergency) and by the hotpatch (pending),
// seven hosts (KB numbers: test/fixtures/agent-fleet/README.md; the CVE is the exploited kernel EoP of November 2025,
// mission.md §2.2).
import { CU, HOTPATCH, agentHost, assignment, estimatedHost, updateFile } from "../plan/agent-fleet.js";

const RFC = `  rfc:
    change: November cumulative update
    vulnerability: CVE-2025-62215, exploited
    servicesImpacted: every Windows Server 2022 service
    concurrentDeployment: none
    countermeasures: none
    testStrategy: reference collection first
    impact: significant
`;
const EXPLOITED = "  cves: [CVE-2025-62215]\n  exploited: { sources: [msrc], since: 2025-11-11 }\n";

export const FILES: Record<string, string> = {
  "policies/updates/kb5068787.yaml": updateFile(
    "KB5068787",
    "2025-11 Cumulative Update for Windows Server 2022",
    "{ os: [{ family: windows, names: [Windows Server 2022], versions: '<10.0.20348.4405' }] }",
    { severity: "important", extra: EXPLOITED + RFC },
  ),
  // Exploited, but nobody decided it yet: exposure still lists the hosts it would fix.
  "policies/updates/kb5068840.yaml": updateFile(
    "KB5068840",
    "2025-11 Security Hotpatch Update for Windows Server 2022",
    "{ os: [{ family: windows, names: [Windows Server 2022], versions: '<10.0.20348.4346' }] }",
    { severity: "important", decision: null, extra: EXPLOITED },
  ),
  // A fix for another CVE nobody exploits: never listed.
  "policies/updates/kb5068406.yaml": updateFile(
    "KB5068406",
    "Security Update for SQL Server 2022 CU21",
    "{ products: [{ name: SQL Server 2022, versions: '<16.0.4222.2' }] }",
    { severity: "important", extra: "  cves: [CVE-2025-59499]\n" },
  ),
  ...assignment(["ws22-plain", "ws22-azure", "ws22-done", "est-ws22", "est-patched", "est-hotpatched", "silent"]),
};

const AZURE = {
  family: "windows" as const,
  name: "Microsoft Windows Server 2022 Datacenter: Azure Edition",
  version: "10.0.20348.4294",
};
export const INVENTORY = [
  agentHost("ws22-plain", [CU()]),
  agentHost("ws22-azure", [HOTPATCH()], { os: AZURE }),
  agentHost("ws22-done", [{ ...CU(), installed: true }]),
  estimatedHost("est-ws22"),
  // The hotpatch fixes the CVE too: a host that has it is not exposed, although the CU still matches it by advisory.
  estimatedHost("est-hotpatched", { installed: ["KB5068840"] }),
  estimatedHost("est-patched", {
    installed: ["KB5068787"],
    os: { family: "windows", name: "Microsoft Windows Server 2022 Datacenter", version: "10.0.20348.4405" },
  }),
];
