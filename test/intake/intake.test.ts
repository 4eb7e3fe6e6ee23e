import { parse } from "yaml";
import { judgeIntakeDraft } from "../../reconciler/intake/draft-record.js";
import type { UpdateSpec } from "../../reconciler/model/update.js";
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsaf } from "../../reconciler/intake/feeds/csaf.js";
import { parseMsrcCvrf } from "../../reconciler/intake/feeds/cvrf.js";
import { cvrfXmlToJson } from "../../reconciler/intake/feeds/cvrf-xml.js";
import { parseKev } from "../../reconciler/intake/feeds/kev.js";
import { withFakeGithub, type FakeGithub } from "../helpers/github-server.js";
import { cli, FIXTURES, tempRepo } from "../helpers/repo.js";

const FEEDS = join(FIXTURES, "feeds");
const json = async (f: string) => JSON.parse(await readFile(join(FEEDS, f), "utf8")) as unknown;
const NOW = "2026-12-10T09:00:00Z";

describe("feeds", () => {
  it("reads the real KEV catalog slice", async () => {
    const kev = parseKev(await json("kev-slice.json"));
    expect([...kev.keys()]).toEqual(["CVE-2025-21418", "CVE-2025-21391", "CVE-2024-21413", "CVE-2024-29059"]);
    expect(kev.get("CVE-2025-21418")).toEqual({
      cve: "CVE-2025-21418",
      name: "Microsoft Windows Ancillary Function Driver for WinSock Heap-Based Buffer Overflow Vulnerability",
      dateAdded: "2025-02-11",
      dueDate: "2025-03-04",
      ransomware: "Unknown",
    });
  });

  it("reads MSRC CVRF: one update per KB across CVEs, worst severity, supersedence, restart, products", async () => {
    const updates = parseMsrcCvrf(await json("msrc-sample.cvrf.json"), "msrc.json");
    expect(
      updates.map((u) => [
        u.id,
        u.severity,
        u.cves.join(" "),
        u.products.join(" | "),
        u.supersedes.join(" "),
        u.restart,
        u.released,
        u.bulletin,
      ]),
    ).toEqual([
      [
        "KB5999001",
        "important",
        "CVE-2025-21391 CVE-2025-21418",
        "Windows Server 2022 | Windows Server 2022 (Server Core installation)",
        "KB5999000",
        "required",
        "2025-02-11",
        "2025-Feb",
      ],
      [
        "KB5999002",
        "critical",
        "CVE-2025-0001 CVE-2025-21418",
        "Windows Server 2019",
        "",
        "required",
        "2025-02-11",
        "2025-Feb",
      ],
      ["KB5999003", "important", "CVE-2025-21391", "Windows Server 2012 R2", "", "required", "2025-02-11", "2025-Feb"],
    ]);
  });

  it("reads a real MSRC CVRF XML document (a verbatim slice of March 2017)", async () => {
    const xml = await readFile(join(FEEDS, "msrc-2017-Mar-slice.cvrf.xml"), "utf8");
    expect(parseMsrcCvrf(cvrfXmlToJson(xml), "msrc.xml")).toEqual([
      {
        id: "KB4013429",
        title: "March 2017 Security Updates: Security Update KB4013429",
        vendor: "Microsoft",
        bulletin: "2017-Mar",
        released: "2017-03-14",
        severity: "critical",
        cves: ["CVE-2017-0021"],
        products: [
          "Windows 10 Version 1607 for 32-bit Systems",
          "Windows 10 Version 1607 for x64-based Systems",
          "Windows Server 2016",
          "Windows Server 2016  (Server Core installation)",
        ],
        supersedes: ["KB3213986"],
        restart: "required",
        url: "https://catalog.update.microsoft.com/v7/site/Search.aspx?q=KB4013429",
        source: "msrc.xml",
      },
    ]);
  });

  it("reads CSAF 2.0: vendor_fix remediations, CVSS severity, product names from the tree", async () => {
    const [u] = parseCsaf(await json("csaf-sample.json"), "csaf.json");
    expect(u).toMatchObject({
      id: "KB5999101",
      severity: "important",
      cves: ["CVE-2025-0002"],
      products: ["Microsoft SQL Server 2016 for x64-based Systems Service Pack 3 (GDR)"],
      vendor: "Microsoft",
      released: "2025-02-11",
    });
  });
});

describe("patchops intake", () => {
  const fake = withFakeGithub({ beforeAll, afterAll });
  let gh: FakeGithub;
  beforeAll(() => {
    gh = fake.gh;
  });

  /** The example fleet plus one Windows Server 2016 host, which the real March 2017 document concerns. */
  async function inventory(repo: string): Promise<string> {
    const file = join(repo, "inventory-with-2016.jsonl");
    const extra = {
      host: "legacy-2016-01",
      scannedAt: "2026-12-10T04:00:00Z",
      os: { family: "windows", name: "Windows Server 2016", version: "10.0.14393.6614" },
      installed: [],
    };
    await writeFile(
      file,
      (await readFile(join(repo, "examples/inventory.jsonl"), "utf8")) + JSON.stringify(extra) + "\n",
    );
    return file;
  }

  async function run(repo: string, ...extra: string[]) {
    const feeds = ["kev-slice.json", "msrc-2017-Mar-slice.cvrf.xml", "msrc-sample.cvrf.json", "csaf-sample.json"].map(
      (f) => join(FEEDS, f),
    );
    return cli(
      "intake",
      "--repo",
      repo,
      "--now",
      NOW,
      "--feed",
      ...feeds,
      "--inventory",
      await inventory(repo),
      ...extra,
    );
  }

  it("drafts relevant updates (classified, with relevance by owner), logs irrelevant ones; drafts outside rules fail validation only on their TODOs, rule-covered ones validate as drafted", async () => {
    const repo = await tempRepo("example");
    const r = await run(repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("+ KB4013429  critical  EMERGENCY 1 hosts ((unassigned) 1)");
    expect(r.stdout).toContain(
      "+ KB5999001  important EMERGENCY 30 hosts ((unassigned) 1, identity-infra 9, payments-dba 8, web-platform 12); known exploited, CISA due 2025-03-04, 2025-03-04; exploited (msrc, kev); rule windows-server-security-standard",
    );
    expect(r.stdout).toMatch(
      /\+ KB5999002 +critical +EMERGENCY 4 hosts \(payments-dba 4\); known exploited, CISA due 2025-03-04; exploited \(msrc, kev\); rule windows-server-security-critical/,
    );
    expect(r.stdout).toMatch(/\+ KB5999101 +important standard +4 hosts \(payments-dba 4\)$/m);
    expect(r.stdout).not.toContain("KB5999101 important EMERGENCY");
    expect(r.stdout).toContain("- irrelevant (no affected host), logged to intake/irrelevant.jsonl: KB5999003");
    const draft = await readFile(join(repo, "policies/updates/kb5999001.yaml"), "utf8");
    const spec = (parse(draft) as { spec: UpdateSpec }).spec;
    expect(spec.appliesTo.os).toEqual([{ family: "windows", names: ["Windows Server 2022"] }]);
    expect(spec.supersedes).toEqual(["KB5999000"]);
    expect(spec.rfc?.vulnerability).toContain("CISA due 2025-03-04");
    const v = await cli("validate", "--repo", repo, "--now", NOW, "--format", "json");
    const findings = (
      JSON.parse(v.stdout) as { diagnostics: { code: string; file: string; severity: string }[] }
    ).diagnostics.filter((d) => d.severity === "error");
    expect(new Set(findings.map((d) => d.code))).toEqual(new Set(["rfc-todo"]));
    expect(new Set(findings.map((d) => d.file))).toEqual(
      new Set(["policies/updates/kb4013429.yaml", "policies/updates/kb5999101.yaml"]),
    );
    // Under an approved rule the RFC names the rule (a standard change), and the draft carries the record it was
    // rendered from, so verification can render it again and tell an intake-only file from an edited one.
    expect(draft).toContain("Standard change: approval rule 'windows-server-security-standard'");
    expect(draft).not.toContain("TODO");
    // Drafted on 2026-12-10 from a February 2025 document: too old for the shortcut (a person decides on the delay).
    expect(judgeIntakeDraft(draft, { approved: new Set(), rule: { approveAfterDays: 0, exclude: [] } })).toEqual({
      ok: false,
      reason:
        "the intake shortcut does not cover it: it was released 2025-02-11, 667 days before intake drafted it on 2026-12-10 (the shortcut covers at most 35)",
    });
    expect(judgeIntakeDraft(draft.replace("supersedes: [KB5999000]", "supersedes: [KB5999000, KB4013429]"))).toEqual({
      ok: false,
      reason: "its content differs from what intake renders from its record (edited after drafting)",
    });
    const real = (parse(await readFile(join(repo, "policies/updates/kb4013429.yaml"), "utf8")) as { spec: UpdateSpec })
      .spec;
    expect(real.bulletin).toBe("2017-Mar");
    expect(real.appliesTo.os).toContainEqual({ family: "windows", names: ["Windows Server 2016"] });
    expect(real.supersedes).toEqual(["KB3213986"]);
    const log = (await readFile(join(repo, "intake/irrelevant.jsonl"), "utf8")).trim().split("\n");
    expect(log).toHaveLength(1);
    await run(repo);
    expect((await readFile(join(repo, "intake/irrelevant.jsonl"), "utf8")).trim().split("\n")).toHaveLength(1);
  });

  it("--open-prs opens one pull request per update outside rules and one monthly bundle, and a rerun opens none", async () => {
    const repo = await tempRepo("example");
    const first = await run(repo, "--open-prs");
    expect(first.code).toBe(0);
    expect(gh.openPulls.map((p) => [p.head, p.title])).toEqual([
      [
        "patchops/patch-tuesday-2025-02",
        "Patch Tuesday 2025-02: 2 updates under windows-server-security-critical, windows-server-security-standard",
      ],
      ["patchops/rfc-kb4013429", "RFC: KB4013429 March 2017 Security Updates: Security Update KB4013429 (EMERGENCY)"],
      ["patchops/rfc-kb5999101", "RFC: KB5999101 SQL Server 2016 SP3 security update (sample): KB5999101"],
    ]);
    const bundle = gh.openPulls[0]!;
    expect(bundle.body).toContain(
      "| KB5999001 | important | 🚨 emergency ⚠️ known exploited, CISA due 2025-03-04, 2025-03-04 | 30 | (unassigned): 1, identity-infra: 9, payments-dba: 8, web-platform: 12 | CVE-2025-21391, CVE-2025-21418 |",
    );
    expect([...(gh.files.get("patchops/patch-tuesday-2025-02")?.keys() ?? [])].sort()).toEqual([
      "policies/updates/kb5999001.yaml",
      "policies/updates/kb5999002.yaml",
    ]);
    expect(gh.labels.get(bundle.number)).toEqual(["intake", "bundle", "emergency"]);
    expect(gh.labels.get(gh.openPulls[1]!.number)).toEqual(["severity:critical", "intake", "emergency"]);
    expect(gh.labels.get(gh.openPulls[2]!.number)).toEqual(["severity:important", "intake"]);
    const again = await run(repo, "--open-prs");
    expect(again.stdout).toMatch(/updated https:\/\/github.com\/acme\/patch-policy\/pull\/100/);
    expect(again.stdout).not.toMatch(/opened/);
    expect(gh.openPulls).toHaveLength(3);
  });
});

describe("patchops verify-source", () => {
  it("accepts the file whose size and sha256 the Update file records, and refuses another", async () => {
    const good = Buffer.from("windows10.0-kb5035857-x64.msu contents");
    const sha = createHash("sha256").update(good).digest("hex");
    const repo = await tempRepo("minimal", { "good.msu": good, "bad.msu": Buffer.from("tampered") });
    const f = join(repo, "policies/updates/kb5035857.yaml");
    await writeFile(
      f,
      (await readFile(f, "utf8")) +
        `  source:\n    url: https://catalog.update.microsoft.com/v7/site/Search.aspx?q=KB5035857\n    sha256: ${sha}\n    size: ${good.length}\n`,
    );
    const ok = await cli("verify-source", join(repo, "good.msu"), "--update", "KB5035857", "--repo", repo);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`matches KB5035857 (${good.length} bytes, sha256 ${sha})`);
    const bad = await cli("verify-source", join(repo, "bad.msu"), "--update", "KB5035857", "--repo", repo);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("REFUSED");
    expect(bad.stderr).toContain("Do not deploy it.");
  });
});
