// What the site says of a pilot a person overrode: who, in which reviewed change, and why (plain text; the page
// escapes it as it renders it). The approval time beside it is the update's own, which an override never moves.
import type { Plan } from "../../model/plan.js";

type Pilot = Plan["summary"]["updates"][string]["pilot"];

/**
 * "pilot overridden by AUTHOR in COMMIT (PR #N): REASON"; without a verified change (approval verification off or
 * trusted-local), only the reason is known, and the text says so. Null when the pilot was not overridden.
 */
export function pilotOverrideText(pilot: Pilot): string | null {
  const o = pilot?.override;
  if (!o) return null;
  if (!o.commit) return `pilot overridden (not verified: who decided is not known): ${o.reason}`;
  const by = o.author ? ` by ${o.author}` : "";
  const pr = o.pull === null ? "" : ` (PR #${o.pull})`;
  return `pilot overridden${by} in ${o.commit.slice(0, 12)}${pr}: ${o.reason}`;
}
