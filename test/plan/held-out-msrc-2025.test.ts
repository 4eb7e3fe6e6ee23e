// Held-out real MSRC months against an agent-scanned fleet, end to end: intake → approve → plan. June 2025 (the
// exploited WebDAV CVE-2025-33053 fixed by the WS2022 CU and its hotpatch; .NET 8) and September 2025 (SQL Server 2022
// GDR and CU branches), excerpts of Microsoft's CVRF documents (test/fixtures/msrc-held-out/README.md). Every expected
// value below is read from those documents and the fleet by hand.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { AgentUpdate, InventoryRecord } from "../../reconciler/model/inventory.js";
import type { HostResult, Job } from "../../reconciler/model/plan.js";
import { hostRecord } from "../helpers/plan-fixture.js";
import { cli, FIXTURES, tempRepo } from "../helpers/repo.js";

const DIR = join(FIXTURES, "msrc-held-out");
export const JUNE = join(DIR, "msrc-2025-Jun-excerpt.cvrf.xml");
export const SEPTEMBER = join(DIR, "msrc-2025-Sep-excerpt.cvrf.xml");
const NOW = "2025-09-10T06:00:00Z";
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

const lines = async <T>(file: string): Promise<T[]> =>
  (await readFile(file, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

describe("held-out MSRC months (June and September 2025) against an agent-scanned fleet", () => {
  it("intake → approve → plan: hotpatch, GDR/CU, .NET, a new release, exploited, estimated hosts", async () => {
    const { repo, inventory } = await heldOutRepo();
    const intake = await cli(
      "intake",
      "--repo",
      repo,
      "--now",
      NOW,
      "--inventory",
      inventory,
      "--feed",
      JUNE,
      SEPTEMBER,
    );
    expect(intake.stderr).toBe("");
    expect(intake.code).toBe(0);
    // What agents list is enriched, not drafted: one Advisory file each, exploitation from MSRC's Exploit Status.
    for (const kb of ["KB5060525", "KB5060526", "KB5061935", "KB5065220", "KB5065221"])
      expect(intake.stdout, kb).toMatch(new RegExp(`~ ${kb} +reported by update agents, not drafted`));
    const facts = (kb: string) =>
      readFile(join(repo, `policies/advisories/${kb.toLowerCase()}.yaml`), "utf8").then(
        (t) => (parse(t) as { spec: Record<string, unknown> }).spec,
      );
    expect(await facts("KB5060525")).toMatchObject({
      cves: ["CVE-2025-33053"],
      severity: "important",
      exploited: { sources: ["msrc"] },
    });
    expect(await facts("KB5065221")).toMatchObject({ cves: ["CVE-2025-47997"], severity: "important" });
    expect((await facts("KB5065221")).exploited).toBeUndefined();
    // What no agent lists is drafted where advisory text matches an estimated host: the WS2019 CU, under the rule.
    const draft = parse(await readFile(join(repo, "policies/updates/kb5060531.yaml"), "utf8")) as {
      spec: { timeline: string; exploited: unknown };
    };
    expect(draft.spec).toMatchObject({ timeline: "emergency", exploited: { sources: ["msrc"] } });
    // The Windows 11 CUs name 24H2 and 22H2/23H2 builds: never widened to a release no advisory names.
    expect(intake.stdout).toMatch(/- irrelevant \(no affected host\).*KB5060842/);
    expect(intake.stdout).toMatch(/- irrelevant \(no affected host\).*KB5060999/);
    const validated = await cli("validate", "--repo", repo, "--now", NOW);
    expect(validated.stdout).toContain("✓ 11 documents valid");
    expect(validated.code).toBe(0);

    // The CAB merges the drafts and facts as written; the rule approves (approveAfterDays 0). Approval verification
    // against GitHub is not this test's subject (test/intake/agent-facts.test.ts verifies Advisory files).
    const out = join(repo, "out");
    const plan = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      inventory,
      "--now",
      NOW,
      "--out",
      out,
      "--no-verify-approvals",
    );
    expect(plan.stderr + plan.code).toBe("0");
    const hosts = new Map((await lines<HostResult>(join(out, "hosts.ndjson"))).map((h) => [h.host, h]));
    const jobs = (await lines<Job>(join(out, "jobs.ndjson"))).filter((j) => j.type === "install");
    const installs = (host: string) =>
      jobs
        .filter((j) => j.host === host)
        .flatMap((j) => j.updates.map((u) => `${u} ${j.timeline}`))
        .sort();

    // Hotpatch hosts only get hotpatches; the others only the cumulative update. Exploited → emergency.
    expect(installs("ws22-std")).toEqual(["KB5060526 emergency"]);
    expect(installs("ws22-hp")).toEqual(["KB5060525 emergency"]);
    // GDR servers only get the GDR fix, CU servers only the CU-branch fix (important, not exploited → standard).
    expect(installs("sql-cu")).toEqual(["KB5060526 emergency", "KB5065220 standard"]);
    expect(installs("sql-gdr")).toEqual(["KB5060526 emergency", "KB5065221 standard"]);
    // .NET fixes reach exactly the hosts whose agent offers them.
    expect(installs("dotnet-old")).toEqual(["KB5060526 emergency", "KB5061935 standard"]);
    expect(installs("dotnet-new")).toEqual(["KB5060526 emergency"]);
    expect(hosts.get("dotnet-new")!.updates.KB5061935).toBe("installed");
    // A release no host's agent reports an update for, and no advisory names, stays not applicable.
    expect(installs("w11-new")).toEqual([]);
    expect(hosts.get("w11-new")!.updates).toEqual({});
    expect(installs("est-w11-new")).toEqual([]);
    // Estimated hosts are marked; the agent-scanned ones are not.
    expect(
      [...hosts.values()]
        .filter((h) => h.estimated)
        .map((h) => h.host)
        .sort(),
    ).toEqual(["est-w11-new", "est-ws19"]);
    expect(installs("est-ws19")).toEqual(["KB5060531 emergency"]);
    const planJson = JSON.parse(await readFile(join(out, "plan.json"), "utf8")) as {
      findings: { code: string; message: string }[];
    };
    expect(planJson.findings.find((f) => f.code === "applicability-estimated")?.message).toMatch(
      /^2 hosts \(est-w11-new, est-ws19\) report no scan of their update agent/,
    );
    // Exposure: the exploited CVE, per host, with the update that fixes it there.
    const exposure = await cli(
      "exposure",
      "--repo",
      repo,
      "--inventory",
      inventory,
      "--now",
      NOW,
      "--cve",
      "CVE-2025-33053",
      "--format",
      "json",
      "--no-verify-approvals",
    );
    const x = JSON.parse(exposure.stdout) as {
      cves: { hosts: { host: string; estimated: boolean; fixes: { id: string }[] }[] }[];
    };
    expect(x.cves[0]!.hosts.map((h) => [h.host, h.estimated, h.fixes.map((f) => f.id)])).toEqual([
      ["dotnet-new", false, ["KB5060526"]],
      ["dotnet-old", false, ["KB5060526"]],
      ["est-ws19", true, ["KB5060531"]],
      ["sql-cu", false, ["KB5060526"]],
      ["sql-gdr", false, ["KB5060526"]],
      ["ws22-hp", false, ["KB5060525"]],
      ["ws22-std", false, ["KB5060526"]],
    ]);
  });
});
