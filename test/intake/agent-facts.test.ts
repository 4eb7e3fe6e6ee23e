// Intake enriches what agents report: a KB the fleet's update agents already list gets its feed facts (CVEs, rating,
// MSRC and KEV exploitation) in a reviewed Advisory file, not a draft Update file; plan applies them to that
// agent-reported update (exploited → the policy's exploited timeline; exposure sees it) once the file is verified.
// Real February 2024 MSRC CVRF and KEV excerpts (test/fixtures/intake/README.md); expected values worked out by hand.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { applyVerification } from "../../reconciler/approvals/effects.js";
import type { VerificationResult } from "../../reconciler/approvals/verify.js";
import type { AgentUpdate, InventoryRecord } from "../../reconciler/model/inventory.js";
import { exposureOf } from "../../reconciler/plan/exposure.js";
import { updateInfoOf } from "../../reconciler/report/update-info.js";
import { withFakeGithub } from "../helpers/github-server.js";
import { byHost, hostRecord, inventoryOf, planFixture } from "../helpers/plan-fixture.js";
import { cli, commitAll, FIXTURES, restoreEnv, tempDir, tempRepo } from "../helpers/repo.js";

const FEB = join(FIXTURES, "intake", "msrc-2024-Feb-slice.cvrf.xml");
const KEV = join(FIXTURES, "intake", "kev-2025-01-24-slice.json");
const NOW = "2024-02-15T06:00:00Z";

/** KB5034768, the February 2024 cumulative update for Windows Server 2019, as the host's agent reports it. */
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

const WS2019 = {
  family: "windows" as const,
  name: "Microsoft Windows Server 2019 Datacenter",
  version: "10.0.17763.5329",
};

const agentHost = (host: string, updates: AgentUpdate[]): InventoryRecord =>
  hostRecord(host, {
    scannedAt: "2024-02-15T04:00:00Z",
    os: WS2019,
    agentScan: { source: "wsus", completedAt: "2024-02-15T03:58:00Z", updates },
  });

/** The facts of KB5034768 in the February slice and the KEV excerpt, by hand: CVE-2024-21338 is its only CVE there,
 * rated Important, "Exploited:Yes" in its Exploit Status threat, and listed by KEV on 2024-03-04. */
const KB5034768_FACTS = {
  id: "KB5034768",
  title: "February 2024 Security Updates: Security Update KB5034768",
  vendor: "Microsoft",
  bulletin: "2024-Feb",
  released: "2024-02-13",
  cves: ["CVE-2024-21338"],
  severity: "important",
  exploited: { sources: ["msrc", "kev"], since: "2024-03-04" },
};

async function inventoryFile(records: InventoryRecord[]): Promise<string> {
  const file = join(await tempDir(), "inventory.jsonl");
  await writeFile(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return file;
}

describe("intake enriches what agents report", () => {
  it("records the feeds' facts for a KB an agent lists in policies/advisories/, and drafts no Update file for it", async () => {
    const repo = await tempRepo("minimal");
    const inv = await inventoryFile([
      agentHost("host-01", [CU_2019()]),
      agentHost("host-02", [CU_2019({ installed: true })]),
      // No agent scan: advisory text would match it (Windows Server 2019, below the fixed build), and it is said.
      hostRecord("est-01", { scannedAt: "2024-02-15T04:00:00Z", os: WS2019 }),
    ]);
    const r = await cli("intake", "--repo", repo, "--now", NOW, "--inventory", inv, "--feed", FEB, KEV);
    expect(r.stdout).toContain(
      "? KB5034768: 1 host without an agent scan matches it by advisory text; it gets it only once its agent reports it, or from an Update file a person writes",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(existsSync(join(repo, "policies/updates/kb5034768.yaml"))).toBe(false);
    const text = await readFile(join(repo, "policies/advisories/kb5034768.yaml"), "utf8");
    const doc = parse(text) as { kind: string; metadata: { name: string }; spec: unknown };
    expect(doc.kind).toBe("Advisory");
    expect(doc.metadata.name).toBe("kb5034768");
    expect(doc.spec).toEqual(KB5034768_FACTS);
    expect(r.stdout).toContain(
      "~ KB5034768  reported by update agents, not drafted: important, 1 CVE, exploited (msrc, kev since 2024-03-04); 2 agents list it, 1 not installed; facts recorded in policies/advisories/kb5034768.yaml",
    );
    // What no agent has seen is still drafted or reported as before (no Windows 10/11 host here: irrelevant).
    expect(r.stdout).toMatch(/- irrelevant \(no affected host\).*KB5034770/);
    expect((await cli("validate", "--repo", repo, "--now", NOW)).code).toBe(0);
    const again = await cli("intake", "--repo", repo, "--now", NOW, "--inventory", inv, "--feed", FEB, KEV);
    expect(again.stdout).toContain("= reported by update agents, facts already recorded: KB5034768");
    expect(await readFile(join(repo, "policies/advisories/kb5034768.yaml"), "utf8")).toBe(text);
  });

  it("an Advisory file is validated like any document: its id must be a KB as agents report it", async () => {
    const repo = await tempRepo("minimal", {
      "policies/advisories/rhsa-2023-0001.yaml":
        "apiVersion: patchops/v1\nkind: Advisory\nmetadata:\n  name: rhsa-2023-0001\nspec:\n  id: RHSA-2023:0001\n",
    });
    const v = await cli("validate", "--repo", repo, "--now", NOW);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/^policies\/advisories\/rhsa-2023-0001\.yaml:6:7: error schema: /m);
  });

  it("an Advisory file plan would not read is a validate warning: its KB has an Update file, or another file came first", async () => {
    const advisory = (name: string) =>
      `apiVersion: patchops/v1\nkind: Advisory\nmetadata:\n  name: ${name}\nspec:\n  id: KB5035857\n  cves: [CVE-2024-26185]\n`;
    const repo = await tempRepo("minimal", {
      "policies/advisories/kb5035857.yaml": advisory("kb5035857"),
      "policies/advisories/kb5035857-copy.yaml": advisory("kb5035857-copy"),
    });
    const v = await cli("validate", "--repo", repo, "--now", NOW);
    expect(v.code).toBe(0);
    // The minimal policy's policies/updates/kb5035857.yaml describes KB5035857: both files are ignored; the copy also
    // comes first by path ("-copy" sorts before ".yaml").
    expect(v.stdout.split("\n").filter((l) => l.includes("advisory-ignored"))).toEqual([
      "policies/advisories/kb5035857-copy.yaml:6:7: warning advisory-ignored: KB5035857 has an Update file (policies/updates/kb5035857.yaml): plan reads that file's cves, severity and exploited, not policies/advisories/kb5035857-copy.yaml",
      "policies/advisories/kb5035857.yaml:6:7: warning advisory-ignored: KB5035857 has an Update file (policies/updates/kb5035857.yaml): plan reads that file's cves, severity and exploited, not policies/advisories/kb5035857.yaml",
    ]);
    await rm(join(repo, "policies/updates/kb5035857.yaml"));
    const again = await cli("validate", "--repo", repo, "--now", NOW);
    expect(again.stdout.split("\n").filter((l) => l.includes("advisory-ignored"))).toEqual([
      "policies/advisories/kb5035857.yaml:6:7: warning advisory-ignored: KB5035857 already has its facts in policies/advisories/kb5035857-copy.yaml: plan reads that file, not policies/advisories/kb5035857.yaml",
    ]);
  });

  it("without an agent listing the KB it drafts the Update file as before", async () => {
    const repo = await tempRepo("minimal");
    const inv = await inventoryFile([
      hostRecord("host-01", { scannedAt: "2024-02-15T04:00:00Z", os: WS2019 }), // no agent scan
    ]);
    const r = await cli("intake", "--repo", repo, "--now", NOW, "--inventory", inv, "--feed", FEB);
    expect(r.code).toBe(0);
    expect(existsSync(join(repo, "policies/updates/kb5034768.yaml"))).toBe(true);
    expect(existsSync(join(repo, "policies/advisories"))).toBe(false);
  });

  it("re-checks an Advisory file against KEV alone and proposes the change, keeping the file's other lines", async () => {
    const repo = await tempRepo("minimal");
    await mkdir(join(repo, "policies/advisories"), { recursive: true });
    const before = `# reviewed by alice
apiVersion: patchops/v1
kind: Advisory
metadata:
  name: kb5034768
spec:
  id: KB5034768
  vendor: Microsoft
  cves: [CVE-2024-21338] # the kernel EoP
  severity: important
`;
    await writeFile(join(repo, "policies/advisories/kb5034768.yaml"), before);
    const inv = await inventoryFile([agentHost("host-01", [CU_2019()])]);
    const r = await cli("intake", "--repo", repo, "--now", NOW, "--inventory", inv, "--feed", KEV);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("facts updated in policies/advisories/kb5034768.yaml");
    const after = await readFile(join(repo, "policies/advisories/kb5034768.yaml"), "utf8");
    expect(after).toContain("# reviewed by alice");
    expect(after).toContain("# the kernel EoP");
    expect((parse(after) as { spec: unknown }).spec).toEqual({
      id: "KB5034768",
      vendor: "Microsoft",
      cves: ["CVE-2024-21338"],
      severity: "important",
      exploited: { sources: ["kev"], since: "2024-03-04" },
    });
  });
});

const POLICY_RULE = `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: wua-2019
spec:
  products: ["Windows Server 2019"]
  classifications: [security]
  severities: [critical, important]
  approveAfterDays: 0
`;

const ADVISORY = (extra: string) => `apiVersion: patchops/v1
kind: Advisory
metadata:
  name: kb5034768
spec:
  id: KB5034768
  cves: [CVE-2024-21338]
${extra}`;

describe("plan applies advisory facts to agent-reported updates", () => {
  const fleet = [agentHost("host-01", [CU_2019()]), agentHost("host-02", [CU_2019({ installed: true })])];
  const plan = (files: Record<string, string | null>) =>
    planFixture({
      files: { "policies/updates/kb5035857.yaml": null, "policies/rules/wua-2019.yaml": POLICY_RULE, ...files },
      hosts: fleet,
      now: NOW,
    });

  it("exploited raises an important agent-reported update to the emergency timeline; exposure lists it", async () => {
    const without = await plan({});
    // Important → standard by the policy's default mapping.
    expect(without.plan.summary.updates.KB5034768).toMatchObject({ decision: "approved", timeline: "standard" });
    expect(
      exposureOf({
        now: Date.parse(NOW),
        catalog: without.catalog,
        hosts: without.hosts,
        inventory: inventoryOf(fleet),
        cve: null,
      }).cves,
    ).toEqual([]);

    const r = await plan({
      "policies/advisories/kb5034768.yaml": ADVISORY(
        "  severity: important\n  exploited: { sources: [msrc], since: 2024-02-13 }\n",
      ),
    });
    expect(r.plan.summary.updates.KB5034768).toMatchObject({ decision: "approved", timeline: "emergency" });
    // Approvable at 2024-02-13T00:00Z (approveAfterDays 0 from the agent's release date); the emergency SLA of 24 h
    // ended at 2024-02-14T00:00Z, before now.
    expect(byHost(r.hosts).get("host-01")!.updates).toEqual({ KB5034768: "overdue" });
    expect(r.jobs.filter((j) => j.type === "install").map((j) => [j.host, j.timeline, j.updates])).toEqual([
      ["host-01", "emergency", ["KB5034768"]],
    ]);
    // The status site reads the same facts for agent-reported updates (its exposure page and update details).
    expect(updateInfoOf(r.set).get("KB5034768")).toMatchObject({
      cves: ["CVE-2024-21338"],
      exploited: { sources: ["msrc"], since: "2024-02-13" },
    });
    const x = exposureOf({
      now: Date.parse(NOW),
      catalog: r.catalog,
      hosts: r.hosts,
      inventory: inventoryOf(fleet),
      cve: null,
    });
    expect(x.cves.map((c) => [c.cve, c.sources, c.since, c.updates, c.hosts.map((h) => h.host)])).toEqual([
      ["CVE-2024-21338", ["msrc"], "2024-02-13", ["KB5034768"], ["host-01"]],
    ]);
  });

  it("a higher rating in the facts lets a rule match that the agent's rating alone does not; a lower one never lowers", async () => {
    const moderate = [agentHost("host-01", [CU_2019({ severity: "moderate" })])];
    const p = (files: Record<string, string | null>) =>
      planFixture({
        files: { "policies/updates/kb5035857.yaml": null, "policies/rules/wua-2019.yaml": POLICY_RULE, ...files },
        hosts: moderate,
        now: NOW,
      });
    expect((await p({})).plan.summary.updates.KB5034768).toMatchObject({ decision: "pending" });
    const raised = await p({ "policies/advisories/kb5034768.yaml": ADVISORY("  severity: important\n") });
    expect(raised.plan.summary.updates.KB5034768).toMatchObject({ decision: "approved", timeline: "standard" });
    const lower = await plan({ "policies/advisories/kb5034768.yaml": ADVISORY("  severity: low\n") });
    expect(lower.plan.summary.updates.KB5034768).toMatchObject({ decision: "approved", timeline: "standard" });
  });

  it("an unverified Advisory file is not applied, and says so with a finding", async () => {
    const r0 = await plan({
      "policies/advisories/kb5034768.yaml": ADVISORY("  exploited: { sources: [kev], since: 2024-03-04 }\n"),
    });
    const verdict = (ok: boolean) =>
      ({
        updates: new Map(),
        rules: new Map(),
        assignments: new Map(),
        files: new Map([
          [
            "policies/advisories/kb5034768.yaml",
            {
              kind: "advisory",
              name: "kb5034768",
              file: "policies/advisories/kb5034768.yaml",
              ok,
              strength: ok ? "github" : null,
              reason: ok ? "approved by alice, bob" : "commit 1a2b3c4d5e6f is in no pull request",
              commits: [],
              effectiveAt: null,
            },
          ],
        ]),
        cabRoot: null,
        deletions: [],
        set: r0.set,
        dropped: [],
      }) as VerificationResult;
    const bad = applyVerification(r0.set, verdict(false));
    expect(bad.set.advisories).toEqual([]);
    expect(bad.findings.map((f) => [f.code, f.file, f.message])).toEqual([
      [
        "policy-file-unverified",
        "policies/advisories/kb5034768.yaml",
        "policies/advisories/kb5034768.yaml is unverified, so its facts (CVEs, rating, exploitation) are not applied to KB5034768 where agents report it: commit 1a2b3c4d5e6f is in no pull request",
      ],
    ]);
    const good = applyVerification(r0.set, verdict(true));
    expect(good.set.advisories.map((a) => a.file)).toEqual(["policies/advisories/kb5034768.yaml"]);
    expect(good.findings).toEqual([]);
  });
});

describe("verified plans: an Advisory file counts only once the CAB approved it", () => {
  const CAB = `apiVersion: patchops/v1
kind: ChangeAdvisoryBoard
metadata:
  name: cab
spec:
  members: [alice, bob, carol]
  requiredApprovals: 2
  teams: { team-a: [tina] }
`;
  it("approved by the CAB: emergency; an unapproved edit: not applied (standard) and a policy-file-unverified finding", async () => {
    const repo = await tempRepo("minimal", { "policies/cab.yaml": CAB, "policies/rules/wua-2019.yaml": POLICY_RULE });
    commitAll(
      repo,
      "Bootstrap\n\nApproved-by: alice\nApproved-by: bob\nApproved-by: tina",
      "2024-02-01T10:00:00Z",
      "Dave <dave@example.com>",
    );
    const inv = await inventoryFile([agentHost("host-01", [CU_2019()])]);
    const saved = { ...process.env };
    delete process.env.GITHUB_TOKEN;
    try {
      await mkdir(join(repo, "policies/advisories"), { recursive: true });
      const args = [
        "plan",
        "--repo",
        repo,
        "--now",
        NOW,
        "--inventory",
        inv,
        "--trust-local-approvals",
        "--out",
        join(repo, "out"),
      ];
      const planned = async () => {
        await cli(...args);
        return JSON.parse(await readFile(join(repo, "out/plan.json"), "utf8")) as {
          summary: { updates: Record<string, { timeline: string }> };
          findings: { code: string; message: string }[];
        };
      };
      await writeFile(
        join(repo, "policies/advisories/kb5034768.yaml"),
        ADVISORY("  exploited: { sources: [kev], since: 2024-03-04 }\n"),
      );
      commitAll(
        repo,
        "Advisory facts\n\nApproved-by: alice\nApproved-by: bob",
        "2024-02-14T10:00:00Z",
        "Dave <dave@example.com>",
      );
      const approved = await planned();
      expect(approved.summary.updates.KB5034768?.timeline).toBe("emergency");
      expect(approved.findings.map((f) => f.code)).not.toContain("policy-file-unverified");
      const explain = await cli(
        "explain",
        "--repo",
        repo,
        "--now",
        NOW,
        "--inventory",
        inv,
        "--trust-local-approvals",
        "--host",
        "host-01",
        "--update",
        "KB5034768",
      );
      expect(explain.stdout).toContain("advisory facts from policies/advisories/kb5034768.yaml (exploited per kev)");
      // An edit nobody approved: the file is unverified, its facts are not applied, and the plan says so.
      await writeFile(
        join(repo, "policies/advisories/kb5034768.yaml"),
        ADVISORY("  exploited: { sources: [kev], since: 2024-03-05 }\n"),
      );
      commitAll(repo, "Advisory facts edited", "2024-02-14T11:00:00Z", "Dave <dave@example.com>");
      const unverified = await planned();
      expect(unverified.summary.updates.KB5034768?.timeline).toBe("standard");
      expect(unverified.findings.filter((f) => f.code === "policy-file-unverified").map((f) => f.message)).toEqual([
        expect.stringMatching(
          /^policies\/advisories\/kb5034768\.yaml is unverified, so its facts \(CVEs, rating, exploitation\) are not applied to KB5034768 where agents report it: /,
        ),
      ]);
    } finally {
      restoreEnv(saved);
    }
  });
});

describe("intake --open-prs with advisory facts", () => {
  const fake = withFakeGithub({ beforeAll, afterAll });

  it("a change that adds exploitation is its own pull request, labelled; the working tree is left alone", async () => {
    const repo = await tempRepo("minimal");
    const inv = await inventoryFile([agentHost("host-01", [CU_2019()])]);
    const r = await cli("intake", "--repo", repo, "--now", NOW, "--inventory", inv, "--feed", FEB, KEV, "--open-prs");
    expect(r.stderr).toBe("");
    const gh = fake.gh;
    const pr = gh.openPulls.find((p) => p.head === "patchops/advisory-exploited-kb5034768");
    expect(pr?.title).toBe("Exploited: KB5034768 (reported by update agents)");
    expect(gh.labels.get(pr!.number)).toEqual(["intake", "exploited", "advisory"]);
    const text = gh.files.get("patchops/advisory-exploited-kb5034768")?.get("policies/advisories/kb5034768.yaml") ?? "";
    expect((parse(text) as { spec: unknown }).spec).toEqual(KB5034768_FACTS);
    expect(existsSync(join(repo, "policies/advisories/kb5034768.yaml"))).toBe(false);
  });
});
