// The catalog: every update the policy knows, with its effective decision, timeline, approval instant and supersedence.
import { pushTo } from "../multimap.js";
import type { LoadedDoc, PolicySet } from "../model/policy-set.js";
import type { PatchPolicySpec } from "../model/policy.js";
import type { UpdateSpec } from "../model/update.js";
import { UpdateSpec as UpdateSpecSchema } from "../model/update.js";
import { effectiveDecision, effectiveTimeline, releasedAt } from "../policy/decision.js";

export interface ApprovalEvidence {
  /** When the approval took effect (the merge of the change that set the decision). */
  at: number;
  /** Where the evidence comes from, e.g. "commit 1a2b3c4 (PR #12, approved by …)". */
  evidence: string;
  /** The reviewed change that added the file's `pilot: {override: proceed}`, when it has one. */
  override?: {
    commit: string;
    pull: number | null;
    author: string | null;
    approvers: string[];
    at: string | null;
    reason: string;
  };
}

export interface CatalogEntry {
  id: string;
  spec: UpdateSpec;
  /** The Update file, or null for an id a baseline requires without one. */
  doc: LoadedDoc<UpdateSpec> | null;
  decision: "approved" | "rejected" | "pending";
  decidedBy: string | null;
  /** The decision's file: the Update file or the approving rule. */
  decisionFile: string | null;
  /** Where the decision stands, as file:line. */
  decisionAt: string | null;
  pendingNote: string | null;
  timeline: "emergency" | "standard";
  approvedAt: number | null;
  approvedEvidence: string | null;
  /** Why an approval could not be verified; an unverified update gets no jobs. */
  unverified: string | null;
  /** Every update that supersedes this one, directly or transitively (upper-case ids). */
  supersededBy: Set<string>;
  /** Every update this one supersedes, directly or transitively. */
  supersedesAll: Set<string>;
  /** Some approved update supersedes this one. */
  supersededByApproved: boolean;
  requires: string[];
  /** Made from update agents' reports (no Update file): it concerns only hosts whose own agent lists it. */
  agentReported?: boolean;
  /** The reviewed change that added `pilot: {override: proceed}` (verified plans only). */
  override?: ApprovalEvidence["override"];
}

export interface CatalogInput {
  set: PolicySet;
  now: number;
  approvals: ReadonlyMap<string, ApprovalEvidence>;
  /** When verification is on, ids whose approval was not verified, with the reason. */
  unverified: ReadonlyMap<string, string>;
}

export function lineOf(l: { file: string; line: number | null }): string {
  return l.line ? `${l.file}:${l.line}` : l.file;
}

export function buildCatalog({ set, now, approvals, unverified }: CatalogInput): Map<string, CatalogEntry> {
  const policy = set.policy!.spec;
  const catalog = new Map<string, CatalogEntry>();
  for (const doc of set.updates) {
    const id = doc.spec.id.toUpperCase();
    if (catalog.has(id)) continue;
    const d = effectiveDecision(doc.spec, set.rules, now, policy.nonPatchClasses);
    const evidence = approvals.get(id);
    let approvedAt: number | null = null;
    if (d.decision === "approved") {
      // An approval cannot take effect before the update exists.
      approvedAt = Math.max(releasedAt(doc.spec), evidence?.at ?? 0, d.approvableAt ?? 0);
    }
    // An unverified file is not applied beyond its decision: an approved one gets no jobs, and its supersedence,
    // prerequisites and removal count only once it is verified (an unverified superseder covers nothing).
    const why = unverified.get(id) ?? null;
    const spec = why ? { ...doc.spec, supersedes: [], requires: [], remove: false } : doc.spec;
    catalog.set(id, {
      id,
      spec,
      doc,
      decision: d.decision,
      decidedBy: d.decidedBy,
      decisionFile: d.decidedBy === "file" ? doc.file : (d.rule?.file ?? null),
      decisionAt:
        d.decidedBy === "file" ? lineOf(doc.at(["spec", "decision"])) : d.rule ? lineOf(d.rule.at(["spec"])) : null,
      pendingNote: d.note,
      timeline: effectiveTimeline(doc.spec, policy, d.decision === "approved" ? (d.rule?.spec ?? null) : null),
      approvedAt,
      approvedEvidence:
        evidence?.evidence ?? (d.decidedBy?.startsWith("rule:") ? `rule ${d.rule!.name} (${d.rule!.file})` : null),
      unverified: why,
      ...(evidence?.override ? { override: evidence.override } : {}),
      supersededBy: new Set(),
      supersedesAll: new Set(),
      supersededByApproved: false,
      requires: spec.requires.map((r) => r.toUpperCase()),
    });
  }
  // An id a baseline requires without an Update file is known but pending: only an approved Update file deploys it.
  for (const b of set.baselines) {
    for (const raw of b.spec.requiredUpdates) {
      const id = raw.toUpperCase();
      if (catalog.has(id)) continue;
      const spec = UpdateSpecSchema.parse({
        id: raw,
        title: `${raw} (required by baseline ${b.name})`,
        classification: "update",
        released: b.spec.revision,
        pilot: false,
      });
      catalog.set(id, {
        id,
        spec,
        doc: null,
        decision: "pending",
        decidedBy: null,
        decisionFile: b.file,
        decisionAt: lineOf(b.at(["spec", "requiredUpdates", b.spec.requiredUpdates.indexOf(raw)])),
        pendingNote: `required by baseline ${b.name}, but no Update file approves it`,
        timeline: "standard",
        approvedAt: null,
        approvedEvidence: null,
        unverified: null,
        supersededBy: new Set(),
        supersedesAll: new Set(),
        supersededByApproved: false,
        requires: [],
      });
    }
  }
  // Transitive closure of "is superseded by", indexed once.
  const direct = new Map<string, string[]>();
  for (const e of catalog.values()) for (const old of e.spec.supersedes) pushTo(direct, old.toUpperCase(), e.id);
  const closure = (id: string, seen: Set<string>): Set<string> => {
    for (const s of direct.get(id) ?? []) {
      if (seen.has(s)) continue;
      seen.add(s);
      closure(s, seen);
    }
    return seen;
  };
  for (const e of catalog.values()) e.supersededBy = closure(e.id, new Set());
  for (const e of catalog.values()) {
    for (const s of e.supersededBy) catalog.get(s)?.supersedesAll.add(e.id);
    e.supersededByApproved = [...e.supersededBy].some((s) => catalog.get(s)?.decision === "approved");
  }
  return catalog;
}

/** Supersedence also covers ids the policy never described (an installed KB9 that supersedes KB8). */
export function supersedersOf(catalog: Map<string, CatalogEntry>, id: string): Set<string> {
  return catalog.get(id)?.supersededBy ?? new Set();
}

/** How a rule-decided entry that only scans report (no Update file) differs between sources. */
export interface ScannedEntryFacts {
  /** The earliest instant the approval may take effect beyond the rule's delay (e.g. patchops' first sighting). */
  notBefore: number;
  /** Why the rule's delay counts from where it does, for the evidence line ("days after …"). */
  delayFrom: string;
  /** The pending note when no rule decides. */
  pendingNote: string | null;
  nonPatchClasses?: PatchPolicySpec["nonPatchClasses"];
}

/**
 * A catalog entry for an update that host scans report and no Update file names (a Linux offer, an agent-reported
 * KB): the rules decide, and a rule the CAB did not approve approves nothing.
 */
export function scannedEntry(
  id: string,
  spec: UpdateSpec,
  { set, now, verifiedRules }: { set: PolicySet; now: number; verifiedRules: ReadonlyMap<string, number> | null },
  facts: ScannedEntryFacts,
): CatalogEntry {
  const policy = set.policy!.spec;
  const d = effectiveDecision(spec, set.rules, now, facts.nonPatchClasses);
  const ruleAt = d.rule && verifiedRules ? verifiedRules.get(d.rule.name) : undefined;
  return {
    id,
    spec,
    doc: null,
    decision: d.decision,
    decidedBy: d.decidedBy,
    decisionFile: d.rule?.file ?? null,
    decisionAt: d.rule ? lineOf(d.rule.at(["spec"])) : null,
    pendingNote: d.note ?? (d.decision === "pending" ? facts.pendingNote : null),
    timeline: effectiveTimeline(spec, policy, d.decision === "approved" ? (d.rule?.spec ?? null) : null),
    approvedAt: d.decision === "approved" ? Math.max(d.approvableAt ?? 0, ruleAt ?? 0, facts.notBefore) : null,
    approvedEvidence: d.rule
      ? `rule ${d.rule.name} (${d.rule.file}), ${d.rule.spec.approveAfterDays} days after ${facts.delayFrom}`
      : null,
    unverified:
      d.decision === "approved" && verifiedRules && ruleAt === undefined
        ? `approved by rule '${d.rule!.name}', but the rule itself was not approved by the CAB`
        : null,
    supersededBy: new Set(),
    supersedesAll: new Set(),
    supersededByApproved: false,
    requires: [],
  };
}
