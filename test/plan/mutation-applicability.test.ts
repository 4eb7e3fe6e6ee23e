// Advisory matching (plan/applicability.ts) at its edges, on records read by the real native reader: OS family, names
// and version bounds (a bound is exclusive where it says <), an unknown Windows release never widened to the family,
// product versions, the SQL Server GDR/CU branches, Linux packages and Windows features.
import { describe, expect, it } from "vitest";
import { fromNative } from "../../reconciler/inventory/host-record.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import type { UpdateSpec } from "../../reconciler/model/update.js";
import { applicability } from "../../reconciler/plan/applicability.js";
import { hostRecord } from "../helpers/plan-fixture.js";

const host = (over: Partial<InventoryRecord> = {}) => fromNative(hostRecord("h1", over), "memory:1");
const WS = host(); // Windows Server 2022 10.0.20348.2113
const check = (appliesTo: UpdateSpec["appliesTo"], h = WS) => applicability(appliesTo, h);
const YES = { applies: true };
const no = (why: string) => ({ applies: false, why });

describe("operating system", () => {
  it("family, then the version bound, exclusive at <", () => {
    expect(check({ os: [{ family: "windows" }] })).toEqual(YES);
    expect(check({ os: [{ family: "linux" }] })).toEqual(no("the host runs Windows Server 2022 10.0.20348.2113"));
    expect(check({ os: [{ family: "windows", versions: "<10.0.20348.2114" }] })).toEqual(YES);
    expect(check({ os: [{ family: "windows", versions: "<10.0.20348.2113" }] })).toEqual(
      no("the host runs Windows Server 2022 10.0.20348.2113"),
    );
    expect(check({ os: [{ family: "windows", versions: ">=10.0.20348.2113" }] })).toEqual(YES);
    // Any one of the entries will do.
    expect(check({ os: [{ family: "linux" }, { family: "windows" }] })).toEqual(YES);
    // No OS entries: every OS.
    expect(check({ os: [] })).toEqual(YES);
    const unnamed = host({
      os: { family: "windows", version: "10.0.17763.1" },
    } as Partial<InventoryRecord>);
    expect(check({ os: [{ family: "linux" }] }, unnamed)).toEqual(no("the host runs windows 10.0.17763.1"));
  });

  it("names: the same release in another wording, not another release, not an unnamed host", () => {
    expect(check({ os: [{ family: "windows", names: ["Microsoft Windows Server 2022 Datacenter"] }] })).toEqual(YES);
    // Any one of the names will do.
    expect(check({ os: [{ family: "windows", names: ["Windows Server 2019", "Windows Server 2022"] }] })).toEqual(YES);
    expect(check({ os: [{ family: "windows", names: ["Windows Server 2019"] }] })).toEqual(
      no("the host runs Windows Server 2022 10.0.20348.2113"),
    );
    const unnamed = host({
      os: { family: "windows", version: "10.0.20348.2113" },
    } as Partial<InventoryRecord>);
    expect(check({ os: [{ family: "windows", names: ["Windows Server 2022"] }] }, unnamed)).toEqual(
      no("the host runs windows 10.0.20348.2113"),
    );
  });

  it("an unknown Windows release is never widened to the family", () => {
    const win11 = host({ os: { family: "windows", name: "Windows 11 Enterprise", version: "10.0.22631.6060" } });
    expect(check({ os: [{ family: "windows", names: ["Windows 11, Version 99H9"] }] }, win11)).toEqual(
      no(
        "it names only a Windows release patchops does not know (Windows 11, Version 99H9), which is never widened to the family",
      ),
    );
    // Two unknown releases, and an entry without names beside one: still only unknown releases are named.
    expect(
      check({ os: [{ family: "windows", names: ["Windows 11, Version 99H9", "Windows 10, Version 98H8"] }] }, win11),
    ).toEqual(
      no(
        "it names only a Windows release patchops does not know (Windows 11, Version 99H9, Windows 10, Version 98H8), which is never widened to the family",
      ),
    );
    expect(
      check({ os: [{ family: "linux" }, { family: "windows", names: ["Windows 11, Version 99H9"] }] }, win11),
    ).toEqual(
      no(
        "it names only a Windows release patchops does not know (Windows 11, Version 99H9), which is never widened to the family",
      ),
    );
    // Named beside a known release, the known one decides and the reason is the host's own (its canonical OS name).
    expect(
      check({ os: [{ family: "windows", names: ["Windows 11, Version 99H9", "Windows Server 2019"] }] }, win11),
    ).toEqual(no("the host runs Windows 11 10.0.22631.6060"));
  });
});

describe("products", () => {
  const sql = (version: string | null) =>
    host({ products: [{ name: "SQL Server 2022", version }] } as Partial<InventoryRecord>);
  const CU = { products: [{ name: "SQL Server 2022", versions: "<16.0.4222.2" }] };
  it("the product in range, outside it, of unknown version, or absent", () => {
    expect(check(CU, sql("16.0.4195.2"))).toEqual(YES);
    expect(check(CU, sql("16.0.4222.2"))).toEqual(
      no("SQL Server 2022 16.0.4222.2 is outside SQL Server 2022 <16.0.4222.2"),
    );
    expect(check(CU, sql(null))).toEqual(
      no("SQL Server 2022 (version unknown) is outside SQL Server 2022 <16.0.4222.2"),
    );
    expect(check(CU)).toEqual(no("no affected product (SQL Server 2022 <16.0.4222.2)"));
    expect(check({ products: [{ name: "SQL Server 2022" }] }, sql(null))).toEqual(YES);
    expect(check({ products: [{ name: "SQL Server 2019" }, { name: "SQL Server 2022" }] }, sql("1"))).toEqual(YES);
    expect(check({ products: [{ name: "SQL Server 2019" }] })).toEqual(no("no affected product (SQL Server 2019)"));
    expect(check({ products: [] })).toEqual(YES);
    // Another product in range is not this one; the product near the range is the one named.
    const two = host({
      products: [
        { name: "Exchange Server 2019", version: "15.2.1118.7" },
        { name: "SQL Server 2022", version: "16.0.4222.2" },
      ],
    } as Partial<InventoryRecord>);
    expect(
      check(
        CU,
        host({ products: [{ name: "Exchange Server 2019", version: "15.2.1118.7" }] } as Partial<InventoryRecord>),
      ),
    ).toEqual(no("no affected product (SQL Server 2022 <16.0.4222.2)"));
    expect(check(CU, two)).toEqual(no("SQL Server 2022 16.0.4222.2 is outside SQL Server 2022 <16.0.4222.2"));
    expect(
      check({ products: [{ name: "SQL Server 2019", versions: "<15.0.4430.1" }, CU.products[0]!] }, sql("16.0.4222.2")),
    ).toEqual(no("SQL Server 2022 16.0.4222.2 is outside SQL Server 2019 <15.0.4430.1, SQL Server 2022 <16.0.4222.2"));
    expect(check({ products: [{ name: "SQL Server 2019" }, { name: "SQL Server 2017" }] })).toEqual(
      no("no affected product (SQL Server 2019, SQL Server 2017)"),
    );
  });

  it("a GDR host never takes the CU branch's fix, nor the reverse (SQL Server 2017 and later)", () => {
    expect(check(CU, sql("16.0.1150.1"))).toEqual(
      no(
        "SQL Server 2022 16.0.1150.1 is on another servicing branch than this fix (16.0.4222.2): a GDR and a CU build never take each other's update",
      ),
    );
    const GDR = { products: [{ name: "SQL Server 2022", versions: "<=16.0.1160.1" }] };
    expect(check(GDR, sql("16.0.1150.1"))).toEqual(YES);
    expect(check(GDR, sql("16.0.1160.1"))).toEqual(YES);
    // SQL Server 2017 (14.x) is the first without service packs.
    const sql17 = host({ products: [{ name: "SQL Server 2017", version: "14.0.2056.2" }] } as Partial<InventoryRecord>);
    expect(check({ products: [{ name: "SQL Server 2017", versions: "<14.0.3485.1" }] }, sql17)).toEqual(
      no(
        "SQL Server 2017 14.0.2056.2 is on another servicing branch than this fix (14.0.3485.1): a GDR and a CU build never take each other's update",
      ),
    );
    // SQL Server 2016 (13.x) has service packs: a build in another thousand is the same line.
    const old = host({ products: [{ name: "SQL Server 2016", version: "13.0.5026.0" }] } as Partial<InventoryRecord>);
    expect(check({ products: [{ name: "SQL Server 2016", versions: "<13.0.6300.2" }] }, old)).toEqual(YES);
    // A bound of three parts; a fourth part of two digits.
    expect(check({ products: [{ name: "SQL Server 2022", versions: "<16.0.4222" }] }, sql("16.0.1150.1"))).toEqual(
      no(
        "SQL Server 2022 16.0.1150.1 is on another servicing branch than this fix (16.0.4222): a GDR and a CU build never take each other's update",
      ),
    );
    expect(check({ products: [{ name: "SQL Server 2022", versions: "<16.0.4236.12" }] }, sql("16.0.1150.1"))).toEqual(
      no(
        "SQL Server 2022 16.0.1150.1 is on another servicing branch than this fix (16.0.4236.12): a GDR and a CU build never take each other's update",
      ),
    );
    // Only the host's build of that product is compared: an older SQL Server beside it is not the fix's branch.
    const side = host({
      products: [
        { name: "SQL Server 2019", version: "15.0.2000.5" },
        { name: "SQL Server 2022", version: "16.0.4195.2" },
      ],
    } as Partial<InventoryRecord>);
    expect(check(CU, side)).toEqual(YES);
    // Not SQL Server, or no upper bound: no branch rule (an Exchange build in another thousand is the same line).
    const other = host({
      products: [{ name: "Exchange Server 2019", version: "15.2.986.42" }],
    } as Partial<InventoryRecord>);
    expect(check({ products: [{ name: "Exchange Server 2019", versions: "<15.2.1544.4" }] }, other)).toEqual(YES);
    expect(check({ products: [{ name: "SQL Server 2022", versions: ">=16.0.1000.0" }] }, sql("16.0.4195.2"))).toEqual(
      YES,
    );
  });
});

describe("packages and features", () => {
  it("a Linux package update concerns no Windows host", () => {
    expect(check({ packages: [{ name: "openssl" }, { name: "libssl3" }] } as UpdateSpec["appliesTo"])).toEqual(
      no("none of openssl, libssl3 is installed"),
    );
    expect(check({ packages: [] })).toEqual(YES);
    const ubuntu = host({
      os: { family: "linux", name: "Ubuntu 22.04", version: "22.04" },
      packageFormat: "deb",
      packages: [{ name: "openssl", version: "3.0.2-0ubuntu1.10" }],
    });
    expect(check({ packages: [{ name: "openssl" }] } as UpdateSpec["appliesTo"], ubuntu)).toEqual(YES);
    expect(check({ packages: [{ name: "curl" }] } as UpdateSpec["appliesTo"], ubuntu)).toEqual(
      no("none of curl is installed"),
    );
  });

  it("every feature named must be enabled, in any case", () => {
    const web = host({ features: ["Web-Server"] });
    expect(check({ features: ["web-server"] }, web)).toEqual(YES);
    expect(check({ features: ["Web-Server", "Hyper-V"] }, web)).toEqual(no("feature Hyper-V is not enabled"));
    expect(check({ features: ["Hyper-V"] })).toEqual(no("feature Hyper-V is not enabled"));
  });
});
