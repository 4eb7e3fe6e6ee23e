// The application layer's loader shared by plan, explain and diff: load and validate the policy, read the inventory,
// gather approvals. A caller that plans twice (diff) reads the inventory once and hands it in.
import { createHash } from "node:crypto";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import { decisionCommits } from "../git/decision-times.js";
import { headRevision } from "../git/ref-source.js";
import { policyHistory } from "../git/history.js";
import { effectiveDecision } from "../policy/decision.js";
import { InventoryReadError, readInventory } from "../inventory/read.js";
import { INVENTORY_FORMATS, type InventoryFormat } from "../inventory/formats.js";
import type { ApprovalEvidence } from "../plan/catalog.js";
import type { ReconcileInput } from "../plan/reconcile.js";
import { atPlanTime, validateSource } from "../validate/validate.js";
import { parseInstant } from "../schedule/wall-clock.js";
import { UsageError } from "../errors.js";
import { applyVerification } from "../approvals/effects.js";
import { verifyApprovals, type VerificationResult } from "../approvals/verify.js";
import { teamFindings } from "../approvals/teams.js";
import { diagnostic } from "../diagnostics.js";
import { openReviewCache } from "./review-cache.js";
import { protectionGaps } from "../approvals/protection.js";

/** The branch-protection settings the approval model relies on, as warning findings. */
async function protectionFindings(github: GithubClient, branch: string, set: PolicySet): Promise<Diagnostic[]> {
  let gaps: string[];
  try {
    gaps = protectionGaps(branch, await github.branchProtection(branch), set.cab!.spec);
  } catch (err) {
    gaps = [`the protection of branch ${branch} could not be read (${(err as Error).message})`];
  }
  return gaps.map((g) => diagnostic("branch-protection", "warning", g));
}
import type { GithubClient } from "../github/client.js";
import type { PolicySet } from "../model/policy-set.js";
import { overlaySource, type PolicySource } from "../load/source.js";
import { policySourceFor } from "./policy-source.js";
import { ITEM_LOAD_ERRORS } from "../load/policy-set.js";
import { readResults, ResultsReadError } from "../results/read.js";
import { offersSeen, pilotPasses, readTrustedSnapshots, type TrustedHistory } from "../git/status-history.js";
import { statusKeyFromEnv } from "../git/status-branch.js";

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
  /** Where reviews are cached (default: outside the checkout, see review-cache.ts). */
  cacheDir?: string;
  /** The CAB trust root commit (default: the first commit of cab.yaml). */
  cabRoot?: string | null;
  /** The branch whose protection settings are checked (default main). */
  protectedBranch?: string;
  /** Warnings for stderr (a refused cache file). */
  warn?: (text: string) => void;
  /** Job results files (--results). */
  results?: string[];
  /** The status branch whose snapshots record earlier pilot successes; null reads none. */
  statusHistory?: string | null;
  /** The key status snapshots are sealed with; default: PATCHOPS_STATUS_KEY. Only sealed snapshots are evidence. */
  statusKey?: string | null;
  /**
   * Streaming: hold the inventory as summaries and read each host's line again when it is planned (`plan`). The
   * caller disposes of `input.inventory` when the plan is written.
   */
  summaries?: boolean;
  /** With `summaries`: the bytes pass one may hold hosts' update ids in (`readInventory`'s `storeBytes`). */
  storeBytes?: number;
  /** The hosts wanted, given the validated policy (lower-case names): JSON Lines of others are skipped unread. */
  only?: (set: PolicySet) => ReadonlySet<string> | undefined;
  /** The policy digest a written plan for this same instant recorded: that policy passed the cross-file rules. */
  validatedPolicy?: string;
}

/** Inputs already read by the caller: the inventory (diff plans both sides against one read), a validated policy. */
export interface Preloaded {
  inventory?: InventoryRead;
  policy?: { source: PolicySource; set: PolicySet; diagnostics: Diagnostic[] };
}

export type InventoryRead = Awaited<ReturnType<typeof readInventory>>;

/** Reads the inventory files once, with the options' format and scan instant; a bad file is a usage error. */
export async function readPlanInventory(o: {
  inventory: string[];
  inventoryFormat?: string;
  scannedAt?: string;
  summaries?: boolean;
  storeBytes?: number;
  only?: ReadonlySet<string>;
  now?: number;
}): Promise<InventoryRead> {
  if (o.scannedAt !== undefined && Number.isNaN(parseInstant(o.scannedAt)))
    throw new UsageError(`--scanned-at '${o.scannedAt}' is not an ISO-8601 instant`);
  const formats = ["auto", ...INVENTORY_FORMATS];
  if (o.inventoryFormat && !formats.includes(o.inventoryFormat))
    throw new UsageError(`--inventory-format must be one of ${formats.join(", ")}`);
  try {
    return await readInventory(o.inventory, {
      format: (o.inventoryFormat ?? "auto") as InventoryFormat | "auto",
      scannedAt: o.scannedAt,
      summaries: o.summaries,
      storeBytes: o.storeBytes,
      only: o.only,
      now: o.now,
    });
  } catch (err) {
    if (err instanceof InventoryReadError) throw new UsageError(err.message);
    throw err;
  }
}

export interface LoadedPlanInputs {
  input?: ReconcileInput;
  policyErrors: Diagnostic[];
  inventoryDiagnostics: Diagnostic[];
  verification?: VerificationResult;
}

/** Loads the policy again with restored files laid over it (null drops a file); the first error when it no longer validates. */
export function restoreWith(source: PolicySource, now: number) {
  return async (files: ReadonlyMap<string, string | null>): Promise<PolicySet | string> => {
    const { set, diagnostics } = await validateSource(overlaySource(source, files), now);
    const error = atPlanTime(diagnostics).find((d) => d.severity === "error" && !ITEM_LOAD_ERRORS.has(d.code));
    return error ? `with it restored, the policy does not validate (${error.file ?? ""}: ${error.message})` : set;
  };
}

export async function loadPlanInputs(o: PlanInputOptions, pre: Preloaded = {}): Promise<LoadedPlanInputs> {
  // With verification on, the policy is read at a commit (HEAD by default): uncommitted files carry no approval.
  const ref = o.ref ?? (o.verifyApprovals && (await headRevision(o.repo)) ? "HEAD" : undefined);
  const source = pre.policy?.source ?? (await policySourceFor(o.repo, ref));
  const checked = pre.policy ?? (await validateSource(source, o.now, o.validatedPolicy));
  const { set } = checked;
  const diagnostics = atPlanTime(checked.diagnostics);
  // A refused link is its own file's error: reported as a finding, everything else is planned.
  const itemErrors = diagnostics.filter((d) => d.severity === "error" && ITEM_LOAD_ERRORS.has(d.code));
  if (hasErrors(diagnostics.filter((d) => !itemErrors.includes(d))))
    return { policyErrors: diagnostics.filter((d) => d.severity === "error"), inventoryDiagnostics: [] };
  const inv = pre.inventory ?? (await readPlanInventory({ ...o, only: o.only?.(set) }));
  try {
    // A cluster overlap is planned around (cluster-held), and reported with the plan's findings.
    const carried = diagnostics.filter((d) => d.code === "cluster-overlap");
    const loaded = await withInventory(o, ref, source, set, inv, carried);
    if (loaded.input && itemErrors.length)
      loaded.input = { ...loaded.input, approvalFindings: [...itemErrors, ...(loaded.input.approvalFindings ?? [])] };
    return loaded;
  } catch (err) {
    // A streaming inventory holds open files (and maybe a spooled copy of stdin): nothing is left behind on failure.
    if (!pre.inventory) inv.inventory.dispose?.();
    throw err;
  }
}

async function withInventory(
  o: PlanInputOptions,
  ref: string | undefined,
  source: PolicySource,
  set: PolicySet,
  inv: InventoryRead,
  policyFindings: readonly Diagnostic[] = [],
): Promise<LoadedPlanInputs> {
  let results;
  try {
    results = await readResults(o.results ?? []);
  } catch (err) {
    if (err instanceof ResultsReadError) throw new UsageError(err.message);
    throw err;
  }
  let approvals = new Map<string, ApprovalEvidence>();
  let unverified = new Map<string, string>();
  let unverifiedAssignments = new Map<string, string>();
  let approvalFindings: Diagnostic[] = [];
  let planned = set;
  const verifiedRules = new Map<string, number>();
  let verification: VerificationResult | undefined;
  let mode: ReconcileInput["verification"] = "off";
  if (o.verifyApprovals && !source.revision) {
    mode = "verified";
    const why = `${o.repo} is not a git repository with commits, so no approval can be verified`;
    for (const u of set.updates) unverified.set(u.spec.id.toUpperCase(), why);
    approvalFindings.push(diagnostic("approval-unverified", "error", why));
  } else if (o.verifyApprovals && source.revision) {
    verification = await verifyApprovals({
      repo: o.repo,
      ref: source.revision,
      set,
      now: o.now,
      github: o.github ?? null,
      trustLocal: o.trustLocalApprovals ?? false,
      cache: await openReviewCache(o.repo, o.cacheDir, o.github ?? null, o.warn ?? (() => {})),
      cabRoot: o.cabRoot ?? null,
      protectedBranch: o.protectedBranch ?? "main",
      restore: restoreWith(source, o.now),
    });
    mode = [...verification.files.values()].some((v) => v.strength === "trailer") ? "trusted-local" : "verified";
    const applied = applyVerification(verification.set, verification);
    ({ approvals, unverified, findings: approvalFindings, set: planned } = applied);
    unverifiedAssignments = applied.blockedAssignments;
    if (o.github && set.cab)
      approvalFindings.push(...(await protectionFindings(o.github, o.protectedBranch ?? "main", set)));
    approvalFindings.push(...teamFindings(set, o.github ?? null));
    if (!o.cabRoot && verification.cabRoot)
      approvalFindings.push(
        diagnostic(
          "cab-root-unpinned",
          "warning",
          `no CAB trust root is pinned: ${verification.cabRoot.slice(0, 12)}, the first commit of policies/cab.yaml, is trusted on first use; pin it with --cab-root or PATCHOPS_CAB_ROOT`,
        ),
      );
    if (mode === "trusted-local")
      approvalFindings.push(
        diagnostic(
          "trust-local-approvals",
          "warning",
          "approvals were accepted from Approved-by: trailers, which anyone who can commit can forge: for air-gapped demos only",
        ),
      );
    for (const [name, v] of verification.rules) if (v.ok) verifiedRules.set(name, v.effectiveAt ?? 0);
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
  const history = o.statusHistory
    ? await readTrustedSnapshots(o.repo, o.statusHistory, o.statusKey === undefined ? statusKeyFromEnv() : o.statusKey)
    : null;
  const snapshots = history?.trusted ?? [];
  const pilotPassed = pilotPasses(snapshots, o.now);
  const seen = offersSeen(snapshots, o.now);
  const ignoredEvidence = history ? ignoredSnapshotFinding(history, o.statusHistory!, o.now) : null;
  if (ignoredEvidence) approvalFindings = [...approvalFindings, ignoredEvidence];
  if (policyFindings.length) approvalFindings = [...policyFindings, ...approvalFindings];
  return {
    input: {
      set: planned,
      inventory: inv.inventory,
      now: o.now,
      approvals,
      verification: mode,
      unverified,
      unverifiedAssignments,
      verifiedRules,
      approvalFindings,
      revision: source.revision,
      inputs: {
        policy: set.source.digest,
        inventory: inv.inventory.digest ?? "",
        applied: appliedDigest(planned, mode),
        results: sha256(
          JSON.stringify({
            results: results.results,
            pilotPassed: [...pilotPassed].sort(),
            ...(seen.size > 0 ? { offersSeen: [...seen].sort() } : {}),
          }),
        ),
      },
      results: results.results,
      pilotPassed,
      offersSeen: seen,
    },
    policyErrors: [],
    inventoryDiagnostics: [...inv.diagnostics, ...results.diagnostics],
    verification,
  };
}

/**
 * One warning when the status branch holds snapshots that would have counted (a pilot success, a first sighting of
 * a scanned upgrade) but are not sealed with the key: the plan goes on without them (fail closed for those updates).
 */
function ignoredSnapshotFinding(history: TrustedHistory, branch: string, now: number): Diagnostic | null {
  const relevant = history.ignored.filter(
    (i) =>
      Date.parse(i.snapshot.now) <= now &&
      Object.entries(i.snapshot.updates).some(([id, u]) => u.pilot?.state === "passed" || id.includes("=")),
  );
  if (relevant.length === 0) return null;
  const first = relevant[0]!;
  const more = relevant.length > 1 ? ` (and ${relevant.length - 1} more)` : "";
  return diagnostic(
    "status-snapshot-untrusted",
    "warning",
    `${branch}:${first.file}${more}: not used as evidence of a pilot success or of when an upgrade was first offered: ${first.reason}; only snapshots sealed by status record with PATCHOPS_STATUS_KEY count`,
  );
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * The policy as planned: what approval verification kept (unverified baselines and exemptions are dropped) or restored
 * (an unapproved deletion or change), under which mode. The reference collection depends on it.
 */
function appliedDigest(planned: PolicySet, mode: ReconcileInput["verification"]): string {
  const docs = [
    planned.policy,
    planned.cab,
    ...planned.updates,
    ...planned.rules,
    ...planned.exemptions,
    ...planned.baselines,
    ...planned.timetables,
    ...planned.assignments,
  ]
    .flatMap((d) => (d ? [`${d.kind}\t${d.file}`] : []))
    .sort();
  return sha256(JSON.stringify({ mode, source: planned.source.digest, docs }));
}
