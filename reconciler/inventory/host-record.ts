// The normalized scan of one host, whatever scanner produced it.
import type { InventoryRecord } from "../model/inventory.js";

export interface HostRecord {
  host: string;
  scannedAt: number;
  scannedAtText: string;
  os: { family: string; name: string | null; version: string };
  /** Installed update ids, upper-case. */
  installed: Set<string>;
  pendingReboot: boolean;
  pendingRebootUpdates: Set<string> | null;
  products: { name: string; version: string | null }[];
  features: Set<string>;
  agentHealthy: boolean;
  /** Facts a selector can use: labels, role and cluster as the inventory reports them. */
  labels: Record<string, string>;
  role: string | null;
  cluster: string | null;
  /** Where the record came from, for messages: file:line. */
  origin: string;
}

// A fleet repeats the same few thousand update ids, OS and product names millions of times: keep one copy of each.
const interned = new Map<string, string>();
function intern(s: string): string {
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size < 1_000_000) interned.set(s, s);
  return s;
}

export function fromNative(r: InventoryRecord, origin: string): HostRecord {
  return {
    host: r.host,
    scannedAt: Date.parse(r.scannedAt),
    scannedAtText: intern(new Date(Date.parse(r.scannedAt)).toISOString().replace(/\.000Z$/, "Z")),
    os: { family: intern(r.os.family), name: r.os.name ? intern(r.os.name) : null, version: intern(r.os.version) },
    labels: r.labels ?? {},
    role: r.role ?? null,
    cluster: r.cluster ?? null,
    installed: new Set(r.installed.map((id) => intern(id.toUpperCase()))),
    pendingReboot: r.pendingReboot ?? false,
    pendingRebootUpdates: r.pendingRebootUpdates
      ? new Set(r.pendingRebootUpdates.map((id) => intern(id.toUpperCase())))
      : null,
    products: (r.products ?? []).map((p) => ({ name: intern(p.name), version: p.version ? intern(p.version) : null })),
    features: new Set((r.features ?? []).map((f) => intern(f.toLowerCase()))),
    agentHealthy: r.agent?.healthy !== false,
    origin,
  };
}

/** What the reconciler needs from an inventory: the records, and the hosts whose record was unusable. */
export interface Inventory {
  records: Map<string, HostRecord>;
  /** Host name (lower-case) → why its record could not be used (file:line and reason). */
  malformed: Map<string, { host: string; reason: string }>;
}
