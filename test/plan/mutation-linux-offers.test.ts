// Linux offers and package states (plan/linux-updates.ts), at their edges: the `name=version` the scans offer (released
// on patchops' first sighting, the least classification and severity any offering host claims, the distribution as
// vendor, a RHEL stream's name), Update files completed with their package, which installed binaries an update
// concerns (a source package's binaries; a scanned offer only where that host offers it or has it), the version each
// job installs, and which package updates a host already satisfies. Records are read by the real native reader;
// every version and instant below is worked out by hand (deb order: ~ sorts before anything, u8 < u9).
import { describe, expect, it } from "vitest";
import { fromNative, type Inventory } from "../../reconciler/inventory/host-record.js";
import { loadPolicySet } from "../../reconciler/load/policy-set.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import type { Job } from "../../reconciler/model/plan.js";
import { UpdateSpec } from "../../reconciler/model/update.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import {
  addLinuxUpdates,
  addPackageLists,
  belowFixed,
  concerns,
  PackageIndex,
  packageTargets,
  packageVersionOf,
  scannedUpdates,
  withSatisfiedPackages,
} from "../../reconciler/plan/linux-updates.js";
import { hostRecord } from "../helpers/plan-fixture.js";
import { memorySource } from "../helpers/memory-source.js";

type Offer = NonNullable<InventoryRecord["availableUpdates"]>[number];
type Pkg = NonNullable<InventoryRecord["packages"]>[number];

const D12 = { family: "linux" as const, name: "Debian 12", version: "12" };
const OPENSSL = { name: "openssl", version: "3.0.15-1~deb12u1" };
const LIBC6 = { name: "libc6", version: "2.36-9+deb12u7", source: "glibc" };
const LIBC_BIN = { name: "libc-bin", version: "2.36-9+deb12u7", source: "glibc" };
const ZLIB = { name: "zlib1g", version: "1:1.2.13.dfsg-1" };
const offer = (name: string, version: string, over: Partial<Offer> = {}): Offer => ({
  name,
  version,
  origin: "oldstable-security",
  security: true,
  ...over,
});
const debian = (
  host: string,
  scannedAt: string,
  packages: Pkg[],
  offers: Offer[],
  over: Partial<InventoryRecord> = {},
) => hostRecord(host, { scannedAt, os: D12, packageFormat: "deb", packages, availableUpdates: offers, ...over });
const inventoryOf = (records: InventoryRecord[]): Inventory => ({
  records: new Map(records.map((r, i) => [r.host, fromNative(r, `memory:${i + 1}`)])),
  malformed: new Map(),
});
const linuxOf = (r: InventoryRecord) => fromNative(r, "memory:1").linux!;
const entry = (spec: Record<string, unknown>, decision: CatalogEntry["decision"] = "approved") =>
  ({
    id: String(spec.id).toUpperCase(),
    decision,
    spec: UpdateSpec.parse({ title: "t", released: "2026-12-01", classification: "security", ...spec }),
  }) as unknown as CatalogEntry;
const catalogOf = (entries: CatalogEntry[]) => new Map(entries.map((e) => [e.id, e]));

describe("packageVersionOf", () => {
  it("name=version at the first '=', a name of at least one character; a KB or advisory id is none", () => {
    expect(packageVersionOf("openssl=3.0.16-1~deb12u1")).toEqual({ name: "openssl", version: "3.0.16-1~deb12u1" });
    expect(packageVersionOf("a=1=2")).toEqual({ name: "a", version: "1=2" });
    expect(packageVersionOf("=1.0")).toBeNull();
    expect(packageVersionOf("KB5068787")).toBeNull();
    expect(packageVersionOf("DSA-5000-1")).toBeNull();
  });
});

describe("scannedUpdates", () => {
  // d2 was scanned a day before d1 and says the openssl offer is not security and only low.
  const d1 = debian(
    "d1",
    "2026-12-10T04:00:00Z",
    [OPENSSL, LIBC6],
    [offer("openssl", "3.0.16-1~deb12u1", { severity: "important" }), offer("libc6", "2.36-9+deb12u9")],
  );
  const d2 = debian(
    "d2",
    "2026-12-09T04:00:00Z",
    [OPENSSL],
    [offer("openssl", "3.0.16-1~deb12u1", { origin: "oldstable-updates", security: false, severity: "low" })],
  );
  const eus = hostRecord("r1", {
    scannedAt: "2026-12-10T05:00:00Z",
    os: { family: "linux", name: "Red Hat Enterprise Linux 9.2", version: "9.2" },
    repos: ["rhel-9-for-x86_64-baseos-eus-rpms"],
    packageFormat: "rpm",
    packages: [{ name: "openssl", version: "3.0.7-24.el9" }],
    availableUpdates: [offer("openssl", "3.0.7-25.el9", { origin: "RHSA-2024:1234", severity: "moderate" })],
  });
  // No OS name, and a Windows host: neither offers anything.
  const unnamed = debian("u1", "2026-12-01T00:00:00Z", [OPENSSL], [offer("curl", "7.88.1-10+deb12u8")], {
    os: { family: "linux", version: "12" } as InventoryRecord["os"],
  });
  const windows = hostRecord("w1", { scannedAt: "2026-12-01T00:00:00Z" });
  const common = {
    cves: [],
    supersedes: [],
    requires: [],
    restart: "maybe",
    uninstallable: false,
    remove: false,
    catalogOnly: false,
    pilot: true,
  };

  it("one update per offered name=version, sorted by id, from the hosts that offer it", () => {
    const got = scannedUpdates(inventoryOf([d1, d2, eus, unnamed, windows]));
    expect(got).toEqual([
      {
        spec: {
          ...common,
          id: "libc6=2.36-9+deb12u9",
          title: "libc6 2.36-9+deb12u9 (oldstable-security)",
          vendor: "Debian",
          classification: "security",
          released: "2026-12-10",
          appliesTo: {
            os: [{ family: "linux", names: ["Debian 12"] }],
            packages: [{ name: "libc6", fixed: "2.36-9+deb12u9", binary: true }],
          },
        },
        firstSeen: Date.parse("2026-12-10T04:00:00Z"),
      },
      {
        // The first offering host's title; the least claim of the two; d2's earlier scan.
        spec: {
          ...common,
          id: "openssl=3.0.16-1~deb12u1",
          title: "openssl 3.0.16-1~deb12u1 (oldstable-security)",
          vendor: "Debian",
          classification: "update",
          severity: "low",
          released: "2026-12-09",
          appliesTo: {
            os: [{ family: "linux", names: ["Debian 12"] }],
            packages: [{ name: "openssl", fixed: "3.0.16-1~deb12u1", binary: true }],
          },
        },
        firstSeen: Date.parse("2026-12-09T04:00:00Z"),
      },
      {
        // A host on the EUS stream: matched by the stream's name, rules still see the release's.
        spec: {
          ...common,
          id: "openssl=3.0.7-25.el9",
          title: "openssl 3.0.7-25.el9 (RHSA-2024:1234)",
          vendor: "Red Hat Enterprise Linux",
          classification: "security",
          severity: "moderate",
          released: "2026-12-10",
          appliesTo: {
            os: [{ family: "linux", names: ["Red Hat Enterprise Linux 9.2", "Red Hat Enterprise Linux 9.2 EUS"] }],
            packages: [{ name: "openssl", fixed: "3.0.7-25.el9", binary: true }],
          },
        },
        firstSeen: Date.parse("2026-12-10T05:00:00Z"),
      },
    ]);
    // In the other host order, the same except the title (d2's offer comes first).
    const other = scannedUpdates(inventoryOf([d2, d1]));
    expect(other.map((u) => [u.spec.id, u.spec.title, u.spec.classification, u.spec.severity, u.firstSeen])).toEqual([
      ["libc6=2.36-9+deb12u9", "libc6 2.36-9+deb12u9 (oldstable-security)", "security", undefined, got[0]!.firstSeen],
      [
        "openssl=3.0.16-1~deb12u1",
        "openssl 3.0.16-1~deb12u1 (oldstable-updates)",
        "update",
        "low",
        Date.parse("2026-12-09T04:00:00Z"),
      ],
    ]);
  });

  it("an earlier sighting on the status branch (upper-case id) moves the release back; a later one does not", () => {
    const inv = inventoryOf([d1]);
    const released = (seen: Map<string, number>) =>
      scannedUpdates(inv, seen).map((u) => [u.spec.id, u.spec.released, u.firstSeen]);
    expect(released(new Map([["LIBC6=2.36-9+DEB12U9", Date.parse("2026-11-30T23:59:59Z")]]))).toEqual([
      ["libc6=2.36-9+deb12u9", "2026-11-30", Date.parse("2026-11-30T23:59:59Z")],
      ["openssl=3.0.16-1~deb12u1", "2026-12-10", Date.parse("2026-12-10T04:00:00Z")],
    ]);
    expect(released(new Map([["LIBC6=2.36-9+DEB12U9", Date.parse("2026-12-11T00:00:00Z")]]))[0]).toEqual([
      "libc6=2.36-9+deb12u9",
      "2026-12-10",
      Date.parse("2026-12-10T04:00:00Z"),
    ]);
    // A lower-case key is not the id patchops records.
    expect(released(new Map([["libc6=2.36-9+deb12u9", Date.parse("2026-11-01T00:00:00Z")]]))[0]![1]).toBe("2026-12-10");
  });

  it("the least severity and classification any offering host claims, in any order; none when one gives none", () => {
    const claims = (list: [boolean, Offer["severity"]][]) => {
      const records = list.map(([security, severity], i) =>
        debian(
          `h${i}`,
          "2026-12-10T04:00:00Z",
          [OPENSSL],
          [offer("openssl", "3.0.16-1~deb12u1", { security, severity })],
        ),
      );
      const s = scannedUpdates(inventoryOf(records))[0]!.spec;
      return [s.classification, s.severity ?? null];
    };
    expect(claims([[true, "critical"]])).toEqual(["security", "critical"]);
    expect(
      claims([
        [true, "important"],
        [true, "low"],
      ]),
    ).toEqual(["security", "low"]);
    expect(
      claims([
        [true, "low"],
        [true, "important"],
      ]),
    ).toEqual(["security", "low"]);
    expect(
      claims([
        [true, "moderate"],
        [true, "critical"],
        [true, "moderate"],
      ]),
    ).toEqual(["security", "moderate"]);
    expect(
      claims([
        [true, "critical"],
        [false, undefined],
      ]),
    ).toEqual(["update", null]);
    expect(
      claims([
        [false, undefined],
        [true, "critical"],
      ]),
    ).toEqual(["update", null]);
  });

  it("the OS names of every offering host, sorted, once each", () => {
    const on = (host: string, name: string) =>
      debian(host, "2026-12-10T04:00:00Z", [OPENSSL], [offer("openssl", "3.0.16-1~deb12u1")], {
        os: { family: "linux", name, version: "1" },
      });
    const names = scannedUpdates(inventoryOf([on("a", "Debian 12"), on("b", "Debian 11"), on("c", "Debian 12")]))[0]!
      .spec.appliesTo.os;
    expect(names).toEqual([{ family: "linux", names: ["Debian 11", "Debian 12"] }]);
  });

  it("the vendor is the OS name without its version", () => {
    const vendor = (name: string) =>
      scannedUpdates(
        inventoryOf([
          debian("h", "2026-12-10T04:00:00Z", [OPENSSL], [offer("openssl", "3.0.16-1~deb12u1")], {
            os: { family: "linux", name, version: "1" },
          }),
        ]),
      )[0]!.spec.vendor;
    expect(vendor("Ubuntu 22.04.3 LTS")).toBe("Ubuntu");
    expect(vendor("Rocky Linux 9.4 (Blue Onyx)")).toBe("Rocky Linux");
    expect(vendor("Arch Linux")).toBe("Arch Linux");
    expect(vendor("Fedora Linux 40")).toBe("Fedora Linux");
    // Every space before the version goes.
    expect(vendor("Debian  12")).toBe("Debian");
  });
});

describe("addLinuxUpdates", () => {
  const RULE = `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: debian-12
spec:
  products: ["Debian 12"]
  classifications: [security]
  approveAfterDays: 0
`;
  const POLICY =
    "apiVersion: patchops/v1\nkind: PatchPolicy\nmetadata:\n  name: p\nspec:\n  escalation: { afterHours: 24, action: isolate }\n";

  it("completes Update files named name=version, adds every other offer as a rule decides it, keyed upper-case", async () => {
    const { set } = await loadPolicySet(
      memorySource({ "policies/policy.yaml": POLICY, "policies/rules/debian-12.yaml": RULE }),
    );
    const named = entry({ id: "curl=7.88.1-10+deb12u8" }, "pending");
    const withOs = entry({
      id: "zlib1g=1:1.2.13.dfsg-1",
      appliesTo: { os: [{ family: "linux", names: ["Debian 12"] }] },
    });
    const packaged = entry({
      id: "bash=5.2.15-2+b7",
      appliesTo: { packages: [{ name: "bash", fixed: "5.2.15-2+b2", binary: true }] },
    });
    const kb = entry({ id: "KB5068787" });
    // An Update file for an offered version decides instead of the offer.
    const own = entry({ id: "libc6=2.36-9+deb12u9" }, "rejected");
    const catalog = catalogOf([named, withOs, packaged, kb, own]);
    const inventory = inventoryOf([
      debian(
        "d1",
        "2026-12-10T04:00:00Z",
        [OPENSSL, LIBC6],
        [
          offer("libc6", "2.36-9+deb12u9"),
          offer("openssl", "3.0.16-1~deb12u1"),
          offer("zlib1g", "1:1.2.13.dfsg-2", { security: false }),
        ],
      ),
    ]);
    addLinuxUpdates(catalog, {
      set,
      inventory,
      now: Date.parse("2026-12-10T09:00:00Z"),
      verifiedRules: null,
    });
    expect(catalog.get("CURL=7.88.1-10+DEB12U8")!.spec.appliesTo).toEqual({
      os: [{ family: "linux" }],
      packages: [{ name: "curl", fixed: "7.88.1-10+deb12u8", binary: true }],
    });
    expect(catalog.get("ZLIB1G=1:1.2.13.DFSG-1")!.spec.appliesTo).toEqual({
      os: [{ family: "linux", names: ["Debian 12"] }],
      packages: [{ name: "zlib1g", fixed: "1:1.2.13.dfsg-1", binary: true }],
    });
    expect(catalog.get("BASH=5.2.15-2+B7")!.spec.appliesTo).toEqual({
      packages: [{ name: "bash", fixed: "5.2.15-2+b2", binary: true }],
    });
    expect(catalog.get("KB5068787")!.spec.appliesTo).toEqual({});
    expect(catalog.get("LIBC6=2.36-9+DEB12U9")).toBe(own);
    expect([...catalog.keys()]).toEqual([
      "CURL=7.88.1-10+DEB12U8",
      "ZLIB1G=1:1.2.13.DFSG-1",
      "BASH=5.2.15-2+B7",
      "KB5068787",
      "LIBC6=2.36-9+DEB12U9",
      "OPENSSL=3.0.16-1~DEB12U1",
      "ZLIB1G=1:1.2.13.DFSG-2",
    ]);
    // The rule's delay ends at midnight on the 10th; the approval waits for the first scan offering it (04:00).
    expect(catalog.get("OPENSSL=3.0.16-1~DEB12U1")).toMatchObject({
      id: "OPENSSL=3.0.16-1~DEB12U1",
      decision: "approved",
      decidedBy: "rule:debian-12",
      approvedAt: Date.parse("2026-12-10T04:00:00Z"),
      approvedEvidence:
        "rule debian-12 (policies/rules/debian-12.yaml), 0 days after patchops first saw a scan offer it on 2026-12-10",
      doc: null,
    });
    expect(catalog.get("ZLIB1G=1:1.2.13.DFSG-2")).toMatchObject({
      decision: "pending",
      pendingNote: "no decision in the file and no approval rule matches",
    });
  });
});

describe("which installed packages an update concerns, and what a job installs", () => {
  // h: openssl and glibc's libc6 and libc-bin installed; apt offers openssl 3.0.16 and libc6 u9.
  const h = linuxOf(
    debian(
      "h",
      "2026-12-10T04:00:00Z",
      [OPENSSL, LIBC6, LIBC_BIN, ZLIB],
      [offer("openssl", "3.0.16-1~deb12u1"), offer("libc6", "2.36-9+deb12u9")],
    ),
  );
  const spec = (packages: NonNullable<UpdateSpec["appliesTo"]["packages"]>) =>
    UpdateSpec.parse({
      id: "DSA-1",
      title: "t",
      released: "2026-12-01",
      classification: "security",
      appliesTo: { packages },
    });

  it("a source package stands for its binaries; each below the fixed version gets apt's candidate when it reaches it", () => {
    expect(packageTargets(spec([{ name: "glibc", fixed: "2.36-9+deb12u8" }]), h)).toEqual([
      { name: "libc6", version: "2.36-9+deb12u9" },
      { name: "libc-bin", version: "2.36-9+deb12u8" },
    ]);
    // apt's candidate exactly at the fixed version is taken; below it, the fixed version.
    expect(packageTargets(spec([{ name: "glibc", fixed: "2.36-9+deb12u9" }]), h)).toEqual([
      { name: "libc6", version: "2.36-9+deb12u9" },
      { name: "libc-bin", version: "2.36-9+deb12u9" },
    ]);
    expect(packageTargets(spec([{ name: "openssl", fixed: "3.0.17-1~deb12u1", binary: true }]), h)).toEqual([
      { name: "openssl", version: "3.0.17-1~deb12u1" },
    ]);
    // Installed exactly at the fixed version: nothing to do; one revision higher fixed: the candidate.
    expect(packageTargets(spec([{ name: "openssl", fixed: "3.0.15-1~deb12u1", binary: true }]), h)).toEqual([]);
    expect(packageTargets(spec([{ name: "openssl", fixed: "3.0.15-1~deb12u2", binary: true }]), h)).toEqual([
      { name: "openssl", version: "3.0.16-1~deb12u1" },
    ]);
    // A binary package name stands only for itself; a package not installed, for nothing.
    expect(packageTargets(spec([{ name: "glibc", fixed: "2.36-9+deb12u8", binary: true }]), h)).toEqual([]);
    expect(packageTargets(spec([{ name: "curl", fixed: "7.88.1-10+deb12u8", binary: true }]), h)).toEqual([]);
    expect(
      packageTargets(
        UpdateSpec.parse({ id: "KB1", title: "t", released: "2026-12-01", classification: "security" }),
        h,
      ),
    ).toEqual([]);
  });

  it("dnf's candidate equal to the fixed version but spelled with its epoch is the one installed", () => {
    // rpm: a missing epoch is epoch 0, so 0:3.0.7-25.el9 and 3.0.7-25.el9 are the same version.
    const rhel = linuxOf(
      hostRecord("r", {
        os: { family: "linux", name: "Red Hat Enterprise Linux 9.4", version: "9.4" },
        packageFormat: "rpm",
        packages: [{ name: "openssl", version: "3.0.7-24.el9" }],
        availableUpdates: [offer("openssl", "0:3.0.7-25.el9", { origin: "RHSA-2024:1234" })],
      }),
    );
    expect(packageTargets(spec([{ name: "openssl", fixed: "3.0.7-25.el9", binary: true }]), rhel)).toEqual([
      { name: "openssl", version: "0:3.0.7-25.el9" },
    ]);
  });

  it("a package entry for another OS concerns nothing here; the OS is compared in any case", () => {
    const other = [{ name: "openssl", fixed: "3.0.17-1~deb12u1", binary: true, os: "Debian 11" }];
    const same = [{ name: "openssl", fixed: "3.0.17-1~deb12u1", binary: true, os: "DEBIAN 12" }];
    expect(concerns(other, h)).toBe(false);
    expect(belowFixed(other, h)).toBe(false);
    expect(concerns(same, h)).toBe(true);
    expect(belowFixed(same, h)).toBe(true);
  });

  it("concerns: any package installed; belowFixed: any installed below its fixed version (not at it)", () => {
    const at = [{ name: "openssl", fixed: "3.0.15-1~deb12u1", binary: true }];
    const above = [{ name: "openssl", fixed: "3.0.15-1~deb12u2", binary: true }];
    const absent = [{ name: "curl", fixed: "7.88.1-10+deb12u8", binary: true }];
    expect([concerns(at, h), belowFixed(at, h)]).toEqual([true, false]);
    expect([concerns(above, h), belowFixed(above, h)]).toEqual([true, true]);
    expect([concerns(absent, h), belowFixed(absent, h)]).toEqual([false, false]);
    expect([concerns([...absent, ...above], h), belowFixed([...absent, ...at, ...above], h)]).toEqual([true, true]);
    expect([concerns(undefined, h), belowFixed(undefined, h)]).toEqual([false, false]);
  });

  it("a scanned offer concerns a host only where apt offers that exact version, or it has it already", () => {
    const scanned = scannedUpdates(
      inventoryOf([debian("d1", "2026-12-10T04:00:00Z", [LIBC6], [offer("libc6", "2.36-9+deb12u9")])]),
    )[0]!.spec;
    // h offers u9 itself: it installs it.
    expect(packageTargets(scanned, h)).toEqual([{ name: "libc6", version: "2.36-9+deb12u9" }]);
    expect(concerns(scanned.appliesTo.packages, h)).toBe(true);
    // Another host at u7 whose apt offers u8: not its offer, not its fix.
    const u8 = linuxOf(debian("o", "2026-12-10T04:00:00Z", [LIBC6], [offer("libc6", "2.36-9+deb12u8")]));
    expect(packageTargets(scanned, u8)).toEqual([]);
    expect(concerns(scanned.appliesTo.packages, u8)).toBe(false);
    expect(belowFixed(scanned.appliesTo.packages, u8)).toBe(false);
    // A host that has u9 already: concerned and satisfied; one without libc6: not concerned.
    const has = linuxOf(debian("s", "2026-12-10T04:00:00Z", [{ ...LIBC6, version: "2.36-9+deb12u9" }], []));
    expect([concerns(scanned.appliesTo.packages, has), packageTargets(scanned, has)]).toEqual([true, []]);
    const without = linuxOf(debian("n", "2026-12-10T04:00:00Z", [OPENSSL], [offer("libc6", "2.36-9+deb12u9")]));
    expect(concerns(scanned.appliesTo.packages, without)).toBe(false);
  });
});

describe("PackageIndex and withSatisfiedPackages", () => {
  const rec = fromNative(
    debian("h", "2026-12-10T04:00:00Z", [OPENSSL, LIBC6, LIBC_BIN, ZLIB], [offer("openssl", "3.0.16-1~deb12u1")], {
      installed: ["KB1"],
    }),
    "memory:1",
  );
  const catalog = catalogOf([
    // At the fixed version: satisfied.
    entry({ id: "DSA-2", appliesTo: { packages: [{ name: "openssl", fixed: "3.0.15-1~deb12u1", binary: true }] } }),
    // Below it: not.
    entry({ id: "DSA-3", appliesTo: { packages: [{ name: "openssl", fixed: "3.0.17-1~deb12u1", binary: true }] } }),
    // Not installed, or for another OS: not concerned, so not satisfied.
    entry({ id: "DSA-4", appliesTo: { packages: [{ name: "curl", fixed: "7.0", binary: true }] } }),
    entry({
      id: "DSA-5",
      appliesTo: { packages: [{ name: "openssl", fixed: "3.0.15-1~deb12u1", binary: true, os: "Debian 11" }] },
    }),
    // A source package found only through its binaries.
    entry({ id: "DSA-8", appliesTo: { packages: [{ name: "glibc", fixed: "2.36-9+deb12u7" }] } }),
    // Two packages, both met.
    entry({
      id: "DSA-9",
      appliesTo: {
        packages: [
          { name: "zlib1g", fixed: "1:1.2.13.dfsg-1", binary: true },
          { name: "openssl", fixed: "3.0.14-1~deb12u1", binary: true },
        ],
      },
    }),
    // Pending: never counts.
    entry({ id: "DSA-7", appliesTo: { packages: [{ name: "openssl", fixed: "3.0.1", binary: true }] } }, "pending"),
    entry({ id: "KB2" }, "rejected"),
  ]);

  it("the decided package updates a host satisfies, found through its packages and its source packages", () => {
    const index = new PackageIndex(catalog);
    // openssl, curl, glibc, zlib1g.
    expect(index.size).toBe(4);
    expect([...index.satisfied(rec.linux!)].sort()).toEqual(["DSA-2", "DSA-8", "DSA-9"]);
    const out = withSatisfiedPackages(rec, index)!;
    expect([...out.installed].sort()).toEqual(["DSA-2", "DSA-8", "DSA-9", "KB1"]);
    expect(out.host).toBe("h");
  });

  it("the record itself when there is nothing to add", () => {
    const index = new PackageIndex(catalog);
    expect(withSatisfiedPackages(null, index)).toBeNull();
    const windows = fromNative(hostRecord("w"), "memory:1");
    expect(withSatisfiedPackages(windows, index)).toBe(windows);
    const empty = new PackageIndex(catalogOf([entry({ id: "KB3" })]));
    expect(empty.size).toBe(0);
    expect(withSatisfiedPackages(rec, empty)).toBe(rec);
    const below = new PackageIndex(catalogOf([catalog.get("DSA-3")!]));
    expect(below.size).toBe(1);
    expect(withSatisfiedPackages(rec, below)).toBe(rec);
  });
});

describe("addPackageLists", () => {
  const inventory = inventoryOf([
    debian(
      "deb-01",
      "2026-12-10T04:00:00Z",
      [OPENSSL, LIBC6, LIBC_BIN],
      [offer("openssl", "3.0.16-1~deb12u1"), offer("libc6", "2.36-9+deb12u9")],
    ),
    hostRecord("win-01"),
  ]);
  const catalog = catalogOf([
    entry({ id: "DSA-1", appliesTo: { packages: [{ name: "glibc", fixed: "2.36-9+deb12u8" }] } }),
    entry({ id: "DSA-2", appliesTo: { packages: [{ name: "libc-bin", fixed: "2.36-9+deb12u9", binary: true }] } }),
    entry({ id: "DSA-3", appliesTo: { packages: [{ name: "openssl", fixed: "3.0.15-1~deb12u2", binary: true }] } }),
    entry({ id: "DSA-4", appliesTo: { packages: [{ name: "libc-bin", fixed: "2.36-9+deb12u8", binary: true }] } }),
  ]);
  const job = (over: Partial<Job>): Job =>
    ({ id: "0123456789abcdef", type: "install", host: "DEB-01", updates: [], ...over }) as Job;

  it("name=version in the job's order, the highest version any of its updates needs, and a new id", () => {
    const a = job({ updates: ["DSA-1", "DSA-2", "DSA-3", "KB404"] });
    const b = job({ updates: ["DSA-4", "DSA-1"] });
    const c = job({ updates: ["DSA-1", "DSA-4"] });
    addPackageLists([a, b, c], catalog, inventory);
    // DSA-1: libc6 → apt's u9, libc-bin → u8; DSA-2 raises libc-bin to u9; DSA-3: openssl → apt's 3.0.16.
    expect(a.packages).toEqual(["libc6=2.36-9+deb12u9", "libc-bin=2.36-9+deb12u9", "openssl=3.0.16-1~deb12u1"]);
    // DSA-4 first: libc-bin u8, then DSA-1 adds libc6 and keeps libc-bin at u8 (not lower, not higher).
    expect(b.packages).toEqual(["libc-bin=2.36-9+deb12u8", "libc6=2.36-9+deb12u9"]);
    expect(c.packages).toEqual(["libc6=2.36-9+deb12u9", "libc-bin=2.36-9+deb12u8"]);
    // DSA-2 first: libc-bin u9, which DSA-1's u8 after it does not lower.
    const d = job({ updates: ["DSA-2", "DSA-1"] });
    addPackageLists([d], catalog, inventory);
    expect(d.packages).toEqual(["libc-bin=2.36-9+deb12u9", "libc6=2.36-9+deb12u9"]);
    // The id now depends on the packages: different lists, different ids; none kept the old one.
    expect(new Set([a.id, b.id, c.id, "0123456789abcdef"]).size).toBe(4);
    for (const j of [a, b, c]) expect(j.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it("the same job twice gets the same id; a job whose packages differ gets another", () => {
    const one = job({ updates: ["DSA-3"] });
    const two = job({ updates: ["DSA-3"] });
    const other = job({ updates: ["DSA-2"] });
    addPackageLists([one, two, other], catalog, inventory);
    expect(one.id).toBe(two.id);
    expect(other.id).not.toBe(one.id);
  });

  it("only install jobs of Linux hosts with something to install are changed", () => {
    const uninstall = job({ type: "uninstall" as Job["type"], updates: ["DSA-3"] });
    const windows = job({ host: "win-01", updates: ["DSA-3"] });
    const unknown = job({ host: "nowhere", updates: ["DSA-3"] });
    const done = job({ updates: ["KB404"] });
    addPackageLists([uninstall, windows, unknown, done], catalog, inventory);
    for (const j of [uninstall, windows, unknown, done]) {
      expect(j.packages).toBeUndefined();
      expect(j.id).toBe("0123456789abcdef");
    }
  });
});
