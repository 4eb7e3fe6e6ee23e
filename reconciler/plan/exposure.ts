// Exposure now: which hosts are exposed to an exploited CVE, and which update fixes it on each. Judged from the plan's
// host states for approved updates and, for exploited updates not (yet) approved, from each host's own evidence.
import { wholeRecord, type Inventory } from "../inventory/host-record.js";
import type { HostResult } from "../model/plan.js";
import { compareText } from "../order.js";
import { OPEN } from "../policy/states.js";
import type { CatalogEntry } from "./catalog.js";
import { isEstimated, relevance, withAgentInstalled } from "./evidence.js";

export interface ExposedFix {
  /** The update that fixes the CVE on this host. */
  id: string;
  /** Its state on the host: the plan's (missing, overdue, failed, exempt, deferred, …), or the update's decision. */
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
  hosts: ExposedHost[];
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

export interface ExposureInput {
  now: number;
  catalog: ReadonlyMap<string, CatalogEntry>;
  /** The plan's host lines, in file order. */
  hosts: readonly HostResult[];
  inventory: Inventory;
  /** Only this CVE (upper-case), or every exploited one. */
  cve: string | null;
}

export function exposureOf(input: ExposureInput): Exposure {
  const byCve = new Map<string, CatalogEntry[]>();
  for (const e of input.catalog.values()) {
    if (!e.spec.exploited || e.agentReported) continue;
    for (const raw of e.spec.cves) {
      const cve = raw.toUpperCase();
      if (input.cve !== null && cve !== input.cve) continue;
      const list = byCve.get(cve);
      if (list) list.push(e);
      else byCve.set(cve, [e]);
    }
  }
  const cves = [...byCve.keys()].sort(compareText).map((cve): CveExposure => {
    const fixes = byCve.get(cve)!.sort((a, b) => compareText(a.id, b.id));
    const sources = [...new Set(fixes.flatMap((e) => e.spec.exploited!.sources))].sort(compareText);
    const dates = fixes.flatMap((e) => (e.spec.exploited!.since ? [e.spec.exploited!.since] : [])).sort(compareText);
    return { cve, sources, since: dates[0] ?? null, updates: fixes.map((e) => e.id), hosts: [] };
  });
  const exposed = new Set<string>();
  const unscanned: string[] = [];
  for (const h of input.hosts) {
    const summary = input.inventory.records.get(h.host.toLowerCase());
    if (!summary) {
      if (h.status === "unscanned") unscanned.push(h.host);
      continue;
    }
    const rec = withAgentInstalled(wholeRecord(input.inventory, summary));
    const stateOf = (e: CatalogEntry): string | null => {
      const planned = h.updates[e.id];
      if (planned !== undefined)
        return FIXED_STATES.has(planned) ? "fixed" : EXPOSED_STATES.has(planned) ? planned : null;
      // Not measured by the plan (not approved, or approved but not applicable): the host's own evidence decides.
      const fixedHere = rec.installed.has(e.id) || [...e.supersededBy].some((s) => rec.installed.has(s));
      if (fixedHere) return "fixed";
      if (!relevance(e, rec).applies) return null;
      return e.decision === "approved" ? "missing" : `not approved (${e.decision})`;
    };
    for (const c of cves) {
      const states = byCve.get(c.cve)!.map((e) => ({ e, state: stateOf(e) }));
      if (states.some((s) => s.state === "fixed")) continue;
      const open = states.filter((s) => s.state !== null);
      if (open.length === 0) continue;
      exposed.add(h.host);
      c.hosts.push({
        host: h.host,
        owner: h.owner,
        status: h.status,
        estimated: isEstimated(rec),
        fixes: open.map(({ e, state }) => ({ id: e.id, state: state!, timeline: e.timeline })),
      });
    }
  }
  return {
    now: new Date(input.now).toISOString().replace(/\.000Z$/, "Z"),
    cves,
    exposedHosts: exposed.size,
    unscanned,
  };
}
