// Units of pass two: a cluster's nodes together (cluster safety and isolation are per cluster), any other host alone.
import type { HostContext } from "../hosts.js";

/**
 * The units in the order of their first host; hosts within a unit keep hosts.ndjson order. Made one at a time: only
 * clusters are grouped ahead, so nothing per host is held beyond the hosts themselves.
 */
export function* planUnits(hosts: readonly HostContext[]): Generator<HostContext[]> {
  const clusters = new Map<string, HostContext[]>();
  for (const h of hosts) {
    const cluster = h.entry?.cluster;
    if (!cluster) continue;
    const nodes = clusters.get(cluster);
    if (nodes) nodes.push(h);
    else clusters.set(cluster, [h]);
  }
  for (const h of hosts) {
    const cluster = h.entry?.cluster;
    if (!cluster) yield [h];
    else if (clusters.get(cluster)![0] === h) yield clusters.get(cluster)!;
  }
}
