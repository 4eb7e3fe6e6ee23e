// Every host the plan speaks of: assigned, scanned, or named by a bad record; with its facts and baselines.
import type { Inventory, HostRecord } from "../inventory/host-record.js";
import type { LoadedDoc, PolicySet } from "../model/policy-set.js";
import type { AssignedHost, AssignmentSpec } from "../model/assignment.js";
import type { BaselineSpec } from "../model/baseline.js";
import type { TimetableSpec } from "../model/timetable.js";
import { matchesSelector, type HostFacts } from "../policy/selector.js";
import { compareText } from "../order.js";
import { selectHosts, type SelectedHost } from "./targeting.js";
import { timetablesByName } from "../policy/timetables.js";

/** What the plan knows of one host. A class: its selector facts are derived when asked, not held per host. */
export class HostContext {
  assignment: LoadedDoc<AssignmentSpec> | null = null;
  entry: AssignedHost | null = null;
  /** The host's entry in its assignment's `hosts`, or -1 when a selector picked it. */
  entryIndex = -1;
  /** The selector that picked the host, or -1 when an entry names it. */
  selectorIndex = -1;
  timetable: LoadedDoc<TimetableSpec> | null = null;
  record: HostRecord | null = null;
  malformed: string | null = null;
  baselines: LoadedDoc<BaselineSpec>[] = NO_BASELINES;

  constructor(public name: string) {}

  /** What a selector matches: the assignment's entry (role, cluster, labels), its owner, the scanned OS family. */
  get facts(): HostFacts {
    const e = this.entry;
    return {
      name: e?.name ?? this.name,
      os: this.record?.os.family ?? null,
      role: e?.role ?? null,
      owner: this.assignment?.spec.owner ?? null,
      cluster: e?.cluster ?? null,
      labels: e?.labels ?? NO_LABELS,
    };
  }
}

const NO_BASELINES: LoadedDoc<BaselineSpec>[] = [];
const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * The hosts a partial plan holds: the asked hosts, every node of their clusters, and the reference collection a
 * written plan chose (lower-case names). The pilot pass then chooses the collection again among these hosts and
 * gets the written one: each permutation's pick is the first eligible host (in name order) whose cluster is not
 * taken, the written picks are all held, and a held host that precedes a pick was passed over in the whole fleet
 * for the same reason it is passed over here.
 */
export function partialNames(
  set: PolicySet,
  selected: ReadonlyMap<string, SelectedHost>,
  partial: PartialScope,
): Set<string> {
  const lists = [...set.assignments.map((a) => a.spec.hosts), [...selected.values()].map((s) => s.entry)];
  const clusters = new Set<string>();
  for (const list of lists)
    for (const e of list) if (e.cluster && partial.hosts.has(e.name.toLowerCase())) clusters.add(e.cluster);
  const names = new Set([...partial.hosts, ...partial.reference.map((n) => n.toLowerCase())]);
  if (clusters.size > 0)
    for (const list of lists)
      for (const e of list) if (e.cluster && clusters.has(e.cluster)) names.add(e.name.toLowerCase());
  return names;
}

/** A plan of some hosts only (explain --plan): these hosts (lower-case) and the reference collection as written. */
export interface PartialScope {
  hosts: ReadonlySet<string>;
  reference: readonly string[];
}

export function hostContexts(set: PolicySet, inventory: Inventory, partial?: PartialScope): HostContext[] {
  const timetables = timetablesByName(set);
  const byKey = new Map<string, HostContext>();
  const selected = selectHosts(set, inventory);
  const held = partial ? partialNames(set, selected, partial) : null;
  const ensure = (name: string): HostContext | null => {
    const key = name.toLowerCase();
    if (held && !held.has(key)) return null;
    let h = byKey.get(key);
    if (!h) {
      h = new HostContext(name);
      byKey.set(key, h);
    }
    return h;
  };
  for (const a of set.assignments) {
    a.spec.hosts.forEach((entry, i) => {
      const h = ensure(entry.name);
      if (!h || h.assignment) return; // validation reports the duplicate; the first assignment wins
      h.name = entry.name;
      h.assignment = a;
      h.entry = entry;
      h.entryIndex = i;
      h.timetable = timetables.get(a.spec.timetable) ?? null;
    });
  }
  // Explicit entries win; a selector picks only hosts no assignment names.
  for (const sel of selected.values()) {
    const h = ensure(sel.entry.name);
    if (!h || h.assignment) continue;
    h.assignment = sel.assignment;
    h.entry = sel.entry;
    h.selectorIndex = sel.selectorIndex;
    h.timetable = timetables.get(sel.assignment.spec.timetable) ?? null;
  }
  for (const rec of inventory.records.values()) {
    const h = ensure(rec.host);
    if (h) h.record = rec;
  }
  for (const { host, reason } of inventory.malformed.values()) {
    const h = ensure(host);
    // A later good record of the same host does not hide that one of its records was unusable.
    if (h) h.malformed = reason;
  }
  const hosts = [...byKey.values()].sort((a, b) =>
    a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0,
  );
  // Hosts matching the same baselines share one list: a fleet has a handful of such lists, not one per host.
  const sorted = [...set.baselines].sort((a, b) => compareText(a.name, b.name));
  const lists = new Map<string, LoadedDoc<BaselineSpec>[]>();
  for (const h of hosts) {
    const facts = h.facts;
    const matched = sorted.filter((b) => matchesSelector(b.spec.selector, facts));
    const key = matched.map((b) => b.name).join("\u0000");
    let shared = lists.get(key);
    if (!shared) lists.set(key, (shared = matched));
    h.baselines = shared;
  }
  return hosts;
}

/** Where the host's period is written: its entry, or the selector that picked it. */
export function periodPath(h: HostContext): (string | number)[] {
  return h.selectorIndex >= 0
    ? ["spec", "selectors", h.selectorIndex, "periods"]
    : ["spec", "hosts", h.entryIndex, "period"];
}
