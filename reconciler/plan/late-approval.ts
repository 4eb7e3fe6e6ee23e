// Late approvals keep the SLA in view: a shortened or skipped pilot and every window past the SLA become findings.
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import { isoUtc } from "../schedule/wall-clock.js";
import type { CatalogEntry } from "./catalog.js";
import type { Slot } from "./timing.js";
import type { Plan } from "../model/plan.js";
import { compareText } from "../order.js";
import { NameSample } from "./passes/sample.js";

const EXAMPLES = 10;

interface UpdateLateness {
  entry: CatalogEntry;
  late: Set<NonNullable<Slot["late"]>>;
  slaBy: number;
  /** Hosts still on schedule whose window ends past the SLA: a count and the first names, never every name. */
  atRisk: NameSample;
  latestEnd: number;
}

/** Collects, per update, how its slots relate to the SLA counted from approval. */
export class SlaWatch {
  private readonly byUpdate = new Map<string, UpdateLateness>();

  record(entry: CatalogEntry, host: string, slot: Slot): void {
    // The emergency SLA is the emergency timeline's own; a synthetic payload has none.
    if (slot.timeline === "emergency" || entry.spec.classification === "synthetic") return;
    let u = this.byUpdate.get(entry.id);
    if (!u)
      this.byUpdate.set(
        entry.id,
        (u = { entry, late: new Set(), slaBy: slot.slaBy, atRisk: new NameSample(EXAMPLES), latestEnd: 0 }),
      );
    if (slot.late) u.late.add(slot.late);
    // An overdue host is already reported as overdue (and escalated); at risk are the ones still on schedule.
    if (!slot.overdue && slot.window.end > slot.slaBy) {
      u.atRisk.add(host, undefined);
      u.latestEnd = Math.max(u.latestEnd, slot.window.end);
    }
  }

  /** The summary field of plan.json per update id (only where hosts are at risk). */
  summaries(): Map<string, { hosts: number; slaBy: string; latestWindowEnd: string; examples: string[] }> {
    const out = new Map<string, { hosts: number; slaBy: string; latestWindowEnd: string; examples: string[] }>();
    for (const [id, u] of this.byUpdate)
      if (u.atRisk.count > 0)
        out.set(id, {
          hosts: u.atRisk.count,
          slaBy: isoUtc(u.slaBy),
          latestWindowEnd: isoUtc(u.latestEnd),
          examples: u.atRisk.names(),
        });
    return out;
  }

  /** `pilotSkipped`: updates that use a pilot wave but came too late for every reference host's window. */
  findings(standardDays: number, pilotSkipped: ReadonlySet<string>): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const [id, u] of [...this.byUpdate].sort(([a], [b]) => compareText(a, b))) {
      const where = u.entry.doc ? u.entry.doc.at(["spec", "decision"]) : { file: u.entry.decisionFile };
      const approved = u.entry.approvedAt === null ? "?" : isoUtc(u.entry.approvedAt);
      const skipped = pilotSkipped.has(id) || u.late.has("skipped");
      if (skipped || u.late.has("shortened"))
        out.push(
          diagnostic(
            "pilot-skipped",
            "warning",
            `${id}: approved at ${approved}, after its cycle's pilot window opened; to keep the ${standardDays}-day SLA it deploys in this cycle's remaining periods, ${skipped ? "without a pilot wave" : "with a pilot shortened to what is left of the window"}`,
            where,
          ),
        );
      const risk = this.summaries().get(id);
      if (risk) out.push(diagnostic("sla-at-risk", "warning", slaAtRiskMessage(id, approved, risk), where));
    }
    return out;
  }
}

type SlaAtRisk = NonNullable<Plan["summary"]["updates"][string]["slaAtRisk"]>;

function slaAtRiskMessage(id: string, approved: string, r: SlaAtRisk): string {
  const days = Math.round((Date.parse(r.slaBy) - Date.parse(approved)) / 86_400_000);
  const more = r.hosts > r.examples.length ? `, … and ${r.hosts - r.examples.length} more` : "";
  return `${id}: approved at ${approved}, due within ${days} days (by ${r.slaBy}), but ${r.hosts} host${r.hosts === 1 ? "'s" : "s'"} next window ends later (the last at ${r.latestWindowEnd}): ${r.examples.join(", ")}${more}`;
}

/** Shards see part of the fleet: their at-risk counts add up, and the finding is written again from the sum. */
export function mergeSlaAtRisk(plans: readonly Plan[]): {
  byUpdate: Map<string, SlaAtRisk>;
  findings: Plan["findings"];
} {
  const byUpdate = new Map<string, SlaAtRisk>();
  for (const p of plans)
    for (const [id, u] of Object.entries(p.summary.updates)) {
      if (!u.slaAtRisk) continue;
      const m = byUpdate.get(id);
      byUpdate.set(
        id,
        m
          ? {
              hosts: m.hosts + u.slaAtRisk.hosts,
              slaBy: m.slaBy,
              latestWindowEnd:
                m.latestWindowEnd > u.slaAtRisk.latestWindowEnd ? m.latestWindowEnd : u.slaAtRisk.latestWindowEnd,
              examples: [...m.examples, ...u.slaAtRisk.examples].sort(compareText).slice(0, EXAMPLES),
            }
          : u.slaAtRisk,
      );
    }
  const findings: Plan["findings"] = [];
  const where = new Map<string, Plan["findings"][number]>();
  for (const p of plans)
    for (const f of p.findings) if (f.code === "sla-at-risk") where.set(f.message.slice(0, f.message.indexOf(":")), f);
  for (const [id, r] of byUpdate) {
    const f = where.get(id);
    const approved = plans[0]!.summary.updates[id]?.approvedAt ?? "?";
    findings.push({
      code: "sla-at-risk",
      severity: "warning",
      message: slaAtRiskMessage(id, approved, r),
      file: f?.file ?? null,
      line: f?.line ?? null,
    });
  }
  return { byUpdate, findings };
}
