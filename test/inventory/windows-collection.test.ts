import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InventoryReadError, readInventory } from "../../reconciler/inventory/read.js";
import { InventoryRecord } from "../../reconciler/model/inventory.js";
import { cli, FIXTURES, ROOT, tempRepo } from "../helpers/repo.js";

const dir = join(FIXTURES, "inventory");

describe("Windows collection", () => {
  it("refuses the real PSWindowsUpdate Get-WindowsUpdate -IsInstalled table, naming the collector to use", async () => {
    const file = join(dir, "pswindowsupdate-get-windowsupdate-isinstalled-win11-24h2-2025-03.txt");
    const err = await readInventory([file]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InventoryReadError);
    expect((err as Error).message).toMatch(/PSWindowsUpdate's Get-WindowsUpdate table, formatted for the screen/);
    expect((err as Error).message).toContain("deploy/collect/windows.ps1");
    // Forcing a format does not make it readable: it is still refused, never read as zero records.
    const forced = await readInventory([file], { format: "hotfix-csv" }).catch((e: unknown) => e);
    expect(forced).toBeInstanceOf(InventoryReadError);
  });

  it("refuses Get-HotFix's default screen table from Microsoft's documentation", async () => {
    const err = await readInventory([join(dir, "get-hotfix-docs-example.txt")]).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/Get-HotFix's default table/);
  });

  it("plan exits 2 with the reason and no stack trace", async () => {
    const repo = await tempRepo("example");
    const r = await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      join(dir, "pswindowsupdate-get-windowsupdate-isinstalled-win11-24h2-2025-03.txt"),
      "--now",
      "2026-12-10T09:00:00Z",
      "--no-verify-approvals",
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("deploy/collect/windows.ps1");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("the shipped collector emits exactly the native record's fields, from QFE, the WUA and its history", async () => {
    // windows.ps1 runs the functions of PatchopsCollector.psm1; New-PatchopsRecord writes the record's fields.
    const script =
      (await readFile(join(ROOT, "deploy/collect/windows.ps1"), "utf8")) +
      (await readFile(join(ROOT, "deploy/collect/PatchopsCollector.psm1"), "utf8"));
    const block = /function New-PatchopsRecord \{([\s\S]*?)\n\}/.exec(script)![1]!;
    const keys = [
      ...new Set([...block.matchAll(/\$record(?:\['(\w+)'\]| = \[ordered\]@\{ (\w+) =)/g)].map((m) => m[1] ?? m[2])),
    ];
    // Every field the schema knows except pendingRebootUpdates (Windows does not say which update awaits the restart),
    // the agent-scan fields included (fqdn, agentScan, scanErrors; docs/collectors.md). The Pester suite asserts the
    // exact lines (test/deploy/collector.test.ts).
    expect(keys.sort()).toEqual(
      [...new Set([...Object.keys(InventoryRecord.shape), "fqdn", "agentScan", "scanErrors"])]
        // labels, role and cluster come from a CMDB for assignment selectors, not from the host; the package
        // fields are Linux's (patchops inventory convert).
        .filter(
          (k) =>
            ![
              "pendingRebootUpdates",
              "labels",
              "role",
              "cluster",
              "packageFormat",
              "packages",
              "repos",
              "availableUpdates",
            ].includes(k),
        )
        .sort(),
    );
    expect(script).toContain("Win32_QuickFixEngineering");
    expect(script).toContain("New-Object -ComObject Microsoft.Update.Session");
    expect(script).toContain("$searcher.QueryHistory(0, $count)");
    expect(script).toContain("Uninstall");
  });
});
