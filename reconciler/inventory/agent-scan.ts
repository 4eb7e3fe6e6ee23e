// The host's own update agent's scan as the plan reads it: what the agent offers and what it says is installed, by KB.
import type { AgentUpdate, InventoryRecord } from "../model/inventory.js";

/** Agent evidence of one host: the Windows Update Agent's answer, indexed by KB. */
export interface AgentEvidence {
  source: string;
  server: string | null;
  completedAt: string;
  updates: readonly AgentUpdate[];
  /** KB (upper-case) → the updates listing it, in the record's order. */
  byKb: ReadonlyMap<string, readonly AgentUpdate[]>;
  /** Everything the evaluation reads from the scan, as text: hosts with the same answer share one evaluation. */
  key: string;
}

/**
 * The agent evidence of a record, or null: no `agentScan`, or a `wua` entry in `scanErrors` (the contract says such a
 * record has no scan; one that carries both is read as having none, so a failed search never passes for evidence).
 */
export function agentEvidenceOf(r: Pick<InventoryRecord, "agentScan" | "scanErrors">): AgentEvidence | null {
  const scan = r.agentScan;
  if (!scan || !hasAgentEvidence(r)) return null;
  const byKb = new Map<string, AgentUpdate[]>();
  for (const u of scan.updates)
    for (const kb of u.kbs) {
      const id = kb.toUpperCase();
      const list = byKb.get(id);
      if (list) list.push(u);
      else byKb.set(id, [u]);
    }
  const key = [...byKb]
    .map(([kb, list]) => `${kb}:${list.map((u) => (u.installed ? 1 : 0)).join("")}`)
    .sort()
    .join(",");
  return {
    source: scan.source,
    server: scan.server ?? null,
    completedAt: scan.completedAt,
    updates: scan.updates,
    byKb,
    key,
  };
}

/** Whether the record is agent evidence (see agentEvidenceOf), without indexing its updates. */
export function hasAgentEvidence(r: Pick<InventoryRecord, "agentScan" | "scanErrors">): boolean {
  return r.agentScan !== undefined && !(r.scanErrors ?? []).some((e) => e.source === "wua");
}

/** What the agent says about one KB: offered (listed, not installed), installed, or not listed at all. */
export function agentVerdict(agent: AgentEvidence, kb: string): "offered" | "installed" | "not-listed" {
  const list = agent.byKb.get(kb.toUpperCase());
  if (!list) return "not-listed";
  return list.some((u) => u.installed) ? "installed" : "offered";
}
