// Baselines from below (plan/baseline-conformance.ts: the OS family, os.minVersion exact at the bound, products by
// name with or without "Microsoft", product versions; the one finding per baseline line) and baseline requirements
// without an approved Update file (plan/baseline-requirements.ts). The baselines are real documents, loaded in
// memory as plan loads them; every line and column below is counted by hand in WEB, whose values sit on
// lines of their own so that a value's line is never its mapping's.
import { beforeAll, describe, expect, it } from "vitest";
import { fromNative, type HostRecord } from "../../reconciler/inventory/host-record.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import {
  belowBaseline,
  belowBaselineFinding,
  belowBaselineFindings,
  productKey,
  type BaselineShortfall,
} from "../../reconciler/plan/baseline-conformance.js";
import { baselineRequirementFindings } from "../../reconciler/plan/baseline-requirements.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { loadPolicySet, type PolicySet } from "../../reconciler/load/policy-set.js";
import { hostRecord } from "../helpers/plan-fixture.js";
import { memorySource } from "../helpers/memory-source.js";

const WEB = `apiVersion: patchops/v1
kind: Baseline
metadata:
  name: web
spec:
  selector: { role: app }
  os:
    minVersion:
      "10.0.20348.2113"
    family: windows
  products:
    - versions:
        ">=15.0.4355"
      name: Microsoft SQL Server 2019
    - name: .NET Runtime
  requiredUpdates: [KB100, kb200, KB300, KB400]
  revision: 2026-07-01
`;
const DB = `apiVersion: patchops/v1
kind: Baseline
metadata:
  name: db
spec:
  selector: { role: db }
  os: { family: linux }
  revision: 2026-07-01
`;
// No os at all: only its products would count.
const NOOS = `apiVersion: patchops/v1
kind: Baseline
metadata:
  name: noos
spec:
  selector: { role: app }
  revision: 2026-07-01
`;
const PLAIN = `apiVersion: patchops/v1
kind: Baseline
metadata:
  name: plain
spec:
  selector: { role: app }
  os: { family: windows }
  revision: 2026-07-01
`;

let set: PolicySet;
beforeAll(async () => {
  const files = {
    "baselines/web.yaml": WEB,
    "baselines/db.yaml": DB,
    "baselines/plain.yaml": PLAIN,
    "baselines/noos.yaml": NOOS,
  };
  const loaded = await loadPolicySet(memorySource(files));
  expect(loaded.diagnostics).toEqual([]);
  set = loaded.set;
});
const baseline = (name: string) => set.baselines.filter((b) => b.name === name);

const host = (over: Partial<InventoryRecord>): HostRecord => fromNative(hostRecord("h1", over), "memory:1");
const SQL_OK = { name: "SQL Server 2019", version: "15.0.4355.3" };
const NET = { name: "Microsoft .NET Runtime", version: "8.0.11" };
const WS = (version: string) => ({ family: "windows" as const, name: "Windows Server 2022", version });
const web = (reason: string, line: number): BaselineShortfall => ({
  baseline: "web",
  file: "baselines/web.yaml",
  line,
  reason,
});

describe("productKey", () => {
  it("drops a leading 'Microsoft ' in any case, trims and lower-cases; nothing else", () => {
    expect(productKey("Microsoft SQL Server 2019")).toBe("sql server 2019");
    expect(productKey("MICROSOFT   SQL Server 2019")).toBe("sql server 2019");
    expect(productKey("  SQL Server 2019 ")).toBe("sql server 2019");
    // Only at the start, and only as a word of its own.
    expect(productKey("Contoso Microsoft Tools")).toBe("contoso microsoft tools");
    expect(productKey("MicrosoftEdge")).toBe("microsoftedge");
  });
});

describe("belowBaseline", () => {
  it("at os.minVersion exactly, with the products (named with or without Microsoft): nothing short", () => {
    expect(belowBaseline(host({ os: WS("10.0.20348.2113"), products: [SQL_OK, NET] }), baseline("web"))).toEqual([]);
    // A baseline without minVersion takes any version of its family.
    expect(belowBaseline(host({ os: WS("6.3.9600.1") }), baseline("plain"))).toEqual([]);
    // A baseline without os takes any OS.
    expect(belowBaseline(host({ os: WS("6.3.9600.1") }), baseline("noos"))).toEqual([]);
  });

  it("one build below os.minVersion is short, named by the OS name, else its family", () => {
    expect(belowBaseline(host({ os: WS("10.0.20348.2112"), products: [SQL_OK, NET] }), baseline("web"))).toEqual([
      web("Windows Server 2022 10.0.20348.2112 is below os.minVersion 10.0.20348.2113", 9),
    ]);
    const unnamed = host({ os: { family: "windows", version: "10.0.20348.2112" } as InventoryRecord["os"] });
    expect(belowBaseline({ ...unnamed, products: [SQL_OK, NET] }, baseline("web"))).toEqual([
      web("windows 10.0.20348.2112 is below os.minVersion 10.0.20348.2113", 9),
    ]);
  });

  it("another family is short at os.family (its version is not compared), and its products are still checked", () => {
    const linux = host({ os: { family: "linux", name: "Ubuntu 22.04", version: "1.0" }, products: [NET] });
    expect(belowBaseline(linux, baseline("web"))).toEqual([
      web("the host runs linux, the baseline requires windows", 10),
      web(
        "Microsoft SQL Server 2019 is not in the scan (its collector may not report products; see deploy/collect/windows.ps1)",
        14,
      ),
    ]);
    expect(belowBaseline(host({ os: WS("10.0.20348.2113") }), baseline("db"))).toEqual([
      {
        baseline: "db",
        file: "baselines/db.yaml",
        line: 7,
        reason: "the host runs windows, the baseline requires linux",
      },
    ]);
  });

  it("a product outside its versions lists every installed version; one inside is enough", () => {
    const old = { name: "Microsoft SQL Server 2019", version: "15.0.4354.9" };
    const unknown = { name: "sql server 2019" }; // no version: read as null
    expect(belowBaseline(host({ os: WS("10.0.20348.2113"), products: [old, unknown, NET] }), baseline("web"))).toEqual([
      web("Microsoft SQL Server 2019 15.0.4354.9, (version unknown) is outside >=15.0.4355", 13),
    ]);
    expect(belowBaseline(host({ os: WS("10.0.20348.2113"), products: [old, SQL_OK, NET] }), baseline("web"))).toEqual(
      [],
    );
    // The other baseline's product is not required by this one; a product without versions needs only to be there.
    expect(
      belowBaseline(host({ os: WS("10.0.20348.2113"), products: [SQL_OK, { name: ".NET Runtime" }] }), baseline("web")),
    ).toEqual([]);
  });
});

describe("belowBaselineFindings", () => {
  const minV = web("the reason", 9);
  const fam = web("the family", 8);
  const other = { ...minV, file: "baselines/other.yaml", baseline: "other" };
  const noLine = { ...minV, line: null };

  it("one finding per baseline file and line, hosts in order; one host is named with its reason", () => {
    const byHost = new Map<string, BaselineShortfall[]>([
      ["h1", [minV, fam]],
      ["h2", [minV]],
      ["h3", [other, noLine]],
    ]);
    expect(belowBaselineFindings(byHost)).toEqual([
      {
        code: "below-baseline",
        severity: "warning",
        message: "2 hosts below baseline 'web' (h1, h2): e.g. the reason",
        file: "baselines/web.yaml",
        line: 9,
        column: null,
      },
      {
        code: "below-baseline",
        severity: "warning",
        message: "1 host below baseline 'web' (h1): the family",
        file: "baselines/web.yaml",
        line: 8,
        column: null,
      },
      {
        code: "below-baseline",
        severity: "warning",
        message: "1 host below baseline 'other' (h3): the reason",
        file: "baselines/other.yaml",
        line: 9,
        column: null,
      },
      {
        code: "below-baseline",
        severity: "warning",
        message: "1 host below baseline 'web' (h3): the reason",
        file: "baselines/web.yaml",
        line: null,
        column: null,
      },
    ]);
  });

  it("five hosts are all named; the sixth only as '…'", () => {
    const five = new Map(["a", "b", "c", "d", "e"].map((h) => [h, [minV]]));
    expect(belowBaselineFindings(five).map((d) => d.message)).toEqual([
      "5 hosts below baseline 'web' (a, b, c, d, e): e.g. the reason",
    ]);
    const six = new Map(["a", "b", "c", "d", "e", "f"].map((h) => [h, [minV]]));
    expect(belowBaselineFindings(six).map((d) => d.message)).toEqual([
      "6 hosts below baseline 'web' (a, b, c, d, e, …): e.g. the reason",
    ]);
    expect(belowBaselineFinding(minV, 6, ["a"]).message).toBe("6 hosts below baseline 'web' (a, …): e.g. the reason");
    expect(belowBaselineFinding(minV, 5, ["a"]).message).toBe("5 hosts below baseline 'web' (a): e.g. the reason");
  });
});

describe("baselineRequirementFindings", () => {
  const entry = (decision: CatalogEntry["decision"], doc: boolean) =>
    ({ decision, doc: doc ? {} : null }) as unknown as CatalogEntry;

  it("a required id without an Update file, or pending or rejected, is a finding at its place in the list", () => {
    const catalog = new Map<string, CatalogEntry>([
      ["KB100", entry("approved", true)],
      ["KB200", entry("pending", true)],
      ["KB300", entry("rejected", true)],
      // A baseline's own pending entry has no file (and an approved one without a file is no approval either).
      ["KB400", entry("approved", false)],
    ]);
    const msg = (id: string, state: string) =>
      `baseline web requires ${id}, which ${state}: it deploys nothing until an Update file approves it`;
    const web = set.baselines.filter((b) => b.name === "web");
    expect(baselineRequirementFindings({ ...set, baselines: web }, catalog)).toEqual([
      // requiredUpdates: [KB100, kb200, KB300, KB400] on line 16: the items at columns 28, 35, 42.
      {
        code: "baseline-requirement-unapproved",
        severity: "warning",
        message: msg("KB200", "is pending"),
        file: "baselines/web.yaml",
        line: 16,
        column: 28,
      },
      {
        code: "baseline-requirement-unapproved",
        severity: "warning",
        message: msg("KB300", "is rejected"),
        file: "baselines/web.yaml",
        line: 16,
        column: 35,
      },
      {
        code: "baseline-requirement-unapproved",
        severity: "warning",
        message: msg("KB400", "has no Update file"),
        file: "baselines/web.yaml",
        line: 16,
        column: 42,
      },
    ]);
    // Not in the catalog at all.
    expect(baselineRequirementFindings({ ...set, baselines: web }, new Map()).map((d) => d.message)).toEqual([
      msg("KB100", "has no Update file"),
      msg("KB200", "has no Update file"),
      msg("KB300", "has no Update file"),
      msg("KB400", "has no Update file"),
    ]);
  });
});
