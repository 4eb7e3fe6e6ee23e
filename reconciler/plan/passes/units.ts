// Units of pass two: a cluster's nodes together (cluster safety and isolation are per cluster), any other host alone.
import type { HostContext } from "../hosts.js";

/** The units in the order of their first host; hosts within a unit keep hosts.ndjson order. */
export function planUnits(hosts: readonly HostContext[]): HostContext[][] {
  const byKey = new Map<string, HostContext[]>();
  for (const h of hosts) {
    const cluster = h.entry?.cluster;
    const key = cluster ? `cluster\u0000${cluster}` : `host\u0000${h.name}`;
    const unit = byKey.get(key);
    if (unit) unit.push(h);
    else byKey.set(key, [h]);
  }
  return [...byKey.values()];
}
