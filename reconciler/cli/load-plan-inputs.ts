// The imperative shell shared by plan and explain: load and validate the policy, read the inventory, gather approvals.
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { decisionCommits } from "../git/decision-times.js";
import { headRevision } from "../git/ref-source.js";
import { policyHistory } from "../git/history.js";
import { effectiveDecision } from "../policy/decision.js";
import { InventoryReadError, readInventory } from "../inventory/read.js";
import { INVENTORY_FORMATS, type InventoryFormat } from "../inventory/formats.js";
import type { ApprovalEvidence } from "../plan/catalog.js";
import type { ReconcileInput } from "../plan/reconcile.js";
import { validateSource } from "../validate/validate.js";
import { parseInstant } from "../schedule/wall-clock.js";
import { UsageError } from "../errors.js";
import { ReviewCache } from "../approvals/cache.js";
import { verifyApprovals, type VerificationResult } from "../approvals/verify.js";
import type { GithubClient } from "../github/client.js";
import { policySourceFor } from "./policy-source.js";

export interface PlanInputOptions {
  repo: string;
  ref?: string;
  inventory: string[];
  inventoryFormat?: string;
  scannedAt?: string;
  now: number;
  verifyApprovals: boolean;
  trustLocalApprovals?: boolean;
  github?: GithubClient | null;
  cacheDir?: string | null;
}

export interface LoadedPlanInputs {
  input?: ReconcileInput;
  policyErrors: Diagnostic[];
  inventoryDiagnostics: Diagnostic[];
  verification?: VerificationResult;
}

export async function loadPlanInputs(o: PlanInputOptions): Promise<LoadedPlanInputs> {
  // With verification on, the policy is read at a commit (HEAD by default): uncommitted files carry no approval.
  const ref = o.ref ?? (o.verifyApprovals && (await headRevision(o.repo)) ? "HEAD" : undefined);
  const source = await policySourceFor(o.repo, ref);
  const { set, diagnostics } = await validateSource(source, o.now);
  if (hasErrors(diagnostics))
    return { policyErrors: diagnostics.filter((d) => d.severity === "error"), inventoryDiagnostics: [] };
  if (o.scannedAt !== undefined && Number.isNaN(parseInstant(o.scannedAt)))
    throw new UsageError(`--scanned-at '${o.scannedAt}' is not an ISO-8601 instant`);
  const formats = ["auto", ...INVENTORY_FORMATS];
  if (o.inventoryFormat && !formats.includes(o.inventoryFormat))
    throw new UsageError(`--inventory-format must be one of ${formats.join(", ")}`);
  let inv;
  try {
    inv = await readInventory(o.inventory, {
      format: (o.inventoryFormat ?? "auto") as InventoryFormat | "auto",
      scannedAt: o.scannedAt,
    });
  } catch (err) {
    if (err instanceof InventoryReadError) throw new UsageError(err.message);
    throw err;
  }
  const approvals = new Map<string, ApprovalEvidence>();
  const unverified = new Map<string, string>();
  const unverifiedAssignments = new Map<string, string>();
  let verification: VerificationResult | undefined;
  let mode: ReconcileInput["verification"] = "off";
  if (o.verifyApprovals && !source.revision) {
    mode = "verified";
    for (const u of set.updates)
      unverified.set(
        u.spec.id.toUpperCase(),
        `${o.repo} is not a git repository with commits, so no approval can be verified`,
      );
  } else if (o.verifyApprovals && source.revision) {
    verification = await verifyApprovals({
      repo: o.repo,
      ref: source.revision,
      set,
      now: o.now,
      github: o.github ?? null,
      trustLocal: o.trustLocalApprovals ?? false,
      cache: await ReviewCache.open(o.cacheDir ?? null),
    });
    mode = [...verification.updates.values(), ...verification.rules.values()].some((v) => v.strength === "trailer")
      ? "trusted-local"
      : "verified";
    for (const u of set.updates) {
      const id = u.spec.id.toUpperCase();
      const v = verification.updates.get(id);
      if (!v) continue;
      if (v.ok) approvals.set(id, { at: v.effectiveAt ?? 0, evidence: v.reason });
      else unverified.set(id, v.reason);
    }
    for (const [file, v] of verification.assignments) if (!v.ok) unverifiedAssignments.set(file, v.reason);
  } else if (source.revision) {
    const times = await decisionCommits(o.repo, ref ?? source.revision);
    const history = set.rules.length > 0 ? await policyHistory(o.repo, ref ?? source.revision) : null;
    for (const u of set.updates) {
      const t = times.get(u.file);
      if (t)
        approvals.set(u.spec.id.toUpperCase(), {
          at: t.at,
          evidence: `decision set in commit ${t.commit.slice(0, 12)}`,
        });
      else if (!u.spec.decision && history) {
        // Under a rule, the approval cannot take effect before the rule (or the catalog entry) was committed.
        const d = effectiveDecision(u.spec, set.rules, o.now);
        const ruleSha = d.rule ? history.byFile.get(d.rule.file)?.[0] : undefined;
        const entrySha = history.byFile.get(u.file)?.[0];
        const at = Math.max(...[ruleSha, entrySha].map((sha) => (sha ? (history.commits.get(sha)?.time ?? 0) : 0)));
        if (at > 0 && d.rule)
          approvals.set(u.spec.id.toUpperCase(), {
            at,
            evidence: `rule ${d.rule.name} committed in ${ruleSha?.slice(0, 12)}`,
          });
      }
    }
  }
  return {
    input: {
      set,
      inventory: inv.inventory,
      now: o.now,
      approvals,
      verification: mode,
      unverified,
      unverifiedAssignments,
      revision: source.revision,
    },
    policyErrors: [],
    inventoryDiagnostics: inv.diagnostics,
    verification,
  };
}
