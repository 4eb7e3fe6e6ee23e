import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Job, Plan } from "../../reconciler/model/plan.js";
import { planFileTexts } from "../../reconciler/output/plan-files.js";
import { planFixture, readInventoryText } from "../helpers/plan-fixture.js";
import { FIXTURES, cli, tempRepo } from "../helpers/repo.js";

const DPKG = join(FIXTURES, "linux", "dpkg-query-W-debian12-node-image.tsv");
const APT = join(FIXTURES, "linux", "apt-list-upgradable-debian12-node-image.txt");
// Before the December cycle opens, so the pilot wave is still ahead.
const NOW = "2026-12-01T09:00:00Z";
const SCANNED = "2026-12-01T08:00:00Z";

const rule = (name: string, extra: string) => `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: ${name}
spec:
  products: ["Debian 12"]
${extra}`;

const ASSIGNMENT = `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: team-a
spec:
  owner: team-a
  timetable: dc
  hosts:
    - { name: deb12-node, period: D2-04, role: node }
`;

/** The host's record, as `patchops inventory convert` writes it from dpkg-query and apt output (once per file). */
let RECORD = "";
beforeAll(async () => {
  const record = await cli(
    "inventory",
    "convert",
    "--from",
    "dpkg",
    "--host",
    "deb12-node",
    "--scanned-at",
    SCANNED,
    "--os-name",
    "Debian 12",
    "--os-version",
    "12",
    DPKG,
    "--upgradable",
    APT,
  );
  expect(record.stderr).toBe("");
  expect(record.code).toBe(0);
  RECORD = record.stdout;
});

/** In memory: the minimal fixture with the Debian host's assignment and `files`, planned against the record. */
async function plan(files: Record<string, string>, now = NOW, record = RECORD) {
  const { inventory, diagnostics } = await readInventoryText(record, "native");
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const r = await planFixture({
    files: { "windows/assignments/team-a.yaml": ASSIGNMENT, ...files },
    hosts: inventory,
    now,
  });
  return { result: r, jobs: r.jobs, summary: r.plan };
}

/** Through the CLI, for what is about the command: a repository with the record written beside the policy. */
async function debianRepo(files: Record<string, string>): Promise<string> {
  const repo = await tempRepo("minimal", { "windows/assignments/team-a.yaml": ASSIGNMENT, ...files });
  await writeFile(join(repo, "inv.jsonl"), RECORD);
  return repo;
}

async function planCli(repo: string, now = NOW, extra = ["--no-verify-approvals"]) {
  const out = join(repo, `out-${now.replace(/:/g, "")}`);
  const r = await cli(
    "plan",
    "--repo",
    repo,
    "--inventory",
    join(repo, "inv.jsonl"),
    "--out",
    out,
    "--now",
    now,
    ...extra,
  );
  const jobs = (await readFile(join(out, "jobs.ndjson"), "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Job);
  const summary = JSON.parse(await readFile(join(out, "plan.json"), "utf8")) as Plan;
  return { r, jobs, summary };
}

/** An independent reading of apt's output: the rows whose suites include a security suite, as name=version. */
async function aptSecurityUpgrades(): Promise<string[]> {
  const rows = (await readFile(APT, "utf8")).split("\n").filter((l) => l.includes("[upgradable from:"));
  return rows
    .map((l) => l.split(" "))
    .filter(([nameSuites]) => nameSuites!.split("/")[1]!.split(",").includes("oldstable-security"))
    .map(([nameSuites, version]) => `${nameSuites!.split("/")[0]}=${version}`)
    .sort();
}

describe("Linux: the real Debian 12 host under a rule approving security updates", () => {
  it("gets one job listing exactly the security upgrades apt offers, at apt's versions", async () => {
    const { result, jobs, summary } = await plan({
      "policies/rules/debian-security.yaml": rule(
        "debian-security",
        "  classifications: [security]\n  approveAfterDays: 0\n",
      ),
    });
    expect(result.plan.findings.filter((f) => f.severity === "error")).toEqual([]);
    const install = jobs.filter((j) => j.type === "install" && j.host === "deb12-node");
    const expected = await aptSecurityUpgrades();
    expect(expected.length).toBe(81);
    expect(install.flatMap((j) => j.packages ?? []).sort()).toEqual(expected);
    // Each job's package list has one version per package, and the ids are the same packages.
    for (const j of install) expect(j.updates.length).toBe(j.packages!.length);
    expect(summary.summary.updates["LIBSSL3=3.0.22-1~DEB12U2"]).toMatchObject({
      decision: "approved",
      decidedBy: "rule:debian-security",
    });
    // Non-security upgrades (suite oldstable only) stay pending.
    expect(summary.summary.updates["SYSTEMD=252.39-1~DEB12U2"]).toMatchObject({ decision: "pending" });
  });

  it("same inputs, same bytes: planning twice writes identical jobs and hosts", async () => {
    const files = {
      "policies/rules/debian-security.yaml": rule(
        "debian-security",
        "  classifications: [security]\n  approveAfterDays: 0\n",
      ),
    };
    const [a, b] = [await plan(files), await plan(files)];
    expect(a.result.plan.findings.filter((f) => f.severity === "error")).toEqual([]);
    const bytes = (r: typeof a) => planFileTexts(r.result.plan, r.result.hosts, r.result.jobs);
    for (const f of ["jobs.ndjson", "hosts.ndjson", "plan.json"]) expect(bytes(a).get(f)).toBe(bytes(b).get(f));
  });

  it("counts approveAfterDays from when patchops first saw the offer, never from the record's own firstSeen", async () => {
    const files = {
      "policies/rules/debian-security.yaml": rule(
        "debian-security",
        "  classifications: [security]\n  approveAfterDays: 3\n",
      ),
    };
    const before = await plan(files, "2026-12-03T23:00:00Z");
    expect(before.summary.summary.updates["LIBSSL3=3.0.22-1~DEB12U2"]).toMatchObject({ decision: "pending" });
    // A later scan claims it saw the upgrade on 12-01: a claim, not patchops' own sighting (H3).
    const rec = JSON.parse(RECORD) as {
      scannedAt: string;
      availableUpdates: { firstSeen?: string }[];
    };
    rec.scannedAt = "2026-12-04T08:00:00Z";
    for (const u of rec.availableUpdates) u.firstSeen = "2020-01-01T00:00:00Z";
    const later = `${JSON.stringify(rec)}\n`;
    const claimed = await plan(files, "2026-12-04T09:00:00Z", later);
    expect(claimed.summary.summary.updates["LIBSSL3=3.0.22-1~DEB12U2"]).toMatchObject({ decision: "pending" });
    // What patchops recorded on the status branch on 12-01 (a snapshot of the first plan) counts: 12-01 + 3 days.
    const { inventory } = await readInventoryText(later, "native");
    const seen = await planFixture({
      files: { "windows/assignments/team-a.yaml": ASSIGNMENT, ...files },
      hosts: inventory,
      now: "2026-12-04T09:00:00Z",
      input: { offersSeen: new Map([["LIBSSL3=3.0.22-1~DEB12U2", Date.parse(SCANNED)]]) },
    });
    expect(seen.plan.summary.updates["LIBSSL3=3.0.22-1~DEB12U2"]).toMatchObject({
      decision: "approved",
      approvedAt: "2026-12-04T00:00:00Z",
    });
    expect(seen.plan.summary.updates["OPENSSL=3.0.22-1~DEB12U2"]).toMatchObject({ decision: "pending" });
  });

  it("an Update file rejects one package version; the rest of the rule's approvals stand", async () => {
    const { jobs, summary } = await plan({
      "policies/rules/debian-security.yaml": rule(
        "debian-security",
        "  classifications: [security]\n  approveAfterDays: 0\n",
      ),
      "policies/updates/libssl3-3.0.22.yaml": `apiVersion: patchops/v1
kind: Update
metadata:
  name: libssl3-3.0.22
spec:
  id: libssl3=3.0.22-1~deb12u2
  title: OpenSSL 3.0.22 for Debian 12, held back
  vendor: Debian
  classification: security
  severity: important
  released: 2026-11-20
  decision: rejected
`,
    });
    const packages = jobs.flatMap((j) => j.packages ?? []);
    expect(packages).not.toContain("libssl3=3.0.22-1~deb12u2");
    expect(packages).toContain("openssl=3.0.22-1~deb12u2");
    expect(summary.summary.updates["LIBSSL3=3.0.22-1~DEB12U2"]).toMatchObject({
      decision: "rejected",
      decidedBy: "file",
    });
  });

  it("an Update file approves one package version without any rule", async () => {
    const { jobs, summary } = await plan({
      "policies/updates/openssl-3.0.22.yaml": `apiVersion: patchops/v1
kind: Update
metadata:
  name: openssl-3.0.22
spec:
  id: openssl=3.0.22-1~deb12u2
  title: OpenSSL 3.0.22 for Debian 12
  vendor: Debian
  classification: security
  severity: important
  released: 2026-11-20
  decision: approved
`,
    });
    expect(jobs.filter((j) => j.type === "install").map((j) => j.packages)).toEqual([["openssl=3.0.22-1~deb12u2"]]);
    expect(summary.summary.updates["LIBSSL3=3.0.22-1~DEB12U2"]).toMatchObject({ decision: "pending" });
  });

  it("fails closed: with verification on, an unverified rule approves no scanned upgrade", async () => {
    const repo = await debianRepo({
      "policies/rules/debian-security.yaml": rule(
        "debian-security",
        "  classifications: [security]\n  approveAfterDays: 0\n",
      ),
    });
    const { jobs, summary } = await planCli(repo, NOW, []);
    expect(jobs.filter((j) => j.type === "install")).toEqual([]);
    expect(summary.summary.updates["LIBSSL3=3.0.22-1~DEB12U2"]?.unverified).toContain("not approved by the CAB");
  });

  it("a rule for another OS name approves nothing here", async () => {
    const { jobs } = await plan({
      "policies/rules/ubuntu.yaml": rule("ubuntu", "  classifications: [security]\n  approveAfterDays: 0\n").replace(
        "Debian 12",
        "Ubuntu 22.04",
      ),
    });
    expect(jobs.filter((j) => j.type === "install")).toEqual([]);
  });

  it("exemptions apply unchanged: no-force on the host, defer of one package version", async () => {
    const exemption = (name: string, type: string, updates: string) => `apiVersion: patchops/v1
kind: Exemption
metadata:
  name: ${name}
spec:
  hosts: [deb12-node]
  updates: ${updates}
  type: ${type}
  reason: restart by the owner
  ticket: CHG-1
  expires: 2026-12-31
`;
    const { jobs } = await plan({
      "policies/rules/debian-security.yaml": rule(
        "debian-security",
        "  classifications: [security]\n  approveAfterDays: 0\n",
      ),
      "policies/exemptions/owner-restarts.yaml": exemption("owner-restarts", "no-force", '["*"]'),
      "policies/exemptions/hold-openssl.yaml": exemption("hold-openssl", "defer", '["openssl=3.0.22-1~deb12u2"]'),
    });
    const install = jobs.filter((j) => j.type === "install");
    expect(install.length).toBeGreaterThan(0);
    for (const j of install) expect(j.enforcement).toEqual({ forceInstall: false, forceRestart: false });
    const packages = install.flatMap((j) => j.packages ?? []);
    expect(packages).not.toContain("openssl=3.0.22-1~deb12u2");
    expect(packages).toContain("libssl3=3.0.22-1~deb12u2");
    expect(packages.length).toBe((await aptSecurityUpgrades()).length - 1);
  });
});
