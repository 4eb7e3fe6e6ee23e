import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Job, Plan } from "../../reconciler/model/plan.js";
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

async function debianRepo(files: Record<string, string>): Promise<string> {
  const repo = await tempRepo("minimal", { "windows/assignments/team-a.yaml": ASSIGNMENT, ...files });
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
  await writeFile(join(repo, "inv.jsonl"), record.stdout);
  return repo;
}

async function plan(repo: string, now = NOW, extra = ["--no-verify-approvals"]) {
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
    const repo = await debianRepo({
      "policies/rules/debian-security.yaml": rule(
        "debian-security",
        "  classifications: [security]\n  approveAfterDays: 0\n",
      ),
    });
    const { r, jobs, summary } = await plan(repo);
    expect(r.code).toBe(0);
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
    const repo = await debianRepo({
      "policies/rules/debian-security.yaml": rule(
        "debian-security",
        "  classifications: [security]\n  approveAfterDays: 0\n",
      ),
    });
    const outs = ["a", "b"].map((x) => join(repo, `out-${x}`));
    for (const out of outs)
      expect(
        (
          await cli(
            "plan",
            "--repo",
            repo,
            "--inventory",
            join(repo, "inv.jsonl"),
            "--out",
            out,
            "--now",
            NOW,
            "--no-verify-approvals",
          )
        ).code,
      ).toBe(0);
    for (const f of ["jobs.ndjson", "hosts.ndjson", "plan.json"])
      expect(await readFile(join(outs[0]!, f), "utf8")).toBe(await readFile(join(outs[1]!, f), "utf8"));
  });

  it("counts approveAfterDays from when the scan first offered the upgrade", async () => {
    const repo = await debianRepo({
      "policies/rules/debian-security.yaml": rule(
        "debian-security",
        "  classifications: [security]\n  approveAfterDays: 3\n",
      ),
    });
    const before = await plan(repo, "2026-12-03T23:00:00Z", ["--no-verify-approvals", "--inventory-format", "native"]);
    expect(before.summary.summary.updates["LIBSSL3=3.0.22-1~DEB12U2"]).toMatchObject({ decision: "pending" });
    // The scan is old by then: firstSeen in the record carries the first sighting forward.
    const rec = JSON.parse(await readFile(join(repo, "inv.jsonl"), "utf8")) as {
      scannedAt: string;
      availableUpdates: { firstSeen?: string }[];
    };
    rec.scannedAt = "2026-12-04T08:00:00Z";
    for (const u of rec.availableUpdates) u.firstSeen = SCANNED;
    await writeFile(join(repo, "inv.jsonl"), `${JSON.stringify(rec)}\n`);
    const after = await plan(repo, "2026-12-04T09:00:00Z");
    expect(after.summary.summary.updates["LIBSSL3=3.0.22-1~DEB12U2"]).toMatchObject({
      decision: "approved",
      approvedAt: "2026-12-04T00:00:00Z",
    });
  });

  it("an Update file rejects one package version; the rest of the rule's approvals stand", async () => {
    const repo = await debianRepo({
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
    const { jobs, summary } = await plan(repo);
    const packages = jobs.flatMap((j) => j.packages ?? []);
    expect(packages).not.toContain("libssl3=3.0.22-1~deb12u2");
    expect(packages).toContain("openssl=3.0.22-1~deb12u2");
    expect(summary.summary.updates["LIBSSL3=3.0.22-1~DEB12U2"]).toMatchObject({
      decision: "rejected",
      decidedBy: "file",
    });
  });

  it("an Update file approves one package version without any rule", async () => {
    const repo = await debianRepo({
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
    const { jobs, summary } = await plan(repo);
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
    const { jobs, summary } = await plan(repo, NOW, []);
    expect(jobs.filter((j) => j.type === "install")).toEqual([]);
    expect(summary.summary.updates["LIBSSL3=3.0.22-1~DEB12U2"]?.unverified).toContain("not approved by the CAB");
  });

  it("a rule for another OS name approves nothing here", async () => {
    const repo = await debianRepo({
      "policies/rules/ubuntu.yaml": rule("ubuntu", "  classifications: [security]\n  approveAfterDays: 0\n").replace(
        "Debian 12",
        "Ubuntu 22.04",
      ),
    });
    const { jobs } = await plan(repo);
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
    const repo = await debianRepo({
      "policies/rules/debian-security.yaml": rule(
        "debian-security",
        "  classifications: [security]\n  approveAfterDays: 0\n",
      ),
      "policies/exemptions/owner-restarts.yaml": exemption("owner-restarts", "no-force", '["*"]'),
      "policies/exemptions/hold-openssl.yaml": exemption("hold-openssl", "defer", '["openssl=3.0.22-1~deb12u2"]'),
    });
    const { jobs } = await plan(repo);
    const install = jobs.filter((j) => j.type === "install");
    expect(install.length).toBeGreaterThan(0);
    for (const j of install) expect(j.enforcement).toEqual({ forceInstall: false, forceRestart: false });
    const packages = install.flatMap((j) => j.packages ?? []);
    expect(packages).not.toContain("openssl=3.0.22-1~deb12u2");
    expect(packages).toContain("libssl3=3.0.22-1~deb12u2");
    expect(packages.length).toBe((await aptSecurityUpgrades()).length - 1);
  });
});
