// Exposure now: which hosts are exposed to an exploited CVE, and which update fixes it on each. Judged from the plan's
// host states for approved updates and, where the caller has the inventory, for exploited updates not (yet) approved
// from each host's own evidence. `patchops exposure` and the status site's exposure page share this tally.
import { wholeRecord, type Inventory } from "../inventory/host-record.js";
import type { ExposureLine, HostResult, UpdateState } from "../model/plan.js";
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

/** One host's state of an exploited update: "fixed", an open state, or null (not measured there, or not concerned). */
type StateOf = (u: ExploitedUpdate) => string | null;

/** The exploited updates by CVE (upper case), CVEs in code-point order, each CVE's updates in id order. */
function byCve(updates: Iterable<ExploitedUpdate>, cve: string | null): Map<string, ExploitedUpdate[]> {
  const map = new Map<string, ExploitedUpdate[]>();
  for (const u of updates)
    for (const raw of u.cves) {
      const id = raw.toUpperCase();
      if (cve !== null && id !== cve) continue;
      const list = map.get(id);
      if (list) list.push(u);
      else map.set(id, [u]);
    }
  for (const list of map.values()) list.sort((a, b) => compareText(a.id, b.id));
  return new Map([...map].sort(([a], [b]) => compareText(a, b)));
}

/**
 * The one rule: a host is exposed to a CVE when none of the updates that fix it is installed or superseded there and
 * at least one of them applies and is not done. Returns those open updates with their states, or null (not exposed).
 */
function openFixes(
  fixes: readonly ExploitedUpdate[],
  stateOf: StateOf,
): { u: ExploitedUpdate; state: string }[] | null {
  const states = fixes.map((u) => ({ u, state: stateOf(u) }));
  if (states.some((s) => s.state === "fixed")) return null;
  const open = states.filter((s): s is { u: ExploitedUpdate; state: string } => s.state !== null);
  return open.length > 0 ? open : null;
}

/** A plan state as exposure reads it: "fixed", the state itself where it leaves the CVE open, else null. */
function planned(state: string | undefined): string | null {
  if (state === undefined) return null;
  return FIXED_STATES.has(state) ? "fixed" : EXPOSED_STATES.has(state) ? state : null;
}

/**
 * The exposure lines of a plan run (exposure.ndjson): judged per host from every state the run measured, before a
 * compact host line leaves the installed ids out, so readers of a compact plan get the same answer as of a full one.
 */
export class ExposureLines {
  private byCve: Map<string, ExploitedUpdate[]>;
  private seen = -1;

  /**
   * The exploited updates, or the reconcile's catalog: it grows while hosts are planned (updates only agents report,
   * with reviewed advisory facts that may call them exploited), so its index is made again when it has grown.
   */
  constructor(private readonly source: Iterable<ExploitedUpdate> | ReadonlyMap<string, CatalogEntry>) {
    this.byCve = source instanceof Map ? new Map() : byCve(source as Iterable<ExploitedUpdate>, null);
  }

  private index(): Map<string, ExploitedUpdate[]> {
    const catalog = this.source;
    if (catalog instanceof Map && catalog.size !== this.seen) {
      this.byCve = byCve(exploitedUpdates(catalog as ReadonlyMap<string, CatalogEntry>), null);
      this.seen = catalog.size;
    }
    return this.byCve;
  }

  /** The host's line, or null when it is exposed to no exploited CVE (or not scanned: unknown). */
  lineOf(h: HostResult, states: ReadonlyMap<string, UpdateState>): ExposureLine | null {
    const index = this.index();
    if (h.status === "unscanned" || index.size === 0) return null;
    const cves: Record<string, Record<string, UpdateState>> = {};
    let any = false;
    for (const [cve, fixes] of index) {
      const open = openFixes(fixes, (u) => planned(states.get(u.id)));
      if (!open) continue;
      any = true;
      // fromEntries, not assignment: an id such as "__proto__" stays an own key.
      cves[cve] = Object.fromEntries(open.map(({ u, state }) => [u.id, state as UpdateState]));
    }
    if (!any) return null;
    return {
      host: h.host,
      owner: h.owner,
      status: h.status,
      ...(h.estimated ? { estimated: true as const } : {}),
      cves,
    };
  }
}

/** Exposure counted host by host, in one pass over host lines or exposure lines. */
export class ExposureTally {
  private readonly byCve: Map<string, ExploitedUpdate[]>;
  private readonly timelines = new Map<string, ExploitedUpdate["timeline"]>();
  private readonly cves: CveExposure[];
  private exposedHosts = 0;
  private readonly unscanned: string[] = [];

  constructor(
    updates: Iterable<ExploitedUpdate>,
    cve: string | null,
    private readonly now: string,
    private readonly limit = Number.POSITIVE_INFINITY,
  ) {
    this.byCve = byCve(updates, cve);
    for (const fixes of this.byCve.values()) for (const u of fixes) this.timelines.set(u.id, u.timeline);
    this.cves = [...this.byCve].map(([id, fixes]) => {
      const dates = fixes.flatMap((u) => (u.since ? [u.since] : [])).sort(compareText);
      return {
        cve: id,
        sources: [...new Set(fixes.flatMap((u) => u.sources))].sort(compareText),
        since: dates[0] ?? null,
        updates: fixes.map((u) => u.id),
        hosts: [],
        count: 0,
      };
    });
  }

  /**
   * One host line that lists every state it was measured against (a full plan, or one made in memory); `evidence`
   * judges updates the plan did not measure on it (null: only the plan's states count).
   */
  add(h: HostResult, estimated: boolean, evidence: EvidenceState | null): void {
    if (h.status === "unscanned") {
      this.unscanned.push(h.host);
      return;
    }
    const stateOf = (u: ExploitedUpdate): string | null => {
      if (h.updates[u.id] !== undefined) return planned(h.updates[u.id]);
      const seen = evidence ? evidence(u) : null;
      if (seen !== "open") return seen;
      return u.decision === "approved" ? "missing" : `not approved (${u.decision})`;
    };
    let exposed = false;
    for (const c of this.cves) {
      const open = openFixes(this.byCve.get(c.cve)!, stateOf);
      if (!open) continue;
      exposed = true;
      this.count(
        c,
        h,
        estimated,
        open.map(({ u, state }) => ({ id: u.id, state, timeline: u.timeline })),
      );
    }
    if (exposed) this.exposedHosts++;
  }

  /** One line of exposure.ndjson, as the plan run judged it (only the CVEs this tally counts). */
  addLine(x: ExposureLine): void {
    let exposed = false;
    for (const c of this.cves) {
      const open = Object.hasOwn(x.cves, c.cve) ? x.cves[c.cve]! : null;
      if (!open) continue;
      exposed = true;
      const fixes = Object.entries(open).map(([id, state]) => ({
        id,
        state,
        timeline: this.timelines.get(id) ?? ("standard" as const),
      }));
      this.count(c, x, x.estimated === true, fixes);
    }
    if (exposed) this.exposedHosts++;
  }

  private count(
    c: CveExposure,
    h: Pick<HostResult, "host" | "owner" | "status">,
    estimated: boolean,
    fixes: ExposedFix[],
  ): void {
    c.count++;
    if (c.hosts.length < this.limit) c.hosts.push({ host: h.host, owner: h.owner, status: h.status, estimated, fixes });
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
