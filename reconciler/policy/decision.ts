// The effective decision and timeline of an update: its file first, then the first matching approval rule.
import type { LoadedDoc } from "../model/policy-set.js";
import type { PatchPolicySpec } from "../model/policy.js";
import type { ApprovalRuleSpec } from "../model/rule.js";
import type { Classification, NonPatchClass, TimelineName, UpdateSpec } from "../model/update.js";
import { compareText } from "../order.js";

const DAY = 86_400_000;

export interface EffectiveDecision {
  decision: "approved" | "rejected" | "pending";
  /** "file" when the Update file decides, "rule:<name>" when a rule does, null when pending. */
  decidedBy: string | null;
  /** When a rule approves, the instant its delay ends. */
  approvableAt: number | null;
  rule: LoadedDoc<ApprovalRuleSpec> | null;
  /** Why it is pending, for people. */
  note: string | null;
}

export function releasedAt(u: UpdateSpec): number {
  return Date.parse(`${u.released}T00:00:00Z`);
}

function names(u: UpdateSpec): string[] {
  const out: string[] = [];
  for (const p of u.appliesTo.products ?? []) out.push(p.name.toLowerCase());
  for (const o of u.appliesTo.os ?? []) for (const n of o.names ?? []) out.push(n.toLowerCase());
  return out;
}

const NON_PATCH: ReadonlySet<Classification> = new Set<Classification>(["definition", "tool", "driver", "upgrade"]);

/** Definitions, tools, drivers and upgrades are not patches: rules and above-baseline skip them unless the policy opts in. */
export function isManagedClass(classification: Classification, nonPatchClasses: readonly NonPatchClass[]): boolean {
  return !NON_PATCH.has(classification) || (nonPatchClasses as readonly string[]).includes(classification);
}

/** `nonPatchClasses`: PatchPolicy.nonPatchClasses, the non-patch classes a rule may approve (none by default). */
export function ruleMatches(
  rule: ApprovalRuleSpec,
  u: UpdateSpec,
  nonPatchClasses: readonly NonPatchClass[] = [],
): boolean {
  if (!isManagedClass(u.classification, nonPatchClasses)) return false;
  if (rule.exclude.some((id) => id.toUpperCase() === u.id.toUpperCase())) return false;
  if (rule.vendors && !rule.vendors.some((v) => v.toLowerCase() === u.vendor.toLowerCase())) return false;
  if (rule.classifications && !rule.classifications.includes(u.classification)) return false;
  if (rule.severities && (!u.severity || !rule.severities.includes(u.severity))) return false;
  if (rule.products) {
    const have = names(u);
    if (!rule.products.some((p) => have.includes(p.toLowerCase()))) return false;
  }
  if (rule.until && u.released > rule.until) return false;
  return true;
}

/** An explicit decision wins; else the first matching rule (by name) approves once its delay has passed at `now`. */
export function effectiveDecision(
  u: UpdateSpec,
  rules: readonly LoadedDoc<ApprovalRuleSpec>[],
  now: number,
  nonPatchClasses: readonly NonPatchClass[] = [],
): EffectiveDecision {
  if (u.decision) return { decision: u.decision, decidedBy: "file", approvableAt: null, rule: null, note: null };
  const sorted = [...rules].sort((a, b) => compareText(a.name, b.name));
  const rule = sorted.find((r) => ruleMatches(r.spec, u, nonPatchClasses));
  if (!rule)
    return {
      decision: "pending",
      decidedBy: null,
      approvableAt: null,
      rule: null,
      note: "no decision in the file and no approval rule matches",
    };
  const at = releasedAt(u) + rule.spec.approveAfterDays * DAY;
  if (at > now) {
    return {
      decision: "pending",
      decidedBy: null,
      approvableAt: at,
      rule,
      note: `rule '${rule.name}' approves it on ${new Date(at).toISOString().slice(0, 10)} (${rule.spec.approveAfterDays} days after release)`,
    };
  }
  return { decision: "approved", decidedBy: `rule:${rule.name}`, approvableAt: at, rule, note: null };
}

/**
 * The timeline: the file's (the CAB's explicit word), else the approving rule's, else PatchPolicy's mapping by
 * severity; an exploited update is raised to `timelines.exploited` (never lowered by it).
 */
export function effectiveTimeline(u: UpdateSpec, policy: PatchPolicySpec, rule: ApprovalRuleSpec | null): TimelineName {
  if (u.timeline) return u.timeline;
  const base = rule?.timeline ?? (u.severity ? policy.timelines[u.severity] : "standard");
  if (u.exploited && policy.timelines.exploited === "emergency") return "emergency";
  return base;
}
