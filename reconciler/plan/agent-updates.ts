// Updates a host's own update agent reports, in the catalog: approval rules decide them per host, from that host's
// report alone (its classification, severity, products and release date), as Linux offers are decided per host.
import type { AgentEvidence } from "../inventory/agent-scan.js";
import type { AdvisorySpec } from "../model/advisory.js";
import type { AgentUpdate } from "../model/inventory.js";
import type { PolicySet } from "../model/policy-set.js";
import { UpdateSpec as UpdateSpecSchema, type UpdateSpec } from "../model/update.js";
import { scannedEntry, type CatalogEntry } from "./catalog.js";

const RESTART: Record<AgentUpdate["reboot"], UpdateSpec["restart"]> = {
  never: "never",
  always: "required",
  "can-request": "maybe",
};

const RANK = { low: 0, moderate: 1, important: 2, critical: 3 } as const;

/** The higher of two ratings: advisory facts may raise what an agent reports, never lower it. */
function higher(a: AgentUpdate["severity"], b: AgentUpdate["severity"]): AgentUpdate["severity"] {
  if (!a) return b;
  if (!b) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The Update an agent's report describes, for one KB, with the reviewed advisory facts for it (policies/advisories/):
 * their CVEs and exploitation, and the higher of the two ratings. The agent's own fields (products, classification,
 * release date, restart) always come from the report.
 */
export function specOfReport(kb: string, u: AgentUpdate, facts?: AdvisorySpec): UpdateSpec {
  const severity = higher(u.severity, facts?.severity);
  return UpdateSpecSchema.parse({
    id: kb,
    title: u.title,
    vendor: "Microsoft",
    ...(facts?.bulletin ? { bulletin: facts.bulletin } : {}),
    cves: facts?.cves ?? [],
    ...(facts?.exploited ? { exploited: facts.exploited } : {}),
    classification: u.classification,
    ...(severity ? { severity } : {}),
    released: u.released,
    appliesTo: { products: u.products.map((name) => ({ name })) },
    restart: RESTART[u.reboot],
    pilot: true,
  });
}

export interface AgentCatalogInput {
  set: PolicySet;
  now: number;
  /** Verification on: a rule approves only when its own approval was verified (rule name → when it took effect). */
  verifiedRules: ReadonlyMap<string, number> | null;
}

/**
 * Entries for what agents report and no Update file describes. Each host's report is judged on its own (memoised by
 * what the report says), so one host's report never approves or raises an update for another host. The first entry
 * made for an id also joins the fleet catalog, so jobs, the summary and explain can name it.
 */
export class AgentCatalog {
  private readonly memo = new Map<string, CatalogEntry>();
  /** The policy's advisory facts by KB (upper-case); with verification on, only verified files are in the set. */
  private readonly facts = new Map<string, AdvisorySpec>();
  private readonly factsFile = new Map<string, string>();

  constructor(
    private readonly catalog: Map<string, CatalogEntry>,
    private readonly input: AgentCatalogInput,
  ) {
    // The first file by path, as validate's advisory-ignored says.
    const files = [...(input.set.advisories ?? [])].sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0));
    for (const a of files) {
      const id = a.spec.id.toUpperCase();
      if (this.facts.has(id)) continue;
      this.facts.set(id, a.spec);
      this.factsFile.set(id, a.file);
    }
  }

  /** The host's entries for the KBs its agent lists that no Update file (or baseline) describes. */
  entriesFor(agent: AgentEvidence, describedElsewhere: (id: string) => boolean): Map<string, CatalogEntry> {
    const out = new Map<string, CatalogEntry>();
    for (const [kb, list] of agent.byKb) {
      if (describedElsewhere(kb)) continue;
      const report = list[0]!;
      const key = JSON.stringify([
        kb,
        report.title,
        report.classification,
        report.severity ?? null,
        report.products,
        report.released,
        report.reboot,
      ]);
      let entry = this.memo.get(key);
      if (!entry) {
        entry = this.entryOf(kb, specOfReport(kb, report, this.facts.get(kb)), this.factsFile.get(kb) ?? null);
        if (this.memo.size < 100_000) this.memo.set(key, entry);
      }
      if (!this.catalog.has(kb)) this.catalog.set(kb, entry);
      out.set(kb, entry);
    }
    return out;
  }

  private entryOf(id: string, spec: UpdateSpec, factsFile: string | null): CatalogEntry {
    const entry = scannedEntry(id, spec, this.input, {
      notBefore: 0,
      delayFrom: `its release on ${spec.released} as the host's update agent reports it`,
      pendingNote: "reported by the host's update agent; no rule approves it",
      nonPatchClasses: this.input.set.policy!.spec.nonPatchClasses,
    });
    // Where the CVEs, rating and exploitation come from, for explain and the plan's evidence.
    const facts = factsFile
      ? `advisory facts from ${factsFile}${spec.exploited ? ` (exploited per ${spec.exploited.sources.join(", ")})` : ""}`
      : null;
    return {
      ...entry,
      ...(facts && entry.approvedEvidence ? { approvedEvidence: `${entry.approvedEvidence}; ${facts}` } : {}),
      ...(facts && entry.pendingNote ? { pendingNote: `${entry.pendingNote}; ${facts}` } : {}),
      agentReported: true,
    };
  }
}
