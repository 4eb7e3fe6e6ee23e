import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dpkgState } from "../../reconciler/inventory/linux/installed.js";
import { readInventory } from "../../reconciler/inventory/read.js";
import { parseDnfCheckUpdate, parseDnfUpdateinfo, parseNevra } from "../../reconciler/inventory/linux/upgradable.js";
import { comparePackageVersions } from "../../reconciler/versions/scheme.js";
import { FIXTURES, cli, tempRepo } from "../helpers/repo.js";

const LINUX = join(FIXTURES, "linux");
const DPKG = join(LINUX, "dpkg-query-W-debian12-node-image.tsv");
const APT = join(LINUX, "apt-list-upgradable-debian12-node-image.txt");
const base = ["inventory", "convert", "--scanned-at", "2026-11-22T10:00:00Z", "--os-version", "12"];

describe("patchops inventory convert", () => {
  it("reads the real Debian 12 host: every installed package, source packages, apt's candidates and suites", async () => {
    const r = await cli(
      ...base,
      "--from",
      "dpkg",
      "--host",
      "deb12",
      "--os-name",
      "Debian 12",
      DPKG,
      "--upgradable",
      APT,
    );
    expect(r.code).toBe(0);
    const rec = JSON.parse(r.stdout) as {
      packageFormat: string;
      packages: { name: string; version: string; source?: string }[];
      availableUpdates: { name: string; version: string; origin: string; security: boolean }[];
    };
    // Independently: lines whose dpkg status says installed, and apt rows.
    const tsv = (await readFile(DPKG, "utf8")).split("\n").filter((l) => l.split("\t")[3]?.[1] === "i");
    expect(rec.packageFormat).toBe("deb");
    expect(rec.packages.length).toBe(tsv.length);
    expect(rec.packages.find((p) => p.name === "bsdutils")).toEqual({
      name: "bsdutils",
      version: "1:2.38.1-5+deb12u3",
      arch: "amd64",
      source: "util-linux",
    });
    const rows = (await readFile(APT, "utf8")).split("\n").filter((l) => l.includes("upgradable from"));
    expect(rec.availableUpdates.length).toBe(rows.length);
    expect(rec.availableUpdates.find((u) => u.name === "krb5-locales")).toMatchObject({
      version: "1.20.1-2+deb12u5",
      origin: "oldstable,oldstable-security",
      security: true,
    });
    expect(rec.availableUpdates.find((u) => u.name === "systemd")).toMatchObject({
      origin: "oldstable",
      security: false,
    });
    // The record passes the native schema: plan reads it back.
    const repo = await tempRepo("minimal", { "inv.jsonl": r.stdout });
    const { inventory, diagnostics } = await readInventory([join(repo, "inv.jsonl")]);
    expect(diagnostics).toEqual([]);
    expect(inventory.records.get("deb12")!.linux!.installed.get("libssl3")).toBe("3.0.19-1~deb12u2");
  });

  it("skips packages removed with their configuration kept (rc)", async () => {
    const repo = await tempRepo("minimal", {
      "d.tsv":
        "openssl\t3.0.19-1~deb12u2\tamd64\tii \topenssl\t3.0.19-1~deb12u2\nold-tool\t1.0-1\tamd64\trc \told-tool\t1.0-1\n",
    });
    const r = await cli(...base, "--from", "dpkg", "--host", "h", "--os-name", "Debian 12", join(repo, "d.tsv"));
    const rec = JSON.parse(r.stdout) as { packages: { name: string }[]; pendingReboot: boolean };
    expect(rec.packages.map((p) => p.name)).toEqual(["openssl"]);
    expect(rec.pendingReboot).toBe(false);
    const reboot = await cli(
      ...base,
      "--from",
      "dpkg",
      "--host",
      "h",
      "--os-name",
      "Debian 12",
      "--reboot-required",
      join(repo, "d.tsv"),
    );
    expect((JSON.parse(reboot.stdout) as { pendingReboot: boolean }).pendingReboot).toBe(true);
  });

  it("a package dpkg left half-configured (iF) is not installed at its version: reported, and below every fixed version", async () => {
    // Real-shaped: the Debian 12 host's libssl3 line after an upgrade to apt's 3.0.22-1~deb12u2 whose configure step
    // failed (dpkg-query prints db:Status-Abbrev 'iF '); openssl beside it finished ('ii '), apt held ('hi ').
    const repo = await tempRepo("minimal", {
      "d.tsv":
        "libssl3\t3.0.22-1~deb12u2\tamd64\tiF \topenssl\t3.0.22-1~deb12u2\n" +
        "openssl\t3.0.19-1~deb12u2\tamd64\tii \topenssl\t3.0.19-1~deb12u2\n" +
        "curl\t7.88.1-10+deb12u14\tamd64\thi \tcurl\t7.88.1-10+deb12u14\n" +
        "libc-bin\t2.36-9+deb12u13\tamd64\tiU \tglibc\t2.36-9+deb12u13\n" +
        "tzdata\t2025b-0+deb12u2\tall\tiH \ttzdata\t2025b-0+deb12u2\n",
    });
    const r = await cli(...base, "--from", "dpkg", "--host", "h", "--os-name", "Debian 12", join(repo, "d.tsv"));
    expect(r.code).toBe(0);
    const rec = JSON.parse(r.stdout) as { packages: { name: string; version: string }[] };
    expect(rec.packages.map((p) => [p.name, p.version])).toEqual([
      ["curl", "7.88.1-10+deb12u14"],
      ["libc-bin", "0~unfinished"],
      ["libssl3", "0~unfinished"],
      ["openssl", "3.0.19-1~deb12u2"],
      ["tzdata", "0~unfinished"],
    ]);
    const warnings = r.stderr.split("\n").filter(Boolean);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toBe(
      `${join(repo, "d.tsv")}:1:1: warning dpkg-unfinished: libssl3 3.0.22-1~deb12u2 is not completely installed ` +
        "(dpkg status 'iF'): recorded as 0~unfinished, so the host stays non-compliant for updates of libssl3 until an install completes",
    );
    expect(warnings[1]).toContain(":4:1: warning dpkg-unfinished: libc-bin 2.36-9+deb12u13");
    expect(warnings[2]).toContain(":5:1: warning dpkg-unfinished: tzdata 2025b-0+deb12u2");
    // By dpkg's rules 0~unfinished < 3.0.22-1~deb12u2 (upstream 0 < 3): the fix apt offers is still missing.
    await writeFile(join(repo, "inv.jsonl"), r.stdout);
    const { inventory, diagnostics } = await readInventory([join(repo, "inv.jsonl")]);
    expect(diagnostics).toEqual([]);
    const linux = inventory.records.get("h")!.linux!;
    expect(linux.installed.get("libssl3")).toBe("0~unfinished");
    expect(comparePackageVersions("deb", "0~unfinished", "3.0.22-1~deb12u2")).toBeLessThan(0);
    expect(comparePackageVersions("deb", "0~unfinished", "0")).toBeLessThan(0);
    // The source package still names it, so an advisory for openssl concerns the host.
    expect(linux.bySource.get("openssl")).toEqual(["libssl3"]);
  });

  it("reads dpkg's long Status words too: only 'install ok installed' is installed", () => {
    expect(dpkgState("install ok installed")).toBe("installed");
    expect(dpkgState("hold ok installed")).toBe("installed");
    expect(dpkgState("install ok half-configured")).toBe("unfinished");
    expect(dpkgState("install ok unpacked")).toBe("unfinished");
    expect(dpkgState("install ok half-installed")).toBe("unfinished");
    expect(dpkgState("install reinstreq installed")).toBe("unfinished");
    expect(dpkgState("deinstall ok config-files")).toBe("absent");
    expect(dpkgState("ii ")).toBe("installed");
    expect(dpkgState("iF ")).toBe("unfinished");
    expect(dpkgState("iiR")).toBe("unfinished");
    expect(dpkgState("rc ")).toBe("absent");
    expect(dpkgState("installed")).toBeNull();
  });

  it("a host with nothing to upgrade: apt's 'Listing...' alone gives an empty list", async () => {
    const repo = await tempRepo("minimal", {
      "d.tsv": "openssl\t3.0.22-1~deb12u2\tamd64\tii \topenssl\t3.0.22-1~deb12u2\n",
      "apt.txt": "\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\nListing...\n",
    });
    const r = await cli(
      ...base,
      "--from",
      "dpkg",
      "--host",
      "h",
      "--os-name",
      "Debian 12",
      join(repo, "d.tsv"),
      "--upgradable",
      join(repo, "apt.txt"),
    );
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { availableUpdates: unknown[] }).availableUpdates).toEqual([]);
  });

  it("refuses lines it does not understand with file:line:column, exit 1 and no record", async () => {
    const repo = await tempRepo("minimal", {
      "d.tsv": "openssl\t3.0.19-1~deb12u2\tamd64\tii \topenssl\t3.0.19-1~deb12u2\nthis is not dpkg output\n",
      "apt.txt":
        "Listing...\nopenssl/oldstable-security 3.0.22-1~deb12u2 amd64 [upgradable from: 3.0.19-1~deb12u2]\ngarbage\n",
    });
    const r = await cli(
      ...base,
      "--from",
      "dpkg",
      "--host",
      "h",
      "--os-name",
      "Debian 12",
      join(repo, "d.tsv"),
      "--upgradable",
      join(repo, "apt.txt"),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${join(repo, "d.tsv")}:2:1: error inventory-malformed`);
    expect(r.stderr).toContain(`${join(repo, "apt.txt")}:3:1: error inventory-malformed`);
    expect(r.stderr).not.toContain("    at ");
  });

  it("exit 2 for an unreadable file or a wrong option, without a stack trace", async () => {
    const missing = await cli(...base, "--from", "dpkg", "--host", "h", "--os-name", "Debian 12", "/nonexistent/x.tsv");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read /nonexistent/x.tsv: ENOENT");
    const wrong = await cli(...base, "--from", "apk", "--host", "h", "--os-name", "Alpine", DPKG);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--from must be dpkg or rpm");
  });

  it("reads rpm -qa with epochs, dnf updateinfo (dnf 4 and 5) and dnf check-update", async () => {
    const r = await cli(
      ...base,
      "--from",
      "rpm",
      "--host",
      "rhel",
      "--os-name",
      "Red Hat Enterprise Linux 7",
      join(LINUX, "rhel7-rpm-qa.tsv"),
    );
    const rec = JSON.parse(r.stdout) as { packages: { name: string; version: string; arch?: string }[] };
    expect(rec.packages).toContainEqual({ name: "bash", version: "4.2.46-34.el7", arch: "x86_64" });
    expect(rec.packages).toContainEqual({ name: "telnet", version: "1:0.17-64.el7", arch: "x86_64" });
    expect(rec.packages).toContainEqual({ name: "gpg-pubkey", version: "fd431d51-4ae0493b" });
    expect(parseNevra("openssl-1:3.0.7-25.el9_3.x86_64")).toEqual({
      name: "openssl",
      version: "1:3.0.7-25.el9_3",
      arch: "x86_64",
    });
    const dnf5 = parseDnfUpdateinfo(
      "Name                  Type        Severity               Package              Issued\nRHSA-2024:0001 security    Important  openssl-1:3.0.7-25.el9_3.x86_64 2024-01-02 00:00:00\n",
    );
    expect(dnf5).toEqual({
      items: [
        {
          name: "openssl",
          version: "1:3.0.7-25.el9_3",
          arch: "x86_64",
          origin: "RHSA-2024:0001",
          security: true,
          severity: "important",
        },
      ],
      problems: [],
    });
    const check = parseDnfCheckUpdate(await readFile(join(LINUX, "rhel7-check-update.txt"), "utf8"));
    expect(check.problems).toEqual([]);
    expect(check.items.map((i) => `${i.name}=${i.version}`)).toEqual([
      "openssl-libs=1:1.0.2k-22.el7_9",
      "telnet=1:0.17-65.el7_6",
      "telnet-server=1:0.17-65.el7_6",
    ]);
  });

  it("reads osquery's deb_packages and rpm_packages tables", async () => {
    const repo = await tempRepo("minimal");
    const file = join(repo, "osq.log");
    const lines = [
      {
        name: "os",
        hostIdentifier: "deb-01",
        unixTime: 1795680000,
        snapshot: [{ platform: "debian", name: "Debian 12", version: "12", major: "12" }],
      },
      {
        name: "pack/linux/deb_packages",
        hostIdentifier: "deb-01",
        unixTime: 1795680000,
        snapshot: [
          {
            name: "libssl3",
            version: "3.0.19-1~deb12u2",
            source: "openssl",
            arch: "amd64",
            revision: "1~deb12u2",
            status: "install ok installed",
            maintainer: "x",
          },
          {
            name: "gone",
            version: "1.0-1",
            source: "",
            arch: "amd64",
            revision: "1",
            status: "deinstall ok config-files",
            maintainer: "x",
          },
        ],
      },
      {
        name: "pack/linux/rpm_packages",
        hostIdentifier: "rhel-01",
        unixTime: 1795680000,
        snapshot: [{ name: "telnet", version: "0.17", release: "64.el7", epoch: 1, arch: "x86_64" }],
      },
      {
        name: "os",
        hostIdentifier: "rhel-01",
        unixTime: 1795680000,
        snapshot: [{ platform: "rhel", name: "Red Hat Enterprise Linux 7", version: "7.6", major: "7" }],
      },
    ];
    await writeFile(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const { inventory, diagnostics } = await readInventory([file], { format: "osquery" });
    expect(diagnostics).toEqual([]);
    const deb = inventory.records.get("deb-01")!.linux!;
    expect(deb.format).toBe("deb");
    expect([...deb.installed]).toEqual([["libssl3", "3.0.19-1~deb12u2"]]);
    expect(deb.bySource.get("openssl")).toEqual(["libssl3"]);
    const rpm = inventory.records.get("rhel-01")!.linux!;
    expect(rpm.format).toBe("rpm");
    expect(rpm.installed.get("telnet")).toBe("1:0.17-64.el7");
  });
});
