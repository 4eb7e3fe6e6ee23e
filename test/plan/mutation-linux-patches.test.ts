// What a patch is on Linux (plan/patches.ts): distribution advisory ids, and the patch each package update belongs
// to — the advisory its Update file names, the advisory the package manager's offer names, the advisory whose fixed
// version the offer reaches from below (the highest; of equals, the first by id; for the host's release only), else
// SOURCE@DAY. Records are read by the real native reader; every answer is worked out by hand (deb order: u8 < u9).
import { describe, expect, it } from "vitest";
import { fromNative, type Inventory } from "../../reconciler/inventory/host-record.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import { UpdateSpec } from "../../reconciler/model/update.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { isAdvisoryId, patchKeys } from "../../reconciler/plan/patches.js";
import { hostRecord } from "../helpers/plan-fixture.js";

type Offer = NonNullable<InventoryRecord["availableUpdates"]>[number];
const offer = (name: string, version: string, origin = "oldstable-security"): Offer => ({
  name,
  version,
  origin,
  security: true,
});
const D12 = { family: "linux" as const, name: "Debian 12", version: "12" };
const inventoryOf = (records: InventoryRecord[]): Inventory => ({
  records: new Map(records.map((r, i) => [r.host, fromNative(r, `memory:${i + 1}`)])),
  malformed: new Map(),
});
const entry = (id: string, spec: Record<string, unknown> = {}) =>
  ({
    id: id.toUpperCase(),
    spec: UpdateSpec.parse({ id, title: "t", released: "2026-12-10", classification: "security", ...spec }),
  }) as unknown as CatalogEntry;
const pkgs = (name: string, fixed: string, more: Record<string, unknown> = {}) => ({
  appliesTo: { packages: [{ name, fixed, ...more }] },
});
const U = (n: number) => `2.36-9+deb12u${n}`;

describe("isAdvisoryId", () => {
  it("a distribution's advisory prefix, a dash, then an id starting with a letter or digit; nothing around it", () => {
    const yes = [
      "DSA-5800-1",
      "dla-3000-1",
      "DTSA-1-1",
      "USN-6000-1",
      "RHSA-2024:1234",
      "RHBA-2024:1",
      "RHEA-2024:1",
      "ALSA-2024:1",
      "RLSA-2024:1",
      "ELSA-2024-1",
      "CESA-2019:1",
      "FEDORA-2024-abc",
      "SUSE-SU-2024:1234-1",
      "openSUSE-SU-2024:1",
      "ALAS2023-2024-123",
      "ALAS2-2024-1",
      "ALAS-2024-1",
      "DSA-1_a.b:c",
    ];
    expect(yes.filter((s) => !isAdvisoryId(s))).toEqual([]);
    const no = [
      "",
      null,
      undefined,
      "KB5068787",
      "DSA-",
      "DSA--1",
      "DSA-~1",
      "xDSA-1",
      "DSA-1 x",
      "DSA-1/2",
      " DSA-1",
      "DSA5800",
      "openssl=3.0.16",
      "2025-Nov",
    ];
    expect(no.filter((s) => isAdvisoryId(s))).toEqual([]);
  });
});

describe("patchKeys", () => {
  const d1 = hostRecord("d1", {
    scannedAt: "2026-12-10T04:00:00Z",
    os: D12,
    packageFormat: "deb",
    packages: [
      { name: "libc6", version: U(7), source: "glibc" },
      { name: "libc-bin", version: U(7), source: "glibc" },
      { name: "openssl", version: "3.0.15-1~deb12u1" },
      { name: "libssl3", version: "3.0.15-1~deb12u1", source: "openssl" },
      { name: "curl", version: "7.88.1-10+deb12u7" },
      { name: "bash", version: "5.2.15-2+b7" },
    ],
    availableUpdates: [
      offer("libc6", U(9)),
      offer("libc-bin", U(9)),
      offer("curl", "7.88.1-10+deb12u8"),
      // dnf updateinfo style: the advisories the offer ships in, in any case.
      offer("openssl", "3.0.16-1~deb12u1", "oldstable-security,DSA-5901-1,dsa-5900-1"),
      offer("libssl3", "3.0.16-1~deb12u1"),
      offer("bash", "5.2.15-2+b9"),
    ],
  });
  // A second host offering openssl without naming an advisory: the first host's names still count.
  const d2 = hostRecord("d2", {
    scannedAt: "2026-12-10T04:00:00Z",
    os: D12,
    packageFormat: "deb",
    packages: [{ name: "openssl", version: "3.0.15-1~deb12u1" }],
    availableUpdates: [offer("openssl", "3.0.16-1~deb12u1")],
  });
  const catalog = new Map(
    [
      // glibc advisories (source package), in this catalog order.
      entry("DSA-5851-1", pkgs("glibc", U(9), { os: "Debian 12" })),
      entry("DSA-5850-1", pkgs("glibc", U(9), { os: "Debian 12" })),
      entry("DSA-5800-1", pkgs("glibc", U(8))),
      entry("DSA-5700-1", pkgs("glibc", U(7))), // the host has it already
      entry("DSA-5999-1", pkgs("glibc", U(10))), // the offer does not reach it
      entry("DLA-1-1", pkgs("glibc", U(9), { binary: true })), // the binary named glibc, not the source
      entry("DSA-5000-1", pkgs("glibc", U(9), { os: "Debian 11" })), // another release
      entry("DSA-5750-1", pkgs("curl", "7.88.1-10+deb12u7", { binary: true })), // curl at the installed version
      entry("DSA-5871-1", pkgs("zlib1g", "1:1.2.13.dfsg-2", { binary: true })),
      entry("DSA-5870-1", pkgs("zlib1g", "1:1.2.13.dfsg-2", { binary: true, os: "Debian 12" })),
      // Update files that name their advisory in `bulletin`.
      entry("OPENSSL-2024-1", { bulletin: "dsa-5990-1", ...pkgs("openssl", "3.0.99-1", { binary: true }) }),
      entry("OPENSSL-2024-2", { bulletin: "DSA-5991-1" }),
      entry("KB5068787", { bulletin: "2025-Nov", appliesTo: { products: [{ name: "Windows" }] } }),
      entry("bash=5.2.15-2+b8", { bulletin: "dsa-5950-1", ...pkgs("bash", "5.2.15-2+b8", { binary: true }) }),
      // What the scans offer.
      entry(`libc6=${U(9)}`),
      entry(`libc-bin=${U(9)}`),
      entry("curl=7.88.1-10+deb12u8"),
      entry("openssl=3.0.16-1~deb12u1"),
      entry("libssl3=3.0.16-1~deb12u1"),
      entry("bash=5.2.15-2+b9"),
      // Update files for versions no scan offers: judged by their own OS names.
      entry("zlib1g=1:1.2.13.dfsg-2", {
        released: "2026-12-01",
        appliesTo: { os: [{ family: "linux", names: ["Debian 12"] }] },
      }),
      entry("zlib1g=1:1.2.13.dfsg-3", { released: "2026-12-01" }),
      entry("zlib1g=1:1.2.13.dfsg-4", { released: "2026-12-01", appliesTo: { os: [{ family: "linux" }] } }),
    ].map((e) => [e.id, e]),
  );

  it("every package update's patch, and the bulletin of other Update files with packages", () => {
    // A Windows host has no package data: it offers nothing.
    expect(Object.fromEntries(patchKeys(catalog, inventoryOf([hostRecord("w1"), d1, d2])))).toEqual({
      "OPENSSL-2024-1": "DSA-5990-1",
      "BASH=5.2.15-2+B8": "DSA-5950-1",
      // u9 reaches DSA-5851-1 and DSA-5850-1 (equal fixed versions: the first by id) and DSA-5800-1 (lower).
      [`LIBC6=${U(9)}`.toUpperCase()]: "DSA-5850-1",
      [`LIBC-BIN=${U(9)}`.toUpperCase()]: "DSA-5850-1",
      // DSA-5750-1 is already installed: the source and the day.
      "CURL=7.88.1-10+DEB12U8": "curl@2026-12-10",
      "OPENSSL=3.0.16-1~DEB12U1": "DSA-5900-1",
      // libssl3 is built from openssl; OPENSSL-2024-1 names the binary openssl, not the source.
      "LIBSSL3=3.0.16-1~DEB12U1": "openssl@2026-12-10",
      // The bash Update file is no advisory for another bash version.
      "BASH=5.2.15-2+B9": "bash@2026-12-10",
      "ZLIB1G=1:1.2.13.DFSG-2": "DSA-5870-1",
      "ZLIB1G=1:1.2.13.DFSG-3": "zlib1g@2026-12-01",
      "ZLIB1G=1:1.2.13.DFSG-4": "zlib1g@2026-12-01",
    });
  });

  it("the offer's advisory from any offering host, in any host order", () => {
    const keys = patchKeys(catalog, inventoryOf([d2, d1]));
    expect(keys.get("OPENSSL=3.0.16-1~DEB12U1")).toBe("DSA-5900-1");
    expect(keys.get("LIBSSL3=3.0.16-1~DEB12U1")).toBe("openssl@2026-12-10");
  });

  it("the best advisory whatever the catalog order: the highest fixed version, then the first id", () => {
    const reversed = new Map([...catalog].reverse());
    const keys = patchKeys(reversed, inventoryOf([d1, d2]));
    expect(keys.get(`LIBC6=${U(9)}`.toUpperCase())).toBe("DSA-5850-1");
    expect(keys.get("ZLIB1G=1:1.2.13.DFSG-2")).toBe("DSA-5870-1");
    // Without the u9 advisories, u9 still reaches DSA-5800-1 (u8) from u7.
    const lower = new Map([...catalog].filter(([id]) => !["DSA-5851-1", "DSA-5850-1"].includes(id)));
    expect(patchKeys(lower, inventoryOf([d1])).get(`LIBC-BIN=${U(9)}`.toUpperCase())).toBe("DSA-5800-1");
  });

  it("an offer from a host already at an advisory's fixed version is not that advisory's; no host: the OS names decide", () => {
    // d3 has libc6 at u9 already and offers u10 (made up): u10 reaches DSA-5999-1 only.
    const d3 = hostRecord("d3", {
      scannedAt: "2026-12-10T04:00:00Z",
      os: D12,
      packageFormat: "deb",
      packages: [{ name: "libc6", version: U(9), source: "glibc" }],
      availableUpdates: [offer("libc6", U(10))],
    });
    const withU10 = new Map([...catalog, [`LIBC6=${U(10)}`.toUpperCase(), entry(`libc6=${U(10)}`)]]);
    expect(patchKeys(withU10, inventoryOf([d3])).get(`LIBC6=${U(10)}`.toUpperCase())).toBe("DSA-5999-1");
    // No host offers u9 now, and its entry names no OS: no advisory can be judged; d3 says libc6 is built from glibc.
    expect(patchKeys(withU10, inventoryOf([d3])).get(`LIBC6=${U(9)}`.toUpperCase())).toBe("glibc@2026-12-10");
  });

  it("a binary's source package comes from the first host that offers it", () => {
    const deb = (host: string, source: string, offers: Offer[]) =>
      hostRecord(host, {
        scannedAt: "2026-12-10T04:00:00Z",
        os: D12,
        packageFormat: "deb",
        packages: [
          { name: "libssl3", version: "3.0.15-1~deb12u1", source },
          { name: "curl", version: "7.88.1-10+deb12u7" },
        ],
        availableUpdates: offers,
      });
    // e1 has libssl3 (from openssl) but offers only curl; e2 offers libssl3 and says it is built from openssl3.
    const e1 = deb("e1", "openssl", [offer("curl", "7.88.1-10+deb12u8")]);
    const e2 = deb("e2", "openssl3", [offer("libssl3", "3.0.16-1~deb12u1")]);
    const e3 = deb("e3", "openssl", [offer("libssl3", "3.0.16-1~deb12u1")]);
    expect(patchKeys(catalog, inventoryOf([e1, e2, e3])).get("LIBSSL3=3.0.16-1~DEB12U1")).toBe("openssl3@2026-12-10");
    expect(patchKeys(catalog, inventoryOf([e3, e2])).get("LIBSSL3=3.0.16-1~DEB12U1")).toBe("openssl@2026-12-10");
  });

  it("an advisory for one release covers an offer from a host whose OS name is unknown", () => {
    const unnamed = hostRecord("x1", {
      scannedAt: "2026-12-10T04:00:00Z",
      os: { family: "linux", version: "12" } as InventoryRecord["os"],
      packageFormat: "deb",
      packages: [{ name: "zlib1g", version: "1:1.2.13.dfsg-1" }],
      availableUpdates: [offer("zlib1g", "1:1.2.13.dfsg-2")],
    });
    // DSA-5870-1 (for Debian 12) and DSA-5871-1 (any release) both fit: the first by id.
    expect(patchKeys(catalog, inventoryOf([unnamed])).get("ZLIB1G=1:1.2.13.DFSG-2")).toBe("DSA-5870-1");
    const only = new Map([...catalog].filter(([id]) => id !== "DSA-5871-1"));
    expect(patchKeys(only, inventoryOf([unnamed])).get("ZLIB1G=1:1.2.13.DFSG-2")).toBe("DSA-5870-1");
  });
});
