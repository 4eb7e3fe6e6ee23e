// Every host the plan speaks of: assigned, scanned, or named by a bad record; with its facts and baselines.
import type { Inventory, HostRecord } from "../inventory/host-record.js";
import type { LoadedDoc, PolicySet } from "../load/policy-set.js";
import type { AssignedHost, AssignmentSpec } from "../model/assignment.js";
import type { BaselineSpec } from "../model/baseline.js";
import type { TimetableSpec } from "../model/timetable.js";
import { matchesSelector, type HostFacts } from "../policy/selector.js";
import { compareText } from "../order.js";

export interface HostContext {
  name: string;
  assignment: LoadedDoc<AssignmentSpec> | null;
  entry: AssignedHost | null;
  entryIndex: number;
  timetable: LoadedDoc<TimetableSpec> | null;
  record: HostRecord | null;
  malformed: string | null;
  facts: HostFacts;
  baselines: LoadedDoc<BaselineSpec>[];
}

export function hostContexts(set: PolicySet, inventory: Inventory): HostContext[] {
  const timetables = new Map(set.timetables.map((t) => [t.name, t]));
  const byKey = new Map<string, HostContext>();
  const ensure = (name: string): HostContext => {
    const key = name.toLowerCase();
    let h = byKey.get(key);
    if (!h) {
      h = {
        name,
        assignment: null,
        entry: null,
        entryIndex: -1,
        timetable: null,
        record: null,
        malformed: null,
        facts: { name, os: null, role: null, owner: null, cluster: null, labels: {} },
        baselines: [],
      };
      byKey.set(key, h);
    }
    return h;
  };
  for (const a of set.assignments) {
    a.spec.hosts.forEach((entry, i) => {
      const h = ensure(entry.name);
      if (h.assignment) return; // validation reports the duplicate; the first assignment wins
      h.name = entry.name;
      h.assignment = a;
      h.entry = entry;
      h.entryIndex = i;
      h.timetable = timetables.get(a.spec.timetable) ?? null;
      h.facts = {
        name: entry.name,
        os: null,
        role: entry.role ?? null,
        owner: a.spec.owner,
        cluster: entry.cluster ?? null,
        labels: entry.labels ?? {},
      };
    });
  }
  for (const [key, rec] of inventory.records) {
    const h = ensure(rec.host);
    h.record = rec;
    h.facts.os = rec.os.family;
    void key;
  }
  for (const { host, reason } of inventory.malformed.values()) {
    const h = ensure(host);
    // A later good record of the same host does not hide that one of its records was unusable.
    h.malformed = reason;
  }
  const hosts = [...byKey.values()].sort((a, b) =>
    a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0,
  );
  for (const h of hosts)
    h.baselines = set.baselines
      .filter((b) => matchesSelector(b.spec.selector, h.facts))
      .sort((a, b) => compareText(a.name, b.name));
  return hosts;
}
