// Exposure from a written plan: its exposure.ndjson (judged by the plan run from every state it measured), or the host
// lines of a full plan written before that file existed; the exploited updates as the policy's Update files name them.
import type { ExposureLine, HostResult, Plan } from "../model/plan.js";
import { ExposureTally, type ExploitedUpdate, type Exposure } from "../plan/exposure.js";
import type { UpdateInfo } from "./update-info.js";

/** The exploited updates of a plan, as its Update files (and reviewed advisory files) describe them. */
export function exploitedOf(plan: Plan, info: ReadonlyMap<string, UpdateInfo>): ExploitedUpdate[] {
  const out: ExploitedUpdate[] = [];
  for (const [id, u] of Object.entries(plan.summary.updates)) {
    const i = info.get(id);
    if (!i?.exploited) continue;
    out.push({
      id,
      cves: i.cves,
      sources: i.exploited.sources,
      since: i.exploited.since,
      timeline: u.timeline,
      decision: u.decision,
    });
  }
  return out;
}

/** A written plan's lines, each call a new pass. */
export interface PlanLines {
  hosts(): Iterable<HostResult>;
  /** exposure.ndjson, where the plan has one. */
  exposure?(): Iterable<ExposureLine>;
}

export interface PlanExposureOptions {
  /** Only this CVE (upper case), or every exploited one. */
  cve: string | null;
  /** Hosts listed per CVE; the rest are counted. */
  limit?: number;
  /** Also name the unscanned hosts (one more pass over the host lines). */
  unscanned?: boolean;
}

/**
 * Exposure as the plan judged it, or null for a compact plan without exposure.ndjson: its host lines list no installed
 * id, so they cannot tell an installed fix from one that does not apply, and nothing is guessed.
 */
export function exposureOfPlan(
  plan: Plan,
  lines: PlanLines,
  info: ReadonlyMap<string, UpdateInfo>,
  o: PlanExposureOptions,
): Exposure | null {
  const tally = new ExposureTally(exploitedOf(plan, info), o.cve, plan.now, o.limit);
  if (lines.exposure) {
    for (const x of lines.exposure()) tally.addLine(x);
    if (o.unscanned) for (const h of lines.hosts()) if (h.status === "unscanned") tally.add(h, false, null);
  } else if ((plan.detail ?? "full") === "full") {
    for (const h of lines.hosts()) tally.add(h, h.estimated === true, null);
  } else return null;
  return tally.result();
}
