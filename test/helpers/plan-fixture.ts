// In-memory builders for scenario tests that need the core, not the CLI: a policy from a fixture folder with files
// laid over it, an inventory from records, and the plan — no git repository, no child process, no files written.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Diagnostic } from "../../reconciler/diagnostics.js";
import { fromNative, type Inventory } from "../../reconciler/inventory/host-record.js";
import type { PolicySet } from "../../reconciler/load/policy-set.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import { reconcile, type ReconcileInput, type ReconcileResult } from "../../reconciler/plan/reconcile.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { memorySource } from "./memory-source.js";
import { FIXTURES } from "./repo.js";

/** Every file of a fixture folder (test/fixtures/<name>), by repository path. */
export function fixtureFiles(name: string): Record<string, string> {
  const root = join(FIXTURES, name);
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(root, full).split("\\").join("/")] = readFileSync(full, "utf8");
    }
  };
  walk(root);
  return out;
}

/** A scanned Windows host, with what a test does not care about filled in. */
export function hostRecord(host: string, over: Partial<InventoryRecord> = {}): InventoryRecord {
  return {
    host,
    scannedAt: "2026-12-10T04:00:00Z",
    os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
    installed: [],
    pendingReboot: false,
    products: [],
    features: [],
    ...over,
  };
}

export function inventoryOf(records: readonly InventoryRecord[]): Inventory {
  const inv: Inventory = { records: new Map(), malformed: new Map() };
  records.forEach((r, i) => inv.records.set(r.host, fromNative(r, `memory:${i + 1}`)));
  return inv;
}

export interface PlanFixture {
  /** A fixture folder under test/fixtures (default: minimal), null for none. */
  base?: string | null;
  /** Files laid over it (null deletes one). */
  files?: Record<string, string | null>;
  hosts: readonly InventoryRecord[] | Inventory;
  now: string;
  /** Anything else of the reconcile's input (approvals, results, verification). */
  input?: Partial<ReconcileInput>;
}

/** Validates the policy (its errors fail the test with their codes) and plans it, all in memory. */
export async function planFixture(
  f: PlanFixture,
): Promise<ReconcileResult & { set: PolicySet; diagnostics: Diagnostic[] }> {
  const files: Record<string, string> = f.base === null ? {} : fixtureFiles(f.base ?? "minimal");
  for (const [path, text] of Object.entries(f.files ?? {})) {
    if (text === null) delete files[path];
    else files[path] = text;
  }
  const now = Date.parse(f.now);
  const { set, diagnostics } = await validateSource(memorySource(files), now);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length)
    throw new Error(`fixture policy invalid: ${errors.map((e) => `${e.code} ${e.file}: ${e.message}`).join("; ")}`);
  const inventory = "records" in f.hosts ? f.hosts : inventoryOf(f.hosts as readonly InventoryRecord[]);
  const result = reconcile({
    set,
    inventory,
    now,
    approvals: new Map(),
    verification: "off",
    unverified: new Map(),
    revision: null,
    ...f.input,
  });
  return { ...result, set, diagnostics };
}
