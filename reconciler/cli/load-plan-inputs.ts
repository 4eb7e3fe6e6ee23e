// The imperative shell shared by plan and explain: load and validate the policy, read the inventory, gather approvals.
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { decisionCommits } from "../git/decision-times.js";
import { InventoryReadError, readInventory } from "../inventory/read.js";
import type { InventoryFormat } from "../inventory/formats.js";
import type { ApprovalEvidence } from "../plan/catalog.js";
import type { ReconcileInput } from "../plan/reconcile.js";
import { validateSource } from "../validate/validate.js";
import { parseInstant } from "../schedule/wall-clock.js";
import { UsageError } from "./errors.js";
import { policySourceFor } from "./policy-source.js";

export interface PlanInputOptions {
  repo: string;
  ref?: string;
  inventory: string[];
  inventoryFormat?: string;
  scannedAt?: string;
  now: number;
  verifyApprovals: boolean;
}

export const VERIFICATION_UNAVAILABLE =
  "no verified CAB approval: GitHub review verification is not configured for this run (see the README's approval model; --no-verify-approvals trusts the files, for demos only)";

export async function loadPlanInputs(o: PlanInputOptions): Promise<{ input?: ReconcileInput; policyErrors: Diagnostic[]; inventoryDiagnostics: Diagnostic[] }> {
  const source = await policySourceFor(o.repo, o.ref);
  const { set, diagnostics } = await validateSource(source, o.now);
  if (hasErrors(diagnostics)) return { policyErrors: diagnostics.filter((d) => d.severity === "error"), inventoryDiagnostics: [] };
  if (o.scannedAt !== undefined && Number.isNaN(parseInstant(o.scannedAt))) throw new UsageError(`--scanned-at '${o.scannedAt}' is not an ISO-8601 instant`);
  const formats = ["auto", "native", "osquery", "hotfix-json", "hotfix-csv"];
  if (o.inventoryFormat && !formats.includes(o.inventoryFormat)) throw new UsageError(`--inventory-format must be one of ${formats.join(", ")}`);
  let inv;
  try {
    inv = await readInventory(o.inventory, { format: (o.inventoryFormat ?? "auto") as InventoryFormat | "auto", scannedAt: o.scannedAt });
  } catch (err) {
    if (err instanceof InventoryReadError) throw new UsageError(err.message);
    throw err;
  }
  const approvals = new Map<string, ApprovalEvidence>();
  if (source.revision) {
    const times = await decisionCommits(o.repo, o.ref ?? source.revision);
    for (const u of set.updates) {
      const t = times.get(u.file);
      if (t) approvals.set(u.spec.id.toUpperCase(), { at: t.at, evidence: `decision set in commit ${t.commit.slice(0, 12)}` });
    }
  }
  const unverified = new Map<string, string>();
  if (o.verifyApprovals) for (const u of set.updates) unverified.set(u.spec.id.toUpperCase(), VERIFICATION_UNAVAILABLE);
  return {
    input: { set, inventory: inv.inventory, now: o.now, approvals, verification: o.verifyApprovals ? "verified" : "off", unverified, revision: source.revision },
    policyErrors: [],
    inventoryDiagnostics: inv.diagnostics,
  };
}
