// What the bench's minimal program (bench/minimal.ts) is given about the policy, worked out once and untimed: per
// update its decision and supersedence, per OS and product what may apply, per period which missing updates are
// overdue, per host its assignment. The minimal program then only reads, parses, checks installed ids and writes.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadPlanInputs } from "../reconciler/app/plan-inputs.js";
import { UpdateState } from "../reconciler/model/plan.js";
import { buildContext } from "../reconciler/plan/passes/context.js";
import { usesPilotWave } from "../reconciler/plan/pilot.js";
import { slotFor } from "../reconciler/plan/timing.js";
import { COMPLIANT } from "../reconciler/policy/states.js";

/** The table's shape; bench/minimal.ts reads it as JSON. */
export interface MinimalTable {
  now: number;
  staleAfterHours: number;
  /** Whether the plan wrote compact host lines: only unsettled updates listed, above-baseline ids counted (not listed). */
  compact: boolean;
  states: string[];
  compliant: string[];
  settled: string[];
  /** id → [decision, superseded by an approved update (0/1), restart never (0/1), OS name, minimum OS version, product] */
  entries: Record<string, [string, number, number, string, string, string]>;
  /** id → every id it supersedes (only ids that supersede something). */
  covers: Record<string, string[]>;
  requires: Record<string, string[]>;
  /** OS name → [id, minimum OS version or ""] of the approved updates hosts are measured against. */
  byOs: Record<string, [string, string][]>;
  /** Lower-case product name → ids. */
  byProduct: Record<string, string[]>;
  /** Period → ids overdue when missing in it. */
  overdue: Record<string, string[]>;
  /** Host → [owner, period, cluster, role]. */
  hosts: Record<string, [string | null, string | null, string | null, string | null]>;
}

/** Writes `minimal-table.json` into the fleet's directory, for the policy there; `compact` as the plan wrote. */
export async function writeMinimalTable(dir: string, now: number, compact: boolean): Promise<string> {
  const loaded = await loadPlanInputs({
    repo: dir,
    inventory: [join(dir, "inventory.jsonl")],
    now,
    verifyApprovals: false,
    summaries: true,
  });
  if (!loaded.input) throw new Error("generated policy invalid");
  const ctx = buildContext(loaded.input);
  const t: MinimalTable = {
    now,
    staleAfterHours: ctx.policy.staleAfterHours,
    compact,
    states: [...UpdateState.options],
    compliant: [...COMPLIANT],
    settled: ["installed", "superseded", "not-applicable"],
    entries: {},
    covers: {},
    requires: {},
    byOs: {},
    byProduct: {},
    overdue: {},
    hosts: {},
  };
  for (const e of ctx.catalog.values()) {
    const { os = [], products = [] } = e.spec.appliesTo;
    const name = os[0]?.names?.[0] ?? "";
    const min = os[0]?.versions ? /^>=(\S+)$/.exec(os[0].versions)?.[1] : "";
    const product = products[0]?.name.toLowerCase() ?? "";
    if (os.length + products.length !== 1 || (os[0] && os[0].names?.length !== 1) || min === undefined)
      throw new Error(`the minimal program knows one OS name (with a '>=' range) or one product: ${e.id}`);
    t.entries[e.id] = [
      e.decision,
      e.supersededByApproved ? 1 : 0,
      e.spec.restart === "never" ? 1 : 0,
      name,
      min,
      product,
    ];
    if (e.supersedesAll.size > 0) t.covers[e.id] = [...e.supersedesAll];
    if (e.requires.length > 0) t.requires[e.id] = e.requires;
    if (e.decision !== "approved" || e.supersededByApproved) continue;
    if (name) (t.byOs[name] ??= []).push([e.id, min]);
    else (t.byProduct[product] ??= []).push(e.id);
  }
  const periods = new Set<string>();
  for (const h of ctx.hosts) {
    t.hosts[h.name] = [
      h.assignment?.spec.owner ?? null,
      h.entry?.period ?? null,
      h.entry?.cluster ?? null,
      h.entry?.role ?? null,
    ];
    if (h.entry && h.baselines.length > 0) throw new Error("the minimal program knows no baselines");
    if (h.entry && h.timetable && !periods.has(h.entry.period)) {
      periods.add(h.entry.period);
      const late: string[] = [];
      for (const e of ctx.approved) {
        if (usesPilotWave(e)) throw new Error("the minimal program knows no pilot waves");
        const slot = slotFor(
          {
            tt: h.timetable.spec,
            period: h.entry.period,
            timeline: e.timeline,
            approvedAt: e.approvedAt ?? now,
            pilot: false,
            usesPilot: false,
          },
          ctx.policy,
          now,
        );
        if (slot?.overdue) late.push(e.id);
      }
      t.overdue[h.entry.period] = late;
    }
  }
  loaded.input.inventory.dispose?.();
  const file = join(dir, "minimal-table.json");
  await writeFile(file, JSON.stringify(t));
  return file;
}
