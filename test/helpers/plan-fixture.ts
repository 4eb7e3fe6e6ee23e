// In-memory builders for scenario tests that need the core, not the CLI: a policy from a fixture folder with files
// laid over it, an inventory from records, and the plan — no git repository, no child process, no files written.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { Readable } from "node:stream";
import type { Diagnostic } from "../../reconciler/diagnostics.js";
import { fromNative, type Inventory } from "../../reconciler/inventory/host-record.js";
import type { InventoryFormat } from "../../reconciler/inventory/formats.js";
import { readInventory } from "../../reconciler/inventory/read.js";
import type { PolicySet } from "../../reconciler/load/policy-set.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import type { HostResult } from "../../reconciler/model/plan.js";
import { planFileTexts } from "../../reconciler/output/plan-files.js";
import type { ApprovalEvidence } from "../../reconciler/plan/catalog.js";
import { reconcile, type ReconcileInput, type ReconcileResult } from "../../reconciler/plan/reconcile.js";
import { PlanDigest } from "../../reconciler/report/plan-digest.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { planSummaryOf } from "../../reconciler/views/plan-summary.js";
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
  /**
   * When each Update file's `decision: approved` was set (file → instant): what the CLI reads from git history with
   * approval verification off (git/decision-times.ts), given here as approval evidence.
   */
  approvedAt?: Readonly<Record<string, number>>;
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
  const approvals = new Map<string, ApprovalEvidence>();
  for (const u of set.updates) {
    const at = f.approvedAt?.[u.file];
    if (at !== undefined)
      approvals.set(u.spec.id.toUpperCase(), { at, evidence: `decision set at ${new Date(at).toISOString()}` });
  }
  const result = reconcile({
    set,
    inventory,
    now,
    approvals,
    verification: "off",
    unverified: new Map(),
    revision: null,
    ...f.input,
  });
  return { ...result, set, diagnostics };
}

/** An inventory from JSON Lines text, read by the real reader (as from standard input), with its diagnostics. */
export async function readInventoryText(
  text: string,
  format?: InventoryFormat,
): Promise<{ inventory: Inventory; diagnostics: Diagnostic[] }> {
  return readInventory(["-"], { stdin: Readable.from([Buffer.from(text)]), format });
}

/** Host lines by name, as tests look them up. */
export function byHost(hosts: readonly HostResult[]): Map<string, HostResult> {
  return new Map(hosts.map((h) => [h.host, h]));
}

/** The summary `patchops plan` prints for a plan (the same view over the same digest). */
export function planSummaryText(r: Pick<ReconcileResult, "plan" | "hosts" | "jobs">, outDir = "out/plan"): string {
  const digest = new PlanDigest();
  for (const h of r.hosts) digest.addHost(h);
  for (const j of r.jobs) digest.addJob(j);
  return planSummaryOf(r.plan, digest, "text", outDir);
}

/** Writes an in-memory plan as `patchops plan` would (plan.json, hosts.ndjson, jobs.ndjson), for commands that read one. */
export async function writePlanFiles(
  r: Pick<ReconcileResult, "plan" | "hosts" | "jobs">,
  dir: string,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of planFileTexts(r.plan, r.hosts, r.jobs)) await writeFile(join(dir, name), text);
  return dir;
}

/** A plan made in memory, as its three files' lines: plan.json (compact), then hosts, then jobs, in file order. */
export function planLines(
  input: Pick<ReconcileInput, "set" | "inventory" | "now"> & Partial<ReconcileInput>,
): string[] {
  const r = reconcile({
    approvals: new Map(),
    verification: "off",
    unverified: new Map(),
    revision: null,
    ...input,
  });
  return [JSON.stringify(r.plan), ...r.hosts.map((h) => JSON.stringify(h)), ...r.jobs.map((j) => JSON.stringify(j))];
}
