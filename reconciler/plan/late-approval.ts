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

/** One host's next window that ends past the SLA of some updates: reported once, whatever the number of packages. */
interface WindowAtRisk {
  host: string;
  start: number;
  end: number;
  entries: CatalogEntry[];
  slaBy: number;
}

/** Collects, per update, how its slots relate to the SLA counted from approval, and per host and window what is late. */
export class SlaWatch {
  private readonly byUpdate = new Map<string, UpdateLateness>();
  /** `host|start|end` → the window's late updates; only hosts at risk are kept. */
  private readonly byWindow = new Map<string, WindowAtRisk>();

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
      const key = `${host}|${slot.window.start}|${slot.window.end}`;
      const w = this.byWindow.get(key);
      if (w) {
        w.entries.push(entry);
        w.slaBy = Math.min(w.slaBy, slot.slaBy);
      } else
        this.byWindow.set(key, {
          host,
          start: slot.window.start,
          end: slot.window.end,
          entries: [entry],
          slaBy: slot.slaBy,
        });
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

  /**
   * `pilotSkipped`: updates that use a pilot wave but came too late for every reference host's window. `patches`:
   * update id → its patch (plan/patches.ts). A patch's package versions give one `pilot-skipped`, and each host gives
   * one `sla-at-risk` per window, naming patches, never one finding per package.
   */
  findings(
    standardDays: number,
    pilotSkipped: ReadonlySet<string>,
    patches: ReadonlyMap<string, string> = new Map(),
  ): Diagnostic[] {
    const out: Diagnostic[] = [];
    // One finding per patch (a Linux advisory or SOURCE@DAY, else the update itself) and approval instant: its words
    // depend on no host, so the shards of a sharded plan write the same finding and merge keeps it once.
    const skippedGroups = new Map<string, { name: string; entry: CatalogEntry; skipped: boolean }>();
    for (const [id, u] of [...this.byUpdate].sort(([a], [b]) => compareText(a, b))) {
      const skipped = pilotSkipped.has(id) || u.late.has("skipped");
      if (!skipped && !u.late.has("shortened")) continue;
      const name = patches.get(id) ?? id;
      const key = `${name}|${skipped}|${u.entry.approvedAt}`;
      if (!skippedGroups.has(key)) skippedGroups.set(key, { name, entry: u.entry, skipped });
    }
    for (const { name, entry, skipped } of skippedGroups.values()) {
      const approved = entry.approvedAt === null ? "?" : isoUtc(entry.approvedAt);
      out.push(
        diagnostic(
          "pilot-skipped",
          "warning",
          `${name}: approved at ${approved}, after its cycle's pilot window opened; to keep the ${standardDays}-day SLA it deploys in this cycle's remaining periods, ${skipped ? "without a pilot wave" : "with a pilot shortened to what is left of the window"}`,
          whereOf(entry),
        ),
      );
    }
    const windows = [...this.byWindow.values()].sort(
      (a, b) => compareText(a.host.toLowerCase(), b.host.toLowerCase()) || a.start - b.start || a.end - b.end,
    );
    for (const w of windows) {
      // The update whose SLA ends first speaks for the window: its approval and its due date.
      const first = [...w.entries].sort(
        (a, b) => (a.approvedAt ?? 0) - (b.approvedAt ?? 0) || compareText(a.id, b.id),
      )[0]!;
      const names = patchNames(w.entries, patches);
      const approved = first.approvedAt === null ? "?" : isoUtc(first.approvedAt);
      const days = first.approvedAt === null ? "?" : Math.round((w.slaBy - first.approvedAt) / 86_400_000);
      const what = names.length === 1 ? `${names[0]!}` : `${names.length} patches (${listed(names)}), the first`;
      out.push(
        diagnostic(
          "sla-at-risk",
          "warning",
          `${w.host}: its next window (${isoUtc(w.start)} – ${isoUtc(w.end)}) ends after the SLA: ${what} approved at ${approved}, due within ${days} days (by ${isoUtc(w.slaBy)})`,
          whereOf(first),
        ),
      );
    }
    return out;
  }
}

function whereOf(e: CatalogEntry): { file: string | null; line?: number | null } {
  return e.doc ? e.doc.at(["spec", "decision"]) : { file: e.decisionFile };
}

/** The distinct patches of some updates, in code-point order. */
function patchNames(entries: readonly CatalogEntry[], patches: ReadonlyMap<string, string>): string[] {
  return [...new Set(entries.map((e) => patches.get(e.id) ?? e.id))].sort(compareText);
}

/** At most ten names, then how many more. */
function listed(names: readonly string[]): string {
  const more = names.length > EXAMPLES ? `, … and ${names.length - EXAMPLES} more` : "";
  return names.slice(0, EXAMPLES).join(", ") + more;
}

type SlaAtRisk = NonNullable<Plan["summary"]["updates"][string]["slaAtRisk"]>;

/**
 * Shards see part of the fleet: their at-risk counts add up. The `sla-at-risk` findings name one host each, and every
 * host is in exactly one shard, so the shards' findings are kept as they are.
 */
export function mergeSlaAtRisk(plans: readonly Plan[]): Map<string, SlaAtRisk> {
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
  return byUpdate;
}
