import type { AdvisoryUpdate } from "../../reconciler/intake/advisory.js";
import { sealDraft } from "../../reconciler/intake/draft-record.js";
import { renderWindowsDraft } from "../../reconciler/intake/render.js";
import { targetsOf } from "../../reconciler/intake/targets.js";
// Small policy documents for tests: a security Update for every Windows host, decided or not.

export function updateDoc(
  id: string,
  opts: { released?: string; decision?: "approved" | "rejected" | null; extra?: string } = {},
): string {
  const decision = opts.decision === undefined ? "approved" : opts.decision;
  return `apiVersion: patchops/v1
kind: Update
metadata:
  name: ${id.toLowerCase()}
spec:
  id: ${id}
  title: Update ${id}
  classification: security
  severity: important
  released: ${opts.released ?? "2026-11-20"}
${decision ? `  decision: ${decision}\n` : ""}  pilot: false
  appliesTo: { os: [{ family: windows }] }
${opts.extra ?? ""}`;
}

/**
 * A draft Update file exactly as intake writes it under an approval rule: rendered by the real renderer and sealed
 * with the record it was rendered from (what approval verification renders again).
 */
export function intakeDraft(
  id: string,
  opts: { rule: string; released?: string; now?: string; source?: string } = { rule: "all" },
): string {
  const update: AdvisoryUpdate = {
    id,
    title: `Update ${id}`,
    vendor: "Microsoft",
    bulletin: "",
    released: opts.released ?? "2026-11-20",
    severity: "important",
    cves: [`CVE-2026-${id.replace(/\D/g, "").padStart(4, "0")}`],
    products: ["Windows Server 2022"],
    supersedes: [],
    restart: "required",
    url: null,
    source: opts.source ?? "msrc",
  };
  const now = opts.now ?? "2026-11-21T00:00:00Z";
  const text = renderWindowsDraft(update, "standard", [], targetsOf(update), null, now, opts.rule);
  return sealDraft(text, {
    platform: "windows",
    update,
    timeline: "standard",
    kev: [],
    hosts: null,
    now,
    rule: opts.rule,
  });
}
