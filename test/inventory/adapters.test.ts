import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectFormat } from "../../reconciler/inventory/formats.js";
import { readInventory } from "../../reconciler/inventory/read.js";
import { FIXTURES } from "../helpers/repo.js";

const dir = join(FIXTURES, "inventory");
const summary = (r: Awaited<ReturnType<typeof readInventory>>) =>
  [...r.inventory.records.values()].map((h) => ({
    host: h.host,
    os: h.os,
    installed: [...h.installed],
    products: h.products,
    scannedAt: h.scannedAtText,
  }));

describe("inventory adapters", () => {
  it("osquery scheduled-query result logs (snapshot and differential lines)", async () => {
    const r = await readInventory([join(dir, "osquery-results.log")]);
    expect(r.diagnostics).toEqual([]);
    expect(summary(r)).toEqual([
      {
        host: "web-01",
        os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348" },
        installed: ["KB5034439", "KB5035857"],
        products: [{ name: "SQL Server 2016", version: "13.0.6300.2" }],
        scannedAt: "2026-12-10T04:00:00Z",
      },
    ]);
  });

  it("Get-HotFix | ConvertTo-Json, with a host lacking the OS columns reported as stale, not dropped", async () => {
    const r = await readInventory([join(dir, "hotfix.json")]);
    expect(summary(r)).toEqual([
      {
        host: "pay-app-01",
        os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2340" },
        installed: ["KB5035857", "KB890830"],
        products: [],
        scannedAt: "2026-12-10T04:00:00Z",
      },
    ]);
    expect(r.inventory.malformed.get("pay-app-02")?.reason).toMatch(/no OSVersion column/);
  });

  it("Get-HotFix | Export-Csv", async () => {
    const r = await readInventory([join(dir, "hotfix.csv")]);
    expect(summary(r)).toEqual([
      {
        host: "DC-01",
        os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2340" },
        installed: ["KB5035857", "KB890830"],
        products: [],
        scannedAt: "2026-12-10T04:00:00Z",
      },
    ]);
  });

  it("detects each format from its first bytes", () => {
    expect(detectFormat('{"host":"a","scannedAt":"x"}')).toBe("native");
    expect(detectFormat('[{"host":"a"}]')).toBe("native");
    expect(detectFormat('{"name":"pack_x","hostIdentifier":"a"}')).toBe("osquery");
    expect(detectFormat('[{"csname":"A","hotfix_id":"KB1"}]')).toBe("osquery");
    expect(detectFormat('[{"PSComputerName":"a","HotFixID":"KB1"}]')).toBe("hotfix-json");
    expect(detectFormat("#TYPE Selected.System\r\n")).toBe("hotfix-csv");
    expect(detectFormat("hello")).toBeNull();
  });
});

describe("osqueryi --json output", () => {
  it("reads the os_version, patches and programs arrays concatenated in one file, with --scanned-at", async () => {
    const r = await readInventory([join(dir, "osqueryi.json")], {
      format: "osquery",
      scannedAt: "2026-12-10T04:00:00Z",
    });
    expect(r.diagnostics).toEqual([]);
    expect(summary(r)).toEqual([
      {
        host: "PAY-SQL-09",
        os: { family: "windows", name: "Windows Server 2019", version: "10.0.17763" },
        installed: ["KB5034127"],
        products: [{ name: "SQL Server 2016", version: "13.0.6300.2" }],
        scannedAt: "2026-12-10T04:00:00Z",
      },
    ]);
  });

  it("without a scan time the host is reported and kept as stale", async () => {
    const r = await readInventory([join(dir, "osqueryi.json")], { format: "osquery" });
    expect(r.inventory.malformed.get("pay-sql-09")?.reason).toMatch(/carries no scan time; pass --scanned-at/);
  });
});
