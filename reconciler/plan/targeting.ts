// Dynamic targeting: assignment selectors pick scanned hosts by inventory facts and give each a period by a stable hash.
import type { HostRecord, Inventory } from "../inventory/host-record.js";
import type { LoadedDoc, PolicySet } from "../model/policy-set.js";
import type { AssignedHost, AssignmentSpec, HostSelector } from "../model/assignment.js";
import { compareText } from "../order.js";
import { shardOf } from "./job-id.js";
import { satisfies } from "./versions.js";
import { hostGlob } from "../inventory/host-glob.js";

export interface SelectedHost {
  assignment: LoadedDoc<AssignmentSpec>;
  selectorIndex: number;
  /** The entry the host would have had if it were named, with the period the hash gave it. */
  entry: AssignedHost;
}

export function selectorMatches(s: HostSelector, rec: HostRecord): boolean {
  const m = s.match;
  if (m.name && !hostGlob(m.name).test(rec.host)) return false;
  if (m.os && m.os !== rec.os.family) return false;
  if (m.osName && m.osName.toLowerCase() !== (rec.os.name ?? "").toLowerCase()) return false;
  if (m.osVersion && !satisfies(rec.os.version, m.osVersion)) return false;
  if (m.role && m.role !== rec.role) return false;
  for (const [k, v] of Object.entries(m.labels ?? {})) if (rec.labels[k] !== v) return false;
  return true;
}

/** The day of a standard period (D<day>-HH); a recurring window's name is its own "day". */
function dayOf(period: string): string {
  return /^D(\d+)-\d\d$/.exec(period)?.[1] ?? period;
}

/**
 * Every scanned host that no assignment names and some selector matches (assignments in file order, selectors in
 * their order: the first match wins), with its period. A host's period is periods[hash(name) mod n]; the nodes of one
 * cluster (as the inventory reports it) each take the next period on a day no other node of that cluster has,
 * counting explicitly named nodes too.
 */
export function selectHosts(set: PolicySet, inventory: Inventory): Map<string, SelectedHost> {
  const out = new Map<string, SelectedHost>();
  if (!set.assignments.some((a) => a.spec.selectors.length > 0)) return out;
  const named = new Set<string>();
  const clusterDays = new Map<string, Set<string>>();
  for (const a of set.assignments)
    for (const h of a.spec.hosts) {
      named.add(h.name.toLowerCase());
      if (h.cluster)
        (clusterDays.get(h.cluster) ?? clusterDays.set(h.cluster, new Set()).get(h.cluster)!).add(dayOf(h.period));
    }
  const assignments = [...set.assignments]
    .filter((a) => a.spec.selectors.length > 0)
    .sort((a, b) => compareText(a.file, b.file));
  const records = [...inventory.records.values()]
    .filter((r) => !named.has(r.host.toLowerCase()))
    .sort((a, b) => compareText(a.host.toLowerCase(), b.host.toLowerCase()));
  for (const rec of records) {
    for (const a of assignments) {
      const i = a.spec.selectors.findIndex((s) => selectorMatches(s, rec));
      if (i < 0) continue;
      const periods = a.spec.selectors[i]!.periods;
      let k = shardOf(`period:${rec.host.toLowerCase()}`, periods.length) - 1;
      if (rec.cluster) {
        const used = clusterDays.get(rec.cluster) ?? clusterDays.set(rec.cluster, new Set()).get(rec.cluster)!;
        const free = periods.findIndex((_, step) => !used.has(dayOf(periods[(k + step) % periods.length]!)));
        // With more nodes than days, cluster safety in the plan reports the overlap (cluster-window).
        if (free >= 0) k = (k + free) % periods.length;
        used.add(dayOf(periods[k]!));
      }
      const entry: AssignedHost = { name: rec.host, period: periods[k]! };
      if (rec.cluster) entry.cluster = rec.cluster;
      if (rec.role) entry.role = rec.role;
      if (Object.keys(rec.labels).length) entry.labels = rec.labels;
      out.set(rec.host.toLowerCase(), { assignment: a, selectorIndex: i, entry });
      break;
    }
  }
  return out;
}

/** How many hosts each selector matched (after explicit entries and earlier selectors), for validate and the PR comment. */
export function selectorCounts(
  set: PolicySet,
  inventory: Inventory,
): { file: string; selector: number; hosts: number }[] {
  const counts = new Map<string, number>();
  for (const s of selectHosts(set, inventory).values()) {
    const key = `${s.assignment.file}#${s.selectorIndex}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return set.assignments
    .flatMap((a) =>
      a.spec.selectors.map((_, i) => ({ file: a.file, selector: i, hosts: counts.get(`${a.file}#${i}`) ?? 0 })),
    )
    .sort((x, y) => compareText(x.file, y.file) || x.selector - y.selector);
}
