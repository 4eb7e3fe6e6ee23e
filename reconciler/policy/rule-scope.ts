// What a catalog entry under an approval rule may say on its own: anything beyond what the rule alone implies (how it is
// installed, what it replaces, where it applies, when it was released) changes what runs and needs the CAB's quorum.
import type { ApprovalRuleSpec } from "../model/rule.js";
import type { UpdateSpec } from "../model/update.js";
import { releasedAt } from "./decision.js";

const DAY = 86_400_000;

/**
 * Why a catalog entry (an Update without a decision) needs more than one CAB member: each reason names a field whose
 * value the rule does not imply. `rule` is the rule that would approve it (null: none matches, so only the fields that
 * change what runs for other updates count); `approved` holds the upper-case ids of approved updates; `at` is when the
 * entry was committed (plan) or judged (a pull request), in epoch ms.
 */
export function beyondRule(
  u: UpdateSpec,
  rule: ApprovalRuleSpec | null,
  approved: ReadonlySet<string>,
  at: number,
): string[] {
  const out: string[] = [];
  if (u.catalogOnly) out.push("catalogOnly: true (installed from a download, not from Windows Update)");
  if (u.source) out.push(`source (downloads ${u.source.url})`);
  const named = (ids: readonly string[]) => ids.filter((id) => approved.has(id.toUpperCase()));
  const superseded = named(u.supersedes);
  if (superseded.length) out.push(`supersedes the approved ${superseded.join(", ")} (no longer deployed)`);
  const required = named(u.requires);
  if (required.length) out.push(`requires the approved ${required.join(", ")}`);
  if (u.pilot === false) out.push("pilot: false (skips the reference collection)");
  if (!rule) return out;
  const wider = widerThan(u, rule);
  if (wider.length) out.push(`appliesTo ${wider.join(", ")}, wider than rule products`);
  // Backdated: the rule's bake time would already be over when the entry arrives, so the CAB never gets it.
  if (rule.approveAfterDays > 0 && releasedAt(u) + rule.approveAfterDays * DAY <= at)
    out.push(`released ${u.released}, so rule delay of ${rule.approveAfterDays} days is already over`);
  return out;
}

/** The parts of `appliesTo` outside the rule's products (a rule without products limits nothing). */
function widerThan(u: UpdateSpec, rule: ApprovalRuleSpec): string[] {
  if (!rule.products) return [];
  const scope = new Set(rule.products.map((p) => p.toLowerCase()));
  const out: string[] = [];
  for (const o of u.appliesTo.os ?? []) {
    if (!o.names || o.names.length === 0) out.push(`every ${o.family} host`);
    else for (const n of o.names) if (!scope.has(n.toLowerCase())) out.push(n);
  }
  for (const p of u.appliesTo.products ?? []) if (!scope.has(p.name.toLowerCase())) out.push(p.name);
  for (const p of u.appliesTo.packages ?? [])
    if (!p.os) out.push(`package ${p.name} on every OS`);
    else if (!scope.has(p.os.toLowerCase())) out.push(`package ${p.name} on ${p.os}`);
  return out;
}
