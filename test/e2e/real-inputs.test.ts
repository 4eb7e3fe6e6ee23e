// End to end on real vendor data: intake drafts, the CAB approves, plan and report give the right answer for a Windows
// client, a KB covering client and server, a version-fixed product without a KB, an edition caption, an unknown OS
// name and a below-baseline host; remediations that cannot be drafted are reported, never dropped.
import { appendFile, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { UpdateSpec } from "../../reconciler/model/update.js";
import type { Compliance } from "../../reconciler/report/compliance.js";
import type { HostResult, Plan } from "../../reconciler/model/plan.js";
import { cli, FIXTURES, tempRepo } from "../helpers/repo.js";

const FEEDS = join(FIXTURES, "feeds");
const NOW = "2026-12-10T09:00:00Z";
const SCAN = "2026-12-10T04:00:00Z";

const extraHosts = [
  // Windows 10 1507, as WMI reports it: the April 2016 KB3147461 applies and is missing.
  {
    host: "desk-win10-01",
    os: { family: "windows", name: "Microsoft Windows 10 Enterprise", version: "10.0.10240.16724" },
  },
  // Windows 10 1607: KB3147461 (for 1507 only) does not apply.
  {
    host: "desk-win10-02",
    os: { family: "windows", name: "Microsoft Windows 10 Enterprise", version: "10.0.14393.693" },
  },
  // Windows 8.1: KB3135456 covers it as well as Windows Server 2012 and 2012 R2.
  { host: "desk-win81-01", os: { family: "windows", name: "Microsoft Windows 8.1 Pro", version: "6.3.9600.18233" } },
  {
    host: "srv-2012r2-01",
    os: { family: "windows", name: "Microsoft Windows Server 2012 R2 Datacenter", version: "6.3.9600.18231" },
    installed: ["KB3135456"],
  },
  // An edition caption, and Edge below and at its fixed version.
  {
    host: "srv-azure-01",
    os: {
      family: "windows",
      name: "Microsoft Windows Server 2022 Datacenter: Azure Edition",
      version: "10.0.20348.2322",
    },
    products: [{ name: "Microsoft Edge", version: "119.0.2151.97" }],
  },
  {
    host: "srv-azure-02",
    os: { family: "windows", name: "Windows Server 2022 Datacenter: Azure Edition", version: "10.0.20348.2322" },
    products: [{ name: "Microsoft Edge", version: "120.0.2210.61" }],
  },
  // A caption no Windows release carries.
  { host: "odd-01", os: { family: "windows", name: "Windows Srv 2022", version: "10.0.20348.2322" } },
];

async function approve(repo: string, file: string): Promise<void> {
  const path = join(repo, "policies/updates", file);
  const text = (await readFile(path, "utf8"))
    .replaceAll("TODO: a person answers this before the CAB reviews", "Answered by the test CAB.")
    .replace(/^ {2}timeline: (\w+)$/m, "  timeline: $1\n  decision: approved")
    .replace(/^( {4}testStrategy: .*)$/m, "$1\n    impact: minor");
  await writeFile(path, text);
}

describe("real inputs end to end", () => {
  let repo: string;
  let intake: { code: number; stdout: string; stderr: string };
  let hosts: Map<string, HostResult>;
  let plan: Plan;
  let summary: string;

  beforeAll(async () => {
    repo = await tempRepo("example");
    await appendFile(
      join(repo, "windows/assignments/web-platform.yaml"),
      extraHosts
        .map(
          (h, i) =>
            `    - { name: ${h.host}, period: D${(i % 4) + 1}-20, role: ${h.host.startsWith("srv-azure") ? "app" : "desktop"} }\n`,
        )
        .join(""),
    );
    const inventory = join(repo, "inventory.jsonl");
    await writeFile(
      inventory,
      (await readFile(join(repo, "examples/inventory.jsonl"), "utf8")) +
        extraHosts.map((h) => JSON.stringify({ installed: [], ...h, scannedAt: SCAN })).join("\n") +
        "\n",
    );
    intake = await cli(
      "intake",
      "--repo",
      repo,
      "--now",
      NOW,
      "--inventory",
      inventory,
      "--feed",
      ...[
        "msrc-2016-Apr-trimmed.cvrf.xml",
        "msrc-csaf-edge-sample.json",
        "rhsa-2022_0011.json",
        "bsi-2022-0001.json",
        "cisco-sa-20180328-smi2.json",
      ].map((f) => join(FEEDS, f)),
    );
    for (const f of await readdir(join(repo, "policies/updates")))
      if (/^(kb3135456|kb3147461|edge-)/.test(f)) await approve(repo, f);
    const p = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      inventory,
      "--out",
      join(repo, "out/plan"),
      "--now",
      NOW,
      "--no-verify-approvals",
      // Every state on the host lines: the tests below read installed ones too (a compact line only counts them).
      "--detail",
      "full",
    );
    expect(p.stderr).not.toMatch(/error (?!inventory-malformed)/);
    summary = p.stdout;
    plan = JSON.parse(await readFile(join(repo, "out/plan/plan.json"), "utf8")) as Plan;
    hosts = new Map(
      (await readFile(join(repo, "out/plan/hosts.ndjson"), "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as HostResult)
        .map((h) => [h.host, h]),
    );
  }, 120_000);

  it("intake drafts every OS of a KB, client Windows included, with the release's builds", async () => {
    expect(intake.code).toBe(0);
    const specOf = async (f: string) =>
      (parse(await readFile(join(repo, "policies/updates", f), "utf8")) as { spec: UpdateSpec }).spec;
    const kb3135456 = await specOf("kb3135456.yaml");
    expect(kb3135456.appliesTo.os?.[0]?.names).toEqual([
      "Windows 8.1",
      "Windows Server 2012",
      "Windows Server 2012 R2",
    ]);
    expect(kb3135456.appliesTo.products).toBeUndefined();
    const kb3147461 = await specOf("kb3147461.yaml");
    expect(kb3147461.appliesTo.os).toContainEqual({
      family: "windows",
      names: ["Windows 10"],
      versions: ">=10.0.10240 <10.0.10241",
    });
    expect(kb3147461.severity).toBe("important");
    // Relevance uses the plan's applicability: only the 1507 desktop, not the 1607 one.
    expect(intake.stdout).toMatch(/\+ KB3147461 +important standard +1 hosts \(web-platform 1\)/);
    expect(intake.stdout).toMatch(/\+ KB3135456 +important standard +2 hosts \(web-platform 2\)/);
    expect(intake.stdout).toContain(
      "? 1 scanned Windows host with an OS name patchops does not recognise, not counted for any OS update: odd-01",
    );
  });

  it("a fix without a KB becomes a version-fixed update with a stable id, rated by the vendor, not by CVSS", async () => {
    const edgeText = await readFile(join(repo, "policies/updates/edge-chromium-based-120.0.2210.61.yaml"), "utf8");
    const edge = (parse(edgeText) as { spec: UpdateSpec }).spec;
    expect(edge.id).toBe("edge-chromium-based-120.0.2210.61");
    expect(edge.appliesTo.products).toEqual([{ name: "Edge", versions: "<120.0.2210.61" }]);
    // MSRC says Important; the CVSS base severity says CRITICAL.
    expect(edge.severity).toBe("important");
    // The sample's exploit_status says Exploited:Yes: exploited means the emergency timeline.
    expect(edge.exploited).toEqual({ sources: ["csaf"] });
    expect(intake.stdout).toMatch(/\+ edge-chromium-based-120\.0\.2210\.61 +important EMERGENCY 1 hosts/);
  });

  it("reports what it cannot draft (BSI's non-numeric version, Cisco's workaround), counts and logs it; Red Hat's rpm fix is read as a package advisory (irrelevant to this Windows fleet)", async () => {
    expect(intake.stdout).toContain("2 remediations not drafted");
    // The Linux package reader drafts Red Hat's rpm fixes, so they are no longer reported as not drafted.
    expect(intake.stdout).not.toMatch(/! not drafted: Red Hat/);
    expect(intake.stdout).toMatch(/irrelevant \(no affected host\).*RHSA-2022:0011/);
    expect(intake.stdout).toMatch(
      /! not drafted: Bundesamt für Sicherheit in der Informationstechnik BSI-2022-0001 CVE-2022-27193 .*no dotted fixed version/,
    );
    expect(intake.stdout).toMatch(
      /! not drafted: Cisco PSIRT cisco-sa-20180328-smi2 CVE-2018-0171 .*no vendor fix in the advisory \(only workaround\)/,
    );
    const log = (await readFile(join(repo, "intake/irrelevant.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; reason: string; vendor?: string; cve?: string });
    expect(log.filter((l) => l.reason.startsWith("not drafted:")).map((l) => l.cve)).toEqual([
      "CVE-2022-27193",
      "CVE-2018-0171",
    ]);
  });

  it("plans the client, the shared KB, the version-fixed product and the edition caption right", () => {
    // Released in 2016 and approved without git history: due long ago, so missing and overdue.
    const open = ["missing", "overdue"];
    expect(hosts.get("desk-win10-01")!.status).toBe("noncompliant");
    expect(open).toContain(hosts.get("desk-win10-01")!.updates.KB3147461);
    expect(hosts.get("desk-win10-02")!.updates.KB3147461).toBeUndefined();
    expect(hosts.get("desk-win81-01")!.status).toBe("noncompliant");
    expect(open).toContain(hosts.get("desk-win81-01")!.updates.KB3135456);
    expect(hosts.get("srv-2012r2-01")!.updates.KB3135456).toBe("installed");
    expect(open).toContain(hosts.get("srv-azure-01")!.updates["EDGE-CHROMIUM-BASED-120.0.2210.61"]);
    expect(hosts.get("srv-azure-02")!.updates["EDGE-CHROMIUM-BASED-120.0.2210.61"]).toBeUndefined();
    // "…Datacenter: Azure Edition" is Windows Server 2022: the baseline's KB5035857 applies to it.
    expect(hosts.get("srv-azure-01")!.updates.KB5035857).toBeDefined();
    expect(hosts.get("srv-azure-02")!.baselines).toEqual(["windows-server-2022"]);
    expect(hosts.get("srv-azure-02")!.belowBaseline).toBeUndefined();
  });

  it("an unknown OS name is a finding with file and line, and its host is not compliant", () => {
    const odd = hosts.get("odd-01")!;
    expect(odd.status).toBe("noncompliant");
    expect(odd.notes!.join(" ")).toMatch(/'Windows Srv 2022', which is no Windows release patchops knows/);
    const f = plan.findings.find((x) => x.code === "os-name-unknown")!;
    expect(f.file).toMatch(/inventory\.jsonl$/);
    // The example's 39 lines, then the seventh extra host.
    expect(f.line).toBe(46);
  });

  it("a host below its baseline is noncompliant with the baseline's file and line, in summary and explain", async () => {
    expect(hosts.get("pay-sql-04")!.belowBaseline).toEqual([
      {
        baseline: "sql-server-2016",
        file: "baselines/sql-server-2016.yaml",
        line: 12,
        reason: "SQL Server 2016 13.0.5026.0 is outside >=13.0.6300",
      },
    ]);
    expect(hosts.get("web-legacy-03")).toMatchObject({
      status: "noncompliant",
      belowBaseline: [{ file: "baselines/windows-server-2008-r2-legacy.yaml", line: 9 }],
    });
    expect(plan.findings.filter((f) => f.code === "below-baseline").map((f) => `${f.file}:${f.line}`)).toEqual([
      "baselines/sql-server-2016.yaml:12",
      "baselines/windows-server-2008-r2-legacy.yaml:9",
    ]);
    expect(summary).toContain("Below baseline (2 hosts, not compliant until brought up to it)");
    expect(summary).toContain("Above baseline (3 hosts with updates nobody approved");
    const ex = await cli(
      "explain",
      "--repo",
      repo,
      "--host",
      "web-legacy-03",
      "--inventory",
      join(repo, "inventory.jsonl"),
      "--now",
      NOW,
      "--no-verify-approvals",
    );
    expect(ex.stdout).toContain(
      "below baseline windows-server-2008-r2-legacy: Windows Server 2008 R2 6.1.7600.16385 is below os.minVersion 6.1.7601 (baselines/windows-server-2008-r2-legacy.yaml:9)",
    );
    const above = await cli(
      "explain",
      "--repo",
      repo,
      "--host",
      "web-03",
      "--inventory",
      join(repo, "inventory.jsonl"),
      "--now",
      NOW,
      "--no-verify-approvals",
    );
    expect(above.stdout).toContain("above baseline: KB5034439 installed but neither approved");
  });

  it("the report counts below and above baseline, and per-update compliance counts unscanned hosts against it", async () => {
    const r = await cli("report", "--repo", repo, "--plan", join(repo, "out/plan"), "--out", join(repo, "out/site"));
    expect(r.code).toBe(0);
    const c = JSON.parse(await readFile(join(repo, "out/site/compliance.json"), "utf8")) as Compliance;
    expect(c.fleet).toMatchObject({ belowBaseline: 2, aboveBaseline: 3, unscanned: 1 });
    const kb = c.byUpdate.find((u) => u.id === "KB3147461")!;
    // One host missing it, and jump-02, which has never been scanned: 0 of 2, not "no applicable host".
    expect(kb).toMatchObject({ installed: 0, missing: 1, unscanned: 1, percent: 0 });
    const site = await readFile(join(repo, "out/site/index.html"), "utf8");
    expect(site).toContain('<div class="card below-baseline" id="card-below-baseline"><b>2</b>below-baseline</div>');
    expect(site).toContain('<div class="card above-baseline" id="card-above-baseline"><b>3</b>above-baseline</div>');
    const digest = await readFile(join(repo, "out/site/digests/payments-dba.md"), "utf8");
    expect(digest).toContain(
      "below baseline sql-server-2016: SQL Server 2016 13.0.5026.0 is outside >=13.0.6300 (baselines/sql-server-2016.yaml:12); bring it up to the baseline",
    );
    expect(await readFile(join(repo, "out/site/summary.md"), "utf8")).toContain(
      "Baselines: 2 hosts below (not compliant until brought up to it), 3 with updates above it (nobody approved them).",
    );
    const web = await readFile(join(repo, "out/site/digests/web-platform.md"), "utf8");
    expect(web).toContain("## Above baseline: installed updates nobody approved");
    expect(web).toContain("- **web-03**: KB5034439");
  });
});
