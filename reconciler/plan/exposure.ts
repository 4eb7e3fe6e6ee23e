// Exposure now: which hosts are exposed to an exploited CVE, and which update fixes it on each. Judged from the plan's
// host states for approved updates and, where the caller has the inventory, for exploited updates not (yet) approved
// from each host's own evidence. `patchops exposure` and the status site's exposure page share this tally.
import { wholeRecord, type Inventory } from "../inventory/host-record.js";
import type { HostResult } from "../model/plan.js";
import { compareText } from "../order.js";
import { OPEN } from "../policy/states.js";
import type { CatalogEntry } from "./catalog.js";
import { isEstimated, relevance, withAgentInstalled } from "./evidence.js";

/** An exploited update as exposure reads it (from the catalog, or from a plan and the policy's Update files). */
export interface ExploitedUpdate {
  id: string;
  cves: readonly string[];
  sources: readonly string[];
  since: string | null;
  timeline: "emergency" | "standard";
  decision: "approved" | "rejected" | "pending";
}

export interface ExposedFix {
  /** The update that fixes the CVE on this host. */
  id: string;
  /** Its state on the host: the plan's (missing, overdue, failed, exempt, deferred, …), or "not approved (…)". */
  state: string;
  timeline: "emergency" | "standard";
}

export interface ExposedHost {
  host: string;
  owner: string | null;
  status: HostResult["status"];
  /** What applies was matched from advisory text: the host reports no agent scan. */
  estimated: boolean;
  fixes: ExposedFix[];
  /** Compact plans only: fixing updates the host line leaves out that some host has installed (this one may too). */
  unlisted?: string[];
}

export interface CveExposure {
  cve: string;
  /** Every source that says it is exploited, over the updates that fix it, and the earliest date given. */
  sources: string[];
  since: string | null;
  /** The exploited updates that name this CVE. */
  updates: string[];
  /** Exposed hosts, in the order they were added (the plan's, by name); at most the tally's limit. */
  hosts: ExposedHost[];
  /** How many hosts are exposed, listed or not. */
  count: number;
  /**
   * Compact plans only: how many of the exposed hosts leave out another fixing update that some host has installed
   * (a compact host line lists no installed id): each may be fixed already; `patchops exposure` decides them.
   */
  undetermined?: number;
}

export interface Exposure {
  now: string;
  cves: CveExposure[];
  /** Distinct hosts exposed to at least one of the CVEs. */
  exposedHosts: number;
  /** Hosts with no scan at all: whether they are exposed is unknown. */
  unscanned: string[];
}

/** A plan state that leaves the vulnerability open: not done, exempt from forcing, or deferred (risk accepted). */
const EXPOSED_STATES: ReadonlySet<string> = new Set([...OPEN, "deferred"]);
const FIXED_STATES: ReadonlySet<string> = new Set(["installed", "superseded", "rejected-installed"]);

/** What a host's own evidence says of an update the plan did not measure there: fixed, still open, or not concerned. */
export type EvidenceState = (u: ExploitedUpdate) => "fixed" | "open" | null;

/** Exposure counted host by host, in one pass over the plan's host lines. */
export class ExposureTally {
  private readonly byCve = new Map<string, ExploitedUpdate[]>();
  private readonly cves: CveExposure[];
  private exposedHosts = 0;
  private readonly unscanned: string[] = [];

  constructor(
    updates: Iterable<ExploitedUpdate>,
    cve: string | null,
    private readonly now: string,
    private readonly limit = Number.POSITIVE_INFINITY,
    /**
     * A compact plan's ids installed or superseded on some host (summary.updates[id].states): its host lines leave
     * them out, so such an unlisted fix may be installed (docs/plan-format.md). Null for a full plan.
     */
    private readonly maybeInstalled: ReadonlySet<string> | null = null,
  ) {
    for (const u of updates)
      for (const raw of u.cves) {
        const id = raw.toUpperCase();
        if (cve !== null && id !== cve) continue;
        const list = this.byCve.get(id);
        if (list) list.push(u);
        else this.byCve.set(id, [u]);
      }
    this.cves = [...this.byCve.keys()].sort(compareText).map((id) => {
      const fixes = this.byCve.get(id)!.sort((a, b) => compareText(a.id, b.id));
      const dates = fixes.flatMap((u) => (u.since ? [u.since] : [])).sort(compareText);
      return {
        cve: id,
        sources: [...new Set(fixes.flatMap((u) => u.sources))].sort(compareText),
        since: dates[0] ?? null,
        updates: fixes.map((u) => u.id),
        hosts: [],
        count: 0,
        ...(maybeInstalled ? { undetermined: 0 } : {}),
      };
    });
  }

  /** One host line; `evidence` judges updates the plan did not measure on it (null: only the plan's states count). */
  add(h: HostResult, estimated: boolean, evidence: EvidenceState | null): void {
    if (h.status === "unscanned") {
      this.unscanned.push(h.host);
      return;
    }
    const stateOf = (u: ExploitedUpdate): string | null => {
      const planned = h.updates[u.id];
      if (planned !== undefined)
        return FIXED_STATES.has(planned) ? "fixed" : EXPOSED_STATES.has(planned) ? planned : null;
      const seen = evidence ? evidence(u) : null;
      if (seen !== "open") return seen;
      return u.decision === "approved" ? "missing" : `not approved (${u.decision})`;
    };
    let exposed = false;
    for (const c of this.cves) {
      const states = this.byCve.get(c.cve)!.map((u) => ({ u, state: stateOf(u) }));
      if (states.some((s) => s.state === "fixed")) continue;
      const open = states.filter((s) => s.state !== null);
      if (open.length === 0) continue;
      exposed = true;
      c.count++;
      // A compact line lists no installed id: a fix it leaves out that some host has installed may be installed here.
      const maybe = this.maybeInstalled;
      const unlisted = maybe ? states.filter((s) => s.state === null && maybe.has(s.u.id)).map((s) => s.u.id) : [];
      if (unlisted.length > 0) c.undetermined! += 1;
      if (c.hosts.length < this.limit)
        c.hosts.push({
          host: h.host,
          owner: h.owner,
          status: h.status,
          estimated,
          fixes: open.map(({ u, state }) => ({ id: u.id, state: state!, timeline: u.timeline })),
          ...(unlisted.length > 0 ? { unlisted } : {}),
        });
    }
    if (exposed) this.exposedHosts++;
  }

  result(): Exposure {
    return { now: this.now, cves: this.cves, exposedHosts: this.exposedHosts, unscanned: this.unscanned };
  }
}

/**
 * The exploited updates of a catalog: Update files that say so, and updates agents report that a reviewed advisory
 * file (policies/advisories/) calls exploited.
 */
export function exploitedUpdates(catalog: ReadonlyMap<string, CatalogEntry>): ExploitedUpdate[] {
  const out: ExploitedUpdate[] = [];
  for (const e of catalog.values())
    if (e.spec.exploited)
      out.push({
        id: e.id,
        cves: e.spec.cves,
        sources: e.spec.exploited.sources,
        since: e.spec.exploited.since ?? null,
        timeline: e.timeline,
        decision: e.decision,
      });
  return out;
}

export interface ExposureInput {
  now: number;
  catalog: ReadonlyMap<string, CatalogEntry>;
  /** The plan's host lines, in file order. */
  hosts: readonly HostResult[];
  inventory: Inventory;
  /** Only this CVE (upper-case), or every exploited one. */
  cve: string | null;
}

/** Exposure from a plan made in memory and the inventory it was made from (updates not yet approved included). */
export function exposureOf(input: ExposureInput): Exposure {
  const tally = new ExposureTally(
    exploitedUpdates(input.catalog),
    input.cve,
    new Date(input.now).toISOString().replace(/\.000Z$/, "Z"),
  );
  for (const h of input.hosts) {
    const summary = input.inventory.records.get(h.host.toLowerCase());
    if (!summary) {
      tally.add(h, false, null);
      continue;
    }
    const rec = withAgentInstalled(wholeRecord(input.inventory, summary));
    tally.add(h, isEstimated(rec), (u) => {
      const e = input.catalog.get(u.id)!;
      // What only agents report concerns only hosts whose own agent lists it.
      if (e.agentReported && !rec.agentScan) return null;
      if (rec.installed.has(e.id) || [...e.supersededBy].some((s) => rec.installed.has(s))) return "fixed";
      return relevance(e, rec).applies ? "open" : null;
    });
  }
  return tally.result();
}
