// Issue 31 point 9: Linux package versions group into patches (the advisory, else the source package and day), and
// a late approval gives one sla-at-risk per host and window, not one per package.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { byHost } from "../helpers/plan-fixture.js";
import { assignmentDoc } from "../helpers/scenario.js";
import { advisory, DEB01, debHost, LINUX_FILES, planLinux as planOf } from "../helpers/linux-patches.js";
import { cli, tempRepo } from "../helpers/repo.js";

const patchOf = (r: Awaited<ReturnType<typeof planOf>>) =>
  Object.fromEntries(
    Object.entries(r.plan.summary.updates)
      .filter(([id]) => id.includes("="))
      .map(([id, u]) => [id, u.patch ?? null]),
  );

describe("Linux updates are grouped per advisory, else per source package and day (issue 31, point 9)", () => {
  it("11 package versions of one Debian host are 3 patches: two advisories and curl of the day it was first seen", async () => {
    const r = await planOf([DEB01], "2026-12-10T13:30:00Z");
    expect(patchOf(r)).toEqual({
      "KRB5-LOCALES=1.20.1-2+DEB12U5": "DSA-9001-1",
      "LIBGSSAPI-KRB5-2=1.20.1-2+DEB12U5": "DSA-9001-1",
      "LIBK5CRYPTO3=1.20.1-2+DEB12U5": "DSA-9001-1",
      "LIBKRB5-3=1.20.1-2+DEB12U5": "DSA-9001-1",
      "LIBKRB5SUPPORT0=1.20.1-2+DEB12U5": "DSA-9001-1",
      "LIBEXPAT1=2.5.0-1+DEB12U5": "DSA-9002-1",
      "LIBEXPAT1-DEV=2.5.0-1+DEB12U5": "DSA-9002-1",
      "CURL=7.88.1-10+DEB12U15": "curl@2026-12-10",
      "LIBCURL3-GNUTLS=7.88.1-10+DEB12U15": "curl@2026-12-10",
      "LIBCURL3-NSS=7.88.1-10+DEB12U15": "curl@2026-12-10",
      "LIBCURL4=7.88.1-10+DEB12U15": "curl@2026-12-10",
    });
    // The advisory files are their own patch.
    expect(r.plan.summary.updates["DSA-9001-1"]!.patch).toBeUndefined();
  });

  it("approved after the host's period: one sla-at-risk for the host and its window, one pilot-skipped per patch, not one per package", async () => {
    // Scanned (and so approved) 10 Dec 13:00Z, after the pilot window (9 Dec 02:00Z – 10 Dec 02:00Z) and after deb-01's
    // D1-00 (10 Dec 08:00Z – 12:00Z): its next window is January's D1-00, past the SLA of 17 Dec 13:00Z.
    const r = await planOf([DEB01], "2026-12-10T13:30:00Z");
    const risk = r.plan.findings.filter((f) => f.code === "sla-at-risk");
    expect(risk).toEqual([
      {
        code: "sla-at-risk",
        severity: "warning",
        file: "policies/rules/debian-12.yaml",
        line: null,
        message:
          "deb-01: its next window (2027-01-14T08:00:00Z – 2027-01-14T12:00:00Z) ends after the SLA: 3 patches (DSA-9001-1, DSA-9002-1, curl@2026-12-10), the first approved at 2026-12-10T13:00:00Z, due within 7 days (by 2026-12-17T13:00:00Z)",
      },
    ]);
    const skipped = r.plan.findings.filter((f) => f.code === "pilot-skipped");
    const tail =
      "approved at 2026-12-10T13:00:00Z, after its cycle's pilot window opened; to keep the 7-day SLA it deploys in this cycle's remaining periods, without a pilot wave";
    expect(skipped.map((f) => f.message)).toEqual([
      `DSA-9001-1: ${tail}`,
      `DSA-9002-1: ${tail}`,
      `curl@2026-12-10: ${tail}`,
    ]);
    // The per-update summary still says which hosts are at risk.
    expect(r.plan.summary.updates["CURL=7.88.1-10+DEB12U15"]!.slaAtRisk).toEqual({
      hosts: 1,
      slaBy: "2026-12-17T13:00:00Z",
      latestWindowEnd: "2027-01-14T12:00:00Z",
      examples: ["deb-01"],
    });
    expect(byHost(r.hosts).get("deb-01")!.status).toBe("noncompliant");
  });

  it("a second host is its own finding, also in the same window; a host in its period in progress is on time", async () => {
    const deb02 = debHost("deb-02");
    const deb03 = debHost("deb-03");
    const r = await planOf([DEB01, deb02, deb03], "2026-12-10T13:30:00Z", {
      "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
        "{ name: deb-01, period: D1-00 }",
        "{ name: deb-02, period: D1-00 }",
        "{ name: deb-03, period: D1-04 }",
      ]),
    });
    // deb-03's D1-04 (10 Dec 12:00Z – 16:00Z) is in progress: it deploys now, within the SLA.
    expect(r.plan.findings.filter((f) => f.code === "sla-at-risk").map((f) => f.message.split(":")[0])).toEqual([
      "deb-01",
      "deb-02",
    ]);
  });

  it("an offer whose package manager names the advisory (dnf updateinfo) belongs to that advisory", async () => {
    const alma = JSON.stringify({
      host: "alma-01",
      scannedAt: "2026-12-10T13:00:00Z",
      os: { family: "linux", name: "AlmaLinux 9", version: "9.4" },
      installed: [],
      packageFormat: "rpm",
      packages: [
        { name: "openssl", version: "1:3.0.7-27.el9", source: "openssl" },
        { name: "openssl-libs", version: "1:3.0.7-27.el9", source: "openssl" },
        { name: "tar", version: "2:1.34-6.el9_4" },
      ],
      availableUpdates: [
        { name: "openssl", version: "1:3.0.7-28.el9_4", origin: "ALSA-2024:9999", security: true },
        { name: "openssl-libs", version: "1:3.0.7-28.el9_4", origin: "ALSA-2024:9999", security: true },
        { name: "tar", version: "2:1.34-7.el9", origin: "baseos", security: false },
      ],
    });
    const r = await planOf([alma], "2026-12-10T13:30:00Z", {
      "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", ["{ name: alma-01, period: D1-00 }"]),
    });
    expect(patchOf(r)).toEqual({
      "OPENSSL=1:3.0.7-28.EL9_4": "ALSA-2024:9999",
      "OPENSSL-LIBS=1:3.0.7-28.EL9_4": "ALSA-2024:9999",
      "TAR=2:1.34-7.EL9": "tar@2026-12-10",
    });
  });

  it("an advisory fixed at or below the installed version is an old one: the upgrade is not grouped under it", async () => {
    const r = await planOf([DEB01], "2026-12-10T13:30:00Z", {
      "policies/updates/dsa-9002-1.yaml": advisory("DSA-9002-1", "expat", "2.5.0-1+deb12u1"),
    });
    expect(patchOf(r)["LIBEXPAT1=2.5.0-1+DEB12U5"]).toBe("expat@2026-12-10");
  });
  it("a sharded plan merges into exactly the single run's findings, whichever shard saw which packages", async () => {
    const repo = await tempRepo("minimal", {
      ...LINUX_FILES,
      "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
        "{ name: deb-01, period: D1-00 }",
        "{ name: deb-02, period: D1-00 }",
        "{ name: deb-03, period: D1-00 }",
      ]),
    });
    await rm(join(repo, "policies/updates/kb5035857.yaml"));
    // deb-02 is offered no curl upgrade: a shard holding only deb-02 sees two of the three patches.
    const deb02 = debHost("deb-02", (r) => {
      const rec = r as { availableUpdates: { name: string }[] };
      rec.availableUpdates = rec.availableUpdates.filter((u) => !u.name.includes("curl"));
    });
    const inventory = join(repo, "inventory.jsonl");
    await writeFile(inventory, [DEB01, deb02, debHost("deb-03")].join("\n") + "\n");
    const now = "2026-12-10T13:30:00Z";
    const plan = (out: string, ...more: string[]) =>
      cli(
        "plan",
        "--repo",
        repo,
        "--inventory",
        inventory,
        "--out",
        out,
        "--now",
        now,
        "--no-verify-approvals",
        ...more,
      );
    expect((await plan(join(repo, "single"))).code).toBeLessThan(2);
    const shards = [1, 2, 3].map((i) => join(repo, `shard-${i}`));
    for (const [i, d] of shards.entries()) expect((await plan(d, "--shard", `${i + 1}/3`)).code).toBeLessThan(2);
    expect((await cli("merge", ...shards, "--out", join(repo, "merged"))).code).toBe(0);
    const single = await readFile(join(repo, "single", "plan.json"), "utf8");
    expect(await readFile(join(repo, "merged", "plan.json"), "utf8")).toBe(single);
    // Each host once per patch; deb-02 is offered no curl upgrade, so curl's patch does not concern it.
    expect((JSON.parse(single) as { summary: { patches: unknown } }).summary.patches).toEqual({
      "DSA-9001-1": { missing: 3 },
      "DSA-9002-1": { missing: 3 },
      "curl@2026-12-10": { missing: 2 },
    });
    const findings = (JSON.parse(single) as { findings: { code: string; message: string }[] }).findings;
    expect(findings.filter((f) => f.code === "sla-at-risk").map((f) => f.message.split(":")[0])).toEqual([
      "deb-01",
      "deb-02",
      "deb-03",
    ]);
    expect(findings.filter((f) => f.code === "pilot-skipped").map((f) => f.message.split(":")[0])).toEqual([
      "DSA-9001-1",
      "DSA-9002-1",
      "curl@2026-12-10",
    ]);
  });
});
