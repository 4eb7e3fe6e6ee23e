// The normalized scan of one host, whatever scanner produced it.
import type { InventoryRecord } from "../model/inventory.js";
import { canonicalOsName } from "./os-names.js";
import { IdSet, NO_IDS } from "./id-set.js";
import { linuxPackages, type LinuxPackages } from "./linux/packages.js";

export interface HostRecord {
  host: string;
  scannedAt: number;
  scannedAtText: string;
  /** `name` is the canonical name (inventory/os-names.ts), whatever caption the scanner reported. */
  os: { family: string; name: string | null; version: string };
  /** The OS name as the scanner reported it, and whether it is a Windows release patchops recognises. */
  osReported: string | null;
  osKnown: boolean;
  /** Installed update ids, upper-case (a compact IdSet when read from a scan). */
  installed: ReadonlySet<string>;
  pendingReboot: boolean;
  pendingRebootUpdates: ReadonlySet<string> | null;
  products: { name: string; version: string | null }[];
  features: ReadonlySet<string>;
  agentHealthy: boolean;
  /** Installed Linux packages and the upgrades on offer; null for a host without package data. */
  linux: LinuxPackages | null;
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

// Normalising is a handful of regular expressions; a fleet repeats a few dozen captions, so remember each answer.
const osMemo = new Map<string, { name: string | null; known: boolean }>();
function osOf(os: InventoryRecord["os"]): Pick<HostRecord, "os" | "osReported" | "osKnown"> {
  const reported = os.name ? intern(os.name) : null;
  const key = `${os.family}\u0000${reported ?? ""}\u0000${os.version.split(".").slice(0, 3).join(".")}`;
  let hit = osMemo.get(key);
  if (!hit) {
    const c = canonicalOsName(os.family, reported, os.version);
    hit = { name: c.name === null ? null : intern(c.name), known: c.known };
    if (osMemo.size < 100_000) osMemo.set(key, hit);
  }
  return {
    os: { family: intern(os.family), name: hit.name, version: intern(os.version) },
    osReported: reported,
    osKnown: hit.known,
  };
}

export function fromNative(r: InventoryRecord, origin: string): HostRecord {
  return {
    host: r.host,
    scannedAt: Date.parse(r.scannedAt),
    scannedAtText: intern(new Date(Date.parse(r.scannedAt)).toISOString().replace(/\.000Z$/, "Z")),
    ...osOf(r.os),
    labels: r.labels ?? {},
    role: r.role ?? null,
    cluster: r.cluster ?? null,
    installed: new IdSet(r.installed.map((id) => id.toUpperCase())),
    pendingReboot: r.pendingReboot ?? false,
    pendingRebootUpdates: r.pendingRebootUpdates
      ? new IdSet(r.pendingRebootUpdates.map((id) => id.toUpperCase()))
      : null,
    products: (r.products ?? []).map((p) => ({ name: intern(p.name), version: p.version ? intern(p.version) : null })),
    features: r.features?.length ? new Set(r.features.map((f) => intern(f.toLowerCase()))) : NO_IDS,
    agentHealthy: r.agent?.healthy !== false,
    linux: linuxPackages(r, intern),
    origin,
  };
}

/** What the reconciler needs from an inventory: the records, and the hosts whose record was unusable. */
export interface Inventory {
  records: Map<string, HostRecord>;
  /** Host name (lower-case) → why its record could not be used (file:line and reason). */
  malformed: Map<string, { host: string; reason: string }>;
}
