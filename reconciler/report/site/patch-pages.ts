// The site's page data for a patch of several Linux package versions (an advisory, or SOURCE@DAY): its figures are
// the compliance row's (each host once), its open hosts those of any of its versions.
import type { Plan } from "../../model/plan.js";
import type { UpdateCompliance } from "../compliance.js";
import { patchesOf } from "../patches.js";

/** The open hosts of one update: the first names in the site's order, and how many there are. */
export interface OpenOf {
  of(id: string): { first: readonly string[]; count: number };
}

/**
 * Entries of window.patchopsUpdates for the patches the compliance table lists under an id that is not an update of
 * the plan (SOURCE@DAY, an advisory with no Update file), and the member list for those that are.
 */
export function patchPageData(
  plan: Plan,
  byUpdate: readonly UpdateCompliance[],
  open: OpenOf,
  listed: number,
  byName: (a: string, b: string) => number,
): Record<string, Record<string, unknown>> {
  const figures = patchesOf(plan.summary.updates, plan.summary.patches ?? {});
  const out: Record<string, Record<string, unknown>> = {};
  for (const row of byUpdate) {
    if (!row.updates) continue;
    const p = figures.get(row.id);
    const names = new Set<string>();
    for (const id of row.updates) for (const n of open.of(id).first) names.add(n);
    const first = [...names].sort(byName);
    out[row.id] = {
      decision: row.decision,
      decidedBy: plan.summary.updates[row.updates[0]!]?.decidedBy ?? null,
      timeline: row.timeline,
      approvedAt: p?.approvedAt ?? null,
      states: {
        installed: row.installed,
        "not done": row.missing,
        exempt: row.exempt,
        deferred: row.deferred,
        "not-applicable": row.notApplicable,
      },
      updates: row.updates,
      title: `${row.updates.length} package versions: ${row.updates.join(", ")}`,
      severity: null,
      classification: null,
      released: null,
      cves: [],
      fullyDeferred: row.fullyDeferred,
      open: first.slice(0, listed),
      moreOpen: Math.max(0, first.length - listed),
    };
  }
  return out;
}
