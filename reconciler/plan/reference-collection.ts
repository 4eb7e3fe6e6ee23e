// The reference collection: the hosts that take each update first, covering every permutation of the fleet.
import { pushTo } from "../multimap.js";
import type { PatchPolicySpec } from "../model/policy.js";
import type { HostContext } from "./hosts.js";
import { matchesSelector } from "../policy/selector.js";

/** Distinct (OS build, role, baselines, products) combinations: one host each, never two nodes of one cluster. */
export function referenceCollection(
  hosts: readonly HostContext[],
  policy: PatchPolicySpec,
  productNames: ReadonlySet<string>,
  eligible: (h: HostContext) => boolean,
): Set<string> {
  const chosen = new Set<string>();
  const pool = hosts.filter(
    (h) =>
      h.entry &&
      h.record &&
      eligible(h) &&
      h.timetable?.spec.cycle &&
      !h.timetable.spec.windows.some((w) => w.name === h.entry!.period),
  );
  if (policy.pilot.hosts !== "auto") {
    const selector = policy.pilot.hosts;
    for (const h of pool) if (matchesSelector(selector, h.facts)) chosen.add(h.name);
    return chosen;
  }
  const byKey = new Map<string, HostContext[]>();
  for (const h of pool) {
    const r = h.record!;
    const build = r.os.version.split(".").slice(0, 3).join(".");
    const products = r.products
      .map((p) => p.name.toLowerCase())
      .filter((n) => productNames.has(n))
      .sort();
    const key = JSON.stringify([
      r.os.family,
      r.os.name,
      build,
      h.entry!.role ?? null,
      h.baselines.map((b) => b.name),
      [...new Set(products)],
    ]);
    pushTo(byKey, key, h);
  }
  const clustersTaken = new Set<string>();
  for (const key of [...byKey.keys()].sort()) {
    const candidates = byKey.get(key)!;
    const pick = candidates.find((h) => !h.entry!.cluster || !clustersTaken.has(h.entry!.cluster));
    if (!pick) continue;
    chosen.add(pick.name);
    if (pick.entry!.cluster) clustersTaken.add(pick.entry!.cluster);
  }
  return chosen;
}
