// The candidate index (plan/candidates.ts): each update is filed under its narrowest required attribute (a product,
// else an OS name or family, else its first feature, else everywhere), and a host draws every update filed under
// what it runs. Hosts are read by the real native reader; the answers are the ids written out.
import { describe, expect, it } from "vitest";
import { fromNative } from "../../reconciler/inventory/host-record.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import { CandidateIndex } from "../../reconciler/plan/candidates.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { hostRecord } from "../helpers/plan-fixture.js";

const entry = (id: string, appliesTo: CatalogEntry["spec"]["appliesTo"]) =>
  ({ id, spec: { id, appliesTo } }) as unknown as CatalogEntry;

// Built in each test, so that coverage per test sees the constructor.
const index = () =>
  new CandidateIndex([
    entry("PROD-SQL", { products: [{ name: "Microsoft SQL Server 2022" }], os: [{ family: "linux" }] }),
    entry("PROD-NET", { products: [{ name: ".NET 8.0" }, { name: "Exchange Server 2019" }] }),
    entry("OS-2022", { os: [{ family: "windows", names: ["Microsoft Windows Server 2022 Datacenter"] }] }),
    entry("OS-2019-OR-LINUX", { os: [{ family: "windows", names: ["Windows Server 2019"] }, { family: "linux" }] }),
    entry("WINDOWS", { os: [{ family: "windows", names: [] }] }),
    entry("EUS", { os: [{ family: "linux", names: ["Red Hat Enterprise Linux 8.6 EUS"] }] }),
    entry("IIS", { features: ["IIS-ASP", "IIS-CGI"] }),
    entry("EMPTY-PRODUCTS", { products: [], features: [] }),
    entry("ALL", {}),
  ]);
const ids = (over: Partial<InventoryRecord>) =>
  [...index().candidates(fromNative(hostRecord("h", over), "m:1"))].map((e) => e.id).sort();

describe("CandidateIndex", () => {
  it("a plain Windows Server 2022 host: its OS name, its family, and what applies everywhere", () => {
    expect(ids({})).toEqual(["ALL", "EMPTY-PRODUCTS", "OS-2022", "WINDOWS"]);
  });

  it("products by name with or without the vendor, in any case; a .NET runtime as advisories name it", () => {
    expect(
      ids({
        products: [
          { name: "SQL Server 2022", version: "16.0.1000.6" },
          { name: "Microsoft .NET Runtime - 8.0.14 (x64)", version: "8.0.14" },
        ],
      }),
    ).toEqual(["ALL", "EMPTY-PRODUCTS", "OS-2022", "PROD-NET", "PROD-SQL", "WINDOWS"]);
    expect(ids({ products: [{ name: "exchange server 2019", version: "15.2.1118.7" }] })).toContain("PROD-NET");
    // Another product draws neither.
    expect(ids({ products: [{ name: "SQL Server 2019", version: "15.0.2000.5" }] })).toEqual(ids({}));
  });

  it("features: filed under the first one, lower-case", () => {
    expect(ids({ features: ["iis-asp"] })).toContain("IIS");
    expect(ids({ features: ["IIS-ASP"] })).toContain("IIS");
    expect(ids({ features: ["iis-cgi"] })).not.toContain("IIS");
  });

  it("a Linux host: its family, and its RHEL stream's name; the family entry of an OS list counts too", () => {
    const rhel = (repos: string[]) =>
      ids({
        os: { family: "linux", name: "Red Hat Enterprise Linux 8.6", version: "8.6" },
        packageFormat: "rpm",
        packages: [{ name: "openssl", version: "1:1.1.1k-7.el8_6" }],
        repos,
      } as Partial<InventoryRecord>);
    expect(rhel([])).toEqual(["ALL", "EMPTY-PRODUCTS", "OS-2019-OR-LINUX"]);
    expect(rhel(["rhel-8-for-x86_64-baseos-eus-rpms"])).toEqual(["ALL", "EMPTY-PRODUCTS", "EUS", "OS-2019-OR-LINUX"]);
  });

  it("a Windows host without an OS name: its family only", () => {
    expect(ids({ os: { family: "windows", version: "10.0.20348.1" } })).toEqual(["ALL", "EMPTY-PRODUCTS", "WINDOWS"]);
    expect(ids({ os: { family: "windows", name: "Windows Server 2019", version: "10.0.17763.1" } })).toEqual([
      "ALL",
      "EMPTY-PRODUCTS",
      "OS-2019-OR-LINUX",
      "WINDOWS",
    ]);
  });

  it("an index of nothing gives nothing", () => {
    expect(new CandidateIndex([]).candidates(fromNative(hostRecord("h"), "m:1")).size).toBe(0);
  });
});
