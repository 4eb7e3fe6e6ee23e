// Held-out real MSRC months against an agent-scanned fleet, end to end: intake → approve → plan. June 2025 (the
// exploited WebDAV CVE-2025-33053 fixed by the WS2022 CU and its hotpatch; .NET 8) and September 2025 (SQL Server 2022
// GDR and CU branches), excerpts of Microsoft's CVRF documents (test/fixtures/msrc-held-out/README.md). Every expected
// value below is read from those documents and the fleet by hand.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { HostResult, Job } from "../../reconciler/model/plan.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import { byHost, hostRecord, planFixture } from "../helpers/plan-fixture.js";
import { cli, tempRepo } from "../helpers/repo.js";
import { heldOutRepo, JUNE, SEPTEMBER } from "./held-out-fleet.js";

const NOW = "2025-09-10T06:00:00Z";

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
      // Installed and not-applicable states are asserted per host: the full per-update map.
      "--detail",
      "full",
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

describe("the fallback for hosts without an agent scan: .NET as the Uninstall key names it", () => {
  // KB5061935 (June 2025, CVE-2025-30399): ".NET 8.0 installed on Windows", fixed in 8.0.17.
  const estimated = (host: string, runtime: string, version: string): InventoryRecord =>
    hostRecord(host, {
      scannedAt: "2025-06-12T04:00:00Z",
      os: { family: "windows", name: "Microsoft Windows Server 2022 Datacenter", version: "10.0.20348.3807" },
      products: [{ name: runtime, version }],
    });

  it("a runtime below 8.0.17 is matched (the name's version, not DisplayVersion); 8.0.17 and .NET 9 are not", async () => {
    const repo = await tempRepo("minimal");
    const inventory = join(repo, "inventory.jsonl");
    const fleet = [
      estimated("host-01", "Microsoft .NET Runtime - 8.0.16 (x64)", "64.64.12345"),
      estimated("host-02", "Microsoft Windows Desktop Runtime - 8.0.17 (x64)", "8.0.17.34917"),
      estimated("host-03", "Microsoft ASP.NET Core 9.0.5 - Shared Framework (x64)", "9.0.5.25265"),
    ];
    await writeFile(inventory, fleet.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const r = await cli(
      "intake",
      "--repo",
      repo,
      "--now",
      "2025-06-12T06:00:00Z",
      "--inventory",
      inventory,
      "--feed",
      JUNE,
    );
    expect(r.code).toBe(0);
    // host-01 (team-a) for .NET 8 (8.0.16 < 8.0.17); host-03 for .NET 9 (9.0.5 < 9.0.6); host-02 already on 8.0.17.
    expect(r.stdout).toMatch(/\+ KB5061935 +important +standard +1 hosts \(team-a 1\)/);
    expect(r.stdout).toMatch(/\+ KB5061936 +important +standard +1 hosts \(\(unassigned\) 1\)/);
    const draft = parse(await readFile(join(repo, "policies/updates/kb5061935.yaml"), "utf8")) as {
      spec: { appliesTo: unknown };
    };
    expect(draft.spec.appliesTo).toEqual({ products: [{ name: ".NET 8.0", versions: "<8.0.17" }] });
    // Approved, plan gives it to host-01 only (the index finds it through the same name).
    const planned = await planFixture({
      files: {
        "policies/updates/kb5035857.yaml": null,
        "policies/updates/kb5061935.yaml": `apiVersion: patchops/v1
kind: Update
metadata:
  name: kb5061935
spec:
  id: KB5061935
  title: .NET 8.0 security update
  classification: security
  severity: important
  released: 2025-06-10
  decision: approved
  pilot: false
  appliesTo: { products: [{ name: .NET 8.0, versions: "<8.0.17" }] }
`,
      },
      hosts: fleet.slice(0, 2),
      now: "2025-06-12T06:00:00Z",
    });
    const hosts = byHost(planned.hosts);
    expect(hosts.get("host-01")!.updates).toEqual({ KB5061935: "missing" });
    expect(hosts.get("host-02")!.updates).toEqual({});
  });
});
