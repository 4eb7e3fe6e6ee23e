// Linux the same way: a RHEL host pinned to a minor release's stream (EUS) is offered and planned only its stream's
// fixes; ALSA/RHSA ratings are read as the real records carry them; dnf updateinfo severities reach the rule's
// severity terms. Real AlmaLinux and Red Hat OSV records (test/fixtures/rhel-streams/README.md); worked out by hand.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsafPackages, rhelNameOf } from "../../reconciler/intake/feeds/csaf-rpm.js";
import { osNameOfEcosystem, parseOsv, vendorRating } from "../../reconciler/intake/feeds/osv.js";
import { convertLinux } from "../../reconciler/inventory/linux/convert.js";
import { linuxPackages, streamOf } from "../../reconciler/inventory/linux/packages.js";
import { parseRepolist } from "../../reconciler/inventory/linux/repos.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import { byHost, hostRecord, planFixture } from "../helpers/plan-fixture.js";
import { cli, FIXTURES, tempRepo } from "../helpers/repo.js";

const json = async (dir: string, f: string) => JSON.parse(await readFile(join(FIXTURES, dir, f), "utf8")) as unknown;

describe("distribution ratings", () => {
  it("ALSA: the rating before the summary ('Important: squid security update') is the update's severity", async () => {
    const [u] = parseOsv(await json("rhel-streams", "ALSA-2023_7465.json"), "alsa.json");
    expect(u).toMatchObject({
      id: "ALSA-2023:7465",
      severity: "important",
      cves: ["CVE-2023-5824"],
      released: "2023-11-22",
      packages: [{ os: "AlmaLinux 9", name: "squid", fixed: "7:5.5-6.el9_3.2", binary: true }],
    });
  });

  it("RHSA in OSV: Red Hat's classification link gives the rating; a CVSS vector is never read as one", async () => {
    const rhsa = (await json("rhel-streams", "RHSA-2022_0216.json")) as Record<string, unknown>;
    expect(vendorRating(rhsa)).toBe("low");
    // Without the link only the CVSS vector is left: unrated, not guessed from the score.
    const refs = (rhsa.references as { url: string }[]).filter((r) => !r.url.includes("/classification/"));
    expect(vendorRating({ ...rhsa, references: refs })).toBeNull();
    expect(vendorRating({ summary: "Moderate: kernel security update" })).toBe("moderate");
    expect(vendorRating({ database_specific: { severity: "Critical" } })).toBe("critical");
    expect(vendorRating({ severity: [{ type: "Ubuntu", score: "high" }] })).toBe("important");
  });
});

describe("RHEL update streams", () => {
  it("OSV and CSAF name a stream's fixes by release and stream, never as the whole major release", async () => {
    expect(osNameOfEcosystem("Red Hat:rhel_eus:9.2::baseos")).toBe("Red Hat Enterprise Linux 9.2 EUS");
    expect(osNameOfEcosystem("Red Hat:rhel_e4s:8.6::appstream")).toBe("Red Hat Enterprise Linux 8.6 E4S");
    expect(osNameOfEcosystem("Red Hat:enterprise_linux:9::appstream")).toBe("Red Hat Enterprise Linux 9");
    expect(rhelNameOf("Red Hat Enterprise Linux BaseOS EUS (v.9.2)")).toBe("Red Hat Enterprise Linux 9.2 EUS");
    expect(rhelNameOf("Red Hat Enterprise Linux AppStream (v. 9)")).toBe("Red Hat Enterprise Linux 9");
    // RHSA-2022:0011 (real CSAF) fixes telnet only for 7.6 AUS, E4S and TUS: not for every RHEL 7 host.
    const [u] = parseCsafPackages(await json("feeds", "csaf-rhsa-2022_0011.json"), "rhsa.json");
    expect([...new Set(u!.packages!.map((p) => p.os))]).toEqual([
      "Red Hat Enterprise Linux 7.6 AUS",
      "Red Hat Enterprise Linux 7.6 E4S",
      "Red Hat Enterprise Linux 7.6 TUS",
    ]);
  });

  const REPOLIST_EUS = `Updating Subscription Management repositories.
repo id                                  repo name
rhel-8-for-x86_64-appstream-eus-rpms     Red Hat Enterprise Linux 8 for x86_64 - AppStream - Extended Update Support (RPMs)
rhel-8-for-x86_64-baseos-eus-rpms        Red Hat Enterprise Linux 8 for x86_64 - BaseOS - Extended Update Support (RPMs)
`;

  it("the converter reads the enabled repositories; an EUS repository and release 8.6 put the host on 8.6 EUS", () => {
    expect(parseRepolist(REPOLIST_EUS)).toEqual({
      items: ["rhel-8-for-x86_64-appstream-eus-rpms", "rhel-8-for-x86_64-baseos-eus-rpms"],
      problems: [],
    });
    expect(parseRepolist("repo id  repo name\n-bad id\n").problems).toEqual([
      { line: 2, column: 1, reason: "'-bad' is not a repository id (expected 'repo-id  repo name')" },
    ]);
    const { record } = convertLinux({
      from: "rpm",
      host: "eus-86",
      scannedAt: "2023-11-20T04:00:00Z",
      osName: "Red Hat Enterprise Linux 8",
      osVersion: "8.6",
      installed: { file: "rpm.tsv", text: "openssl\t1\t1.1.1k\t7.el8_6\tx86_64\n" },
      upgradable: [],
      repolist: { file: "repolist.txt", text: REPOLIST_EUS },
    });
    expect(record!.repos).toEqual(["rhel-8-for-x86_64-appstream-eus-rpms", "rhel-8-for-x86_64-baseos-eus-rpms"]);
    expect(linuxPackages(record!)!.stream).toBe("Red Hat Enterprise Linux 8.6 EUS");
    // Mainline repositories, or a release without its minor version: no stream.
    expect(streamOf({ repos: ["rhel-8-for-x86_64-baseos-rpms"], os: record!.os })).toBeNull();
    expect(streamOf({ repos: ["rhel-8-for-x86_64-baseos-eus-rpms"], os: { ...record!.os, version: "8" } })).toBeNull();
    expect(streamOf({ repos: ["rhel-8-for-x86_64-sap-solutions-e4s-rpms"], os: record!.os })).toBe(
      "Red Hat Enterprise Linux 8.6 E4S",
    );
  });

  const rhel = (host: string, version: string, repos: string[]): InventoryRecord =>
    hostRecord(host, {
      scannedAt: "2023-11-20T04:00:00Z",
      os: { family: "linux", name: "Red Hat Enterprise Linux 8", version },
      packageFormat: "rpm",
      repos,
      packages: [{ name: "openssl", version: "1:1.1.1k-7.el8_6", arch: "x86_64" }],
      availableUpdates: [],
    });

  const advisory = (id: string, os: string, fixed: string) => `apiVersion: patchops/v1
kind: Update
metadata:
  name: ${id.toLowerCase().replace(":", "-")}
spec:
  id: ${id}
  title: "Important: openssl security update"
  vendor: Red Hat
  classification: security
  severity: important
  released: 2023-11-19
  decision: approved
  pilot: false
  appliesTo:
    os: [{ family: linux, names: ["${os}"] }]
    packages: [{ os: "${os}", name: openssl, fixed: "${fixed}", binary: true }]
`;

  it("plan: the EUS host gets only its stream's fix, the mainline host only the mainline fix", async () => {
    const r = await planFixture({
      files: {
        "policies/updates/kb5035857.yaml": null,
        "policies/updates/rhsa-2023-0001.yaml": advisory(
          "RHSA-2023:0001",
          "Red Hat Enterprise Linux 8",
          "1:1.1.1k-9.el8_7",
        ),
        "policies/updates/rhsa-2023-0002.yaml": advisory(
          "RHSA-2023:0002",
          "Red Hat Enterprise Linux 8.6 EUS",
          "1:1.1.1k-8.el8_6",
        ),
        "windows/assignments/team-a.yaml": `apiVersion: patchops/v1
kind: Assignment
metadata:
  name: team-a
spec:
  owner: team-a
  timetable: dc
  hosts:
    - { name: eus-86, period: D1-04 }
    - { name: main-88, period: D2-04 }
`,
      },
      hosts: [
        rhel("eus-86", "8.6", ["rhel-8-for-x86_64-baseos-eus-rpms", "rhel-8-for-x86_64-appstream-eus-rpms"]),
        rhel("main-88", "8.8", ["rhel-8-for-x86_64-baseos-rpms", "rhel-8-for-x86_64-appstream-rpms"]),
      ],
      now: "2023-11-20T06:00:00Z",
    });
    const hosts = byHost(r.hosts);
    expect(hosts.get("eus-86")!.updates).toEqual({ "RHSA-2023:0002": "missing" });
    expect(hosts.get("main-88")!.updates).toEqual({ "RHSA-2023:0001": "missing" });
    expect(r.jobs.filter((j) => j.type === "install").map((j) => [j.host, j.updates, j.packages])).toEqual([
      ["eus-86", ["RHSA-2023:0002"], ["openssl=1:1.1.1k-8.el8_6"]],
      ["main-88", ["RHSA-2023:0001"], ["openssl=1:1.1.1k-9.el8_7"]],
    ]);
  });

  it("dnf updateinfo severities reach the rule's severity terms: Important/Sec. approved, Moderate/Sec. not", async () => {
    const { record } = convertLinux({
      from: "rpm",
      host: "alma-01",
      scannedAt: "2023-11-23T04:00:00Z",
      osName: "AlmaLinux 9",
      osVersion: "9.3",
      installed: {
        file: "rpm.tsv",
        text: "squid\t7\t5.5\t6.el9_3.1\tx86_64\nlibxml2\t(none)\t2.9.13\t5.el9_2\tx86_64\n",
      },
      upgradable: [
        {
          file: "updateinfo.txt",
          text: `Last metadata expiration check: 0:12:03 ago on Thu 23 Nov 2023 04:00:00 AM UTC.
ALSA-2023:7465 Important/Sec. squid-7:5.5-6.el9_3.2.x86_64
ALSA-2023:7100 Moderate/Sec.  libxml2-2.9.13-5.el9_3.x86_64
`,
        },
      ],
    });
    expect(record!.availableUpdates!.map((u) => [u.name, u.severity])).toEqual([
      ["libxml2", "moderate"],
      ["squid", "important"],
    ]);
    const r = await planFixture({
      files: {
        "policies/updates/kb5035857.yaml": null,
        "policies/rules/alma-important.yaml": `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: alma-important
spec:
  products: ["AlmaLinux 9"]
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
    - { name: alma-01, period: D1-04 }
`,
      },
      hosts: [record!],
      now: "2023-11-23T06:00:00Z",
    });
    expect(r.plan.summary.updates["SQUID=7:5.5-6.EL9_3.2"]).toMatchObject({ decision: "approved" });
    expect(r.plan.summary.updates["LIBXML2=2.9.13-5.EL9_3"]).toMatchObject({ decision: "pending" });
    expect(byHost(r.hosts).get("alma-01")!.updates).toEqual({ "SQUID=7:5.5-6.EL9_3.2": "missing" });
  });
});

describe("Linux relevance counts the hosts that still need the fix", () => {
  const alma = (host: string, squid: string): InventoryRecord =>
    hostRecord(host, {
      scannedAt: "2023-11-23T04:00:00Z",
      os: { family: "linux", name: "AlmaLinux 9", version: "9.3" },
      packageFormat: "rpm",
      packages: [{ name: "squid", version: squid, arch: "x86_64" }],
      availableUpdates: [],
    });

  it("ALSA-2023:7465 (fixed 7:5.5-6.el9_3.2): the host on 7:5.5-6.el9_3.1 is relevant, the one on el9_3.2 or later is not", async () => {
    const repo = await tempRepo("minimal");
    const inv = join(repo, "inventory.jsonl");
    const write = (records: InventoryRecord[]) =>
      writeFile(inv, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const feed = join(FIXTURES, "rhel-streams", "ALSA-2023_7465.json");
    const intake = () =>
      cli("intake", "--repo", repo, "--now", "2023-11-23T06:00:00Z", "--inventory", inv, "--feed", feed, "--dry-run");
    await write([alma("host-01", "7:5.5-6.el9_3.1"), alma("host-02", "7:5.5-6.el9_3.2")]);
    expect((await intake()).stdout).toMatch(/\+ ALSA-2023:7465 important +standard +1 hosts \(team-a 1\)/);
    await write([alma("host-01", "7:5.5-6.el9_3.2"), alma("host-02", "7:5.5-7.el9_4")]);
    expect((await intake()).stdout).toMatch(
      /- irrelevant \(no affected host\), not logged \(dry run\): ALSA-2023:7465/,
    );
  });
});
