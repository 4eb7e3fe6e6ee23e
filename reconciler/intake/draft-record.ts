// The intake record: the inputs a draft was rendered from, sealed into its last line, so that approval verification
// can render the draft again and accept the intake identity's shortcut only for a file intake would write byte for byte.
import type { AdvisoryUpdate, KnownExploited } from "./advisory.js";
import { renderLinuxDraft } from "./linux-draft.js";
import { renderWindowsDraft } from "./render.js";
import { targetsOf } from "./targets.js";

export const RECORD_PREFIX = "# patchops-intake-record: ";

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

/** The draft with its record appended as a comment line (base64url JSON). */
export function sealDraft(text: string, record: DraftRecord): string {
  return `${text}${RECORD_PREFIX}${Buffer.from(JSON.stringify(record), "utf8").toString("base64url")}\n`;
}

function render(r: DraftRecord): string {
  return r.platform === "linux"
    ? renderLinuxDraft(r.update, r.timeline, r.kev, r.hosts, r.now, r.rule ?? null)
    : renderWindowsDraft(r.update, r.timeline, r.kev, targetsOf(r.update), r.hosts, r.now, r.rule ?? null);
}

/** Whether a file is exactly what intake renders from the record it carries; otherwise why not. */
export function replayDraft(text: string): { ok: true } | { ok: false; reason: string } {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const cut = body.lastIndexOf("\n") + 1;
  const last = body.slice(cut);
  if (!last.startsWith(RECORD_PREFIX)) return { ok: false, reason: "it carries no intake record" };
  let record: DraftRecord;
  try {
    record = JSON.parse(Buffer.from(last.slice(RECORD_PREFIX.length), "base64url").toString("utf8")) as DraftRecord;
  } catch {
    return { ok: false, reason: "its intake record does not decode" };
  }
  let again: string;
  try {
    again = render(record);
  } catch {
    return { ok: false, reason: "its intake record is not one intake wrote" };
  }
  if (again !== body.slice(0, cut))
    return {
      ok: false,
      reason: "its content differs from what intake renders from its record (edited after drafting)",
    };
  return { ok: true };
}
