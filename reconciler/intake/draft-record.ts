// The intake record: the inputs a draft was rendered from, sealed into its last line, so that approval verification
// can render the draft again and accept the intake identity's shortcut only for a file intake would write byte for
// byte, from a record a feed could have produced, and only for content that needs no person's judgement.
import { parseDocument } from "yaml";
import type { PatchPolicySpec } from "../model/policy.js";
import type { PolicySet } from "../model/policy-set.js";
import type { ApprovalRuleSpec } from "../model/rule.js";
import { effectiveDecision } from "../policy/decision.js";
import { UpdateSpec } from "../model/update.js";
import type { AdvisoryUpdate, KnownExploited } from "./advisory.js";
import { renderLinuxDraft } from "./linux-draft.js";
import { timelineOf } from "./exploited.js";
import { DraftRecordSchema, firstProblem } from "./record.js";
import { renderWindowsDraft } from "./render.js";
import { targetsOf } from "./targets.js";

export const RECORD_PREFIX = "# patchops-intake-record: ";

/**
 * The shortcut covers a draft released at most this many days before intake drafted it: five weeks, the longest gap
 * between two Patch Tuesdays, so a month's document read on any day of its month qualifies. An older `released`
 * would let a rule approve at merge without its delay; a person decides that.
 */
export const SHORTCUT_MAX_AGE_DAYS = 35;

export interface DraftRecord {
  platform: "windows" | "linux";
  update: AdvisoryUpdate;
  timeline: "emergency" | "standard";
  kev: KnownExploited[];
  hosts: number | null;
  now: string;
  /** The approval rule that covers it (its RFC answers name the rule instead of asking a person). */
  rule: string | null;
}

/** What verification knows that the file cannot say: which updates are approved, and the rule that approves this one. */
export interface ShortcutContext {
  /** Upper-case ids of the updates the policy approves (by file or by rule) at the instant judged. */
  approved: ReadonlySet<string>;
  /** The approval rule that approves the draft; its `products` bound what the draft may target. */
  rule: ApprovalRuleSpec;
  /** The policy in force: an emergency timeline (which skips the pilot) must be the one it gives the draft. */
  policy?: PatchPolicySpec | null;
}

/**
 * The context verification passes for one Update file: the updates the policy approves at `now` (by file or by
 * rule) and the rule that approves this one. Verification calls `judgeIntakeDraft(text, shortcutContext(set, rule, now))`.
 */
export function shortcutContext(set: PolicySet, rule: ApprovalRuleSpec, now: number): ShortcutContext {
  const approved = new Set<string>();
  for (const u of set.updates)
    if (effectiveDecision(u.spec, set.rules, now).decision === "approved") approved.add(u.spec.id.toUpperCase());
  return { approved, rule, policy: set.policy?.spec ?? null };
}

export type ShortcutVerdict = { ok: true } | { ok: false; reason: string };

/** The draft with its record appended as a comment line (base64url JSON). */
export function sealDraft(text: string, record: DraftRecord): string {
  return `${text}${RECORD_PREFIX}${Buffer.from(JSON.stringify(record), "utf8").toString("base64url")}\n`;
}

/** The text intake renders from a record (no record line). */
export function renderRecord(r: DraftRecord): string {
  return r.platform === "linux"
    ? renderLinuxDraft(r.update, r.timeline, r.kev, r.hosts, r.now, r.rule ?? null)
    : renderWindowsDraft(r.update, r.timeline, r.kev, targetsOf(r.update), r.hosts, r.now, r.rule ?? null);
}

const DAY = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** Every name a draft targets (OS names and products), lower-case; null when an entry targets a whole OS family. */
function targetNames(spec: UpdateSpec): string[] | null {
  const out: string[] = [];
  for (const o of spec.appliesTo.os ?? []) {
    if (!o.names?.length) return null;
    for (const n of o.names) out.push(n.toLowerCase());
  }
  for (const p of spec.appliesTo.products ?? []) out.push(p.name.toLowerCase());
  return out.length ? out : null;
}

/**
 * Why the content of a draft still needs a person, or null when the shortcut may cover it. `raw` is the file's spec
 * as written (to see fields that defaults would hide), `drafted` the UTC date intake drafted it.
 */
export function shortcutRisk(
  raw: Record<string, unknown>,
  drafted: string,
  ctx: ShortcutContext | null,
): string | null {
  const parsed = UpdateSpec.safeParse(raw);
  if (!parsed.success) return "it is not a valid Update file";
  const spec = parsed.data;
  if (raw.catalogOnly !== undefined) return "it sets catalogOnly (a download from the catalog is a CAB decision)";
  if (raw.source !== undefined) return "it names a source (a download location is a CAB decision)";
  if (raw.pilot !== undefined) return "it sets pilot (skipping or overriding the pilot is a CAB decision)";
  if (raw.decision !== undefined) return "it carries a decision";
  const named = [...spec.supersedes.map((id) => ["supersedes", id]), ...spec.requires.map((id) => ["requires", id])];
  for (const [field, id] of named) {
    if (!ctx) return `it ${field} ${id}, and whether that update is approved is not known here`;
    if (ctx.approved.has(id!.toUpperCase())) return `it ${field} ${id}, an approved update`;
  }
  const age = (dayOf(drafted) - dayOf(spec.released)) / DAY;
  if (age > SHORTCUT_MAX_AGE_DAYS)
    return `it was released ${spec.released}, ${age} days before intake drafted it on ${drafted} (the shortcut covers at most ${SHORTCUT_MAX_AGE_DAYS})`;
  // The emergency timeline skips the pilot: only when the policy gives it to this severity or to exploited updates.
  const due = ctx?.policy
    ? timelineOf({ severity: spec.severity ?? null, exploited: spec.exploited }, ctx.policy)
    : null;
  if (spec.timeline === "emergency" && due === "standard")
    return `it is on the emergency timeline, which skips the pilot, but the policy gives its severity (${spec.severity ?? "unrated"})${spec.exploited ? " and exploitation" : ""} the standard timeline`;
  const names = targetNames(spec);
  if (!names) return "it targets a whole OS family or nothing named";
  if (ctx?.rule.products) {
    const scope = new Set(ctx.rule.products.map((p) => p.toLowerCase()));
    const wider = names.find((n) => !scope.has(n));
    if (wider) return `it targets ${wider}, outside the products of the rule that approves it`;
  }
  return null;
}

/** What intake never writes together: KEV entries for CVEs the update does not fix, a KEV flag without a KEV entry. */
function inconsistency(r: DraftRecord): string | null {
  const cves = new Set(r.update.cves);
  const stray = r.kev.find((k) => !cves.has(k.cve));
  if (stray) return `a KEV entry for ${stray.cve}, which the update does not fix`;
  const kevFlag = r.update.exploited?.sources.includes("kev") ?? false;
  if (kevFlag !== r.kev.length > 0) return "the KEV flag and the KEV entries disagree";
  return null;
}

/**
 * Whether a file is exactly what intake renders from the record it carries, from a record a feed could produce, with
 * nothing a person must decide; otherwise why not. Verification should pass `ctx` (the approved updates and the
 * rule): without it, any supersedes or requires refuses the shortcut, and the rule's product scope is not checked.
 */
export function judgeIntakeDraft(text: string, ctx: ShortcutContext | null = null): ShortcutVerdict {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const cut = body.lastIndexOf("\n") + 1;
  const last = body.slice(cut);
  if (!last.startsWith(RECORD_PREFIX)) return { ok: false, reason: "it carries no intake record" };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(last.slice(RECORD_PREFIX.length), "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "its intake record does not decode" };
  }
  const problem = firstProblem(DraftRecordSchema, decoded);
  if (problem) return { ok: false, reason: `its intake record is not one a feed can produce (${problem})` };
  const record = decoded as DraftRecord;
  const inconsistent = inconsistency(record);
  if (inconsistent) return { ok: false, reason: `its intake record is not one intake writes (${inconsistent})` };
  let again: string;
  try {
    again = renderRecord(record);
  } catch {
    return { ok: false, reason: "its intake record is not one intake wrote" };
  }
  if (again !== body.slice(0, cut))
    return {
      ok: false,
      reason: "its content differs from what intake renders from its record (edited after drafting)",
    };
  const doc = parseDocument(again);
  if (doc.errors.length) return { ok: false, reason: "it is not a valid Update file" };
  const raw = (doc.toJS() as { spec?: Record<string, unknown> } | null)?.spec ?? {};
  const risk = shortcutRisk(raw, record.now.slice(0, 10), ctx);
  return risk ? { ok: false, reason: `the intake shortcut does not cover it: ${risk}` } : { ok: true };
}

/** The check approval verification calls today: `judgeIntakeDraft` without the policy's context (the strict form). */
export function replayDraft(text: string): ShortcutVerdict {
  return judgeIntakeDraft(text, null);
}
