// The normalized scan of one host, whatever scanner produced it.
import type { InventoryRecord } from "../model/inventory.js";
import { canonicalOsName } from "./os-names.js";
import { IdSet, NO_IDS } from "./id-set.js";
import type { IdStore } from "./id-store.js";
import { hasLinuxPackages, linuxPackages, type LinuxPackages } from "./linux/packages.js";
import { identityOf } from "../identity.js";
import { agentEvidenceOf, hasAgentEvidence, type AgentEvidence } from "./agent-scan.js";

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
  /** Whether the record carries its update agent's scan (agent evidence); false: applicability is estimated. */
  agentScanned: boolean;
  /** The agent's scan; a summary does not hold it (reading it throws when agentScanned: read the whole record). */
  agentScan: AgentEvidence | null;
  /** Installed Linux packages and the upgrades on offer; null for a host without package data. */
  linux: LinuxPackages | null;
  /** Facts a selector can use: labels, role and cluster as the inventory reports them. */
  labels: Record<string, string>;
  role: string | null;
  cluster: string | null;
  /** Where the record came from, for messages: file:line. */
  origin: string;
  /**
   * Set on a summary (an inventory read with `summaries`): the whole record is not held, and `installed` and
   * `pendingRebootUpdates` throw if read; `Inventory.whole` reads the record again from here.
   */
  place?: RecordPlace;
}

/** Where a record's line lies: the index of its source in the inventory's reader, a byte offset and length. */
export interface RecordPlace {
  source: number;
  offset: number;
  bytes: number;
}

/** The installed ids of a summary record: not held, so reading them is a bug (fail loudly, never "none installed"). */
class NotHeld implements ReadonlySet<string> {
  private fail(): never {
    throw new Error("internal: a summary inventory record's update ids were read; read the whole record first");
  }
  get size(): number {
    return this.fail();
  }
  has(): boolean {
    return this.fail();
  }
  values(): SetIterator<string> {
    return this.fail();
  }
  keys(): SetIterator<string> {
    return this.fail();
  }
  entries(): SetIterator<[string, string]> {
    return this.fail();
  }
  forEach(): void {
    this.fail();
  }
  [Symbol.iterator](): SetIterator<string> {
    return this.fail();
  }
}
const NOT_HELD: ReadonlySet<string> = new NotHeld();

// A fleet repeats the same few thousand update ids, OS and product names millions of times: keep one copy of each.
const interned = new Map<string, string>();
function intern(s: string): string {
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size < 1_000_000) interned.set(s, s);
  return s;
}

// Normalising is a handful of regular expressions; a fleet repeats a few dozen captions and a few hundred builds, so
// each (family, caption, build) is answered once, and hosts on the same build share one frozen OS object. Nested maps,
// so that no key string is built per host.
type OsFacts = Pick<HostRecord, "os" | "osReported" | "osKnown">;
const osMemo = new Map<string, { name: string | null; known: boolean }>();
const osFacts = new Map<string, Map<string, Map<string, OsFacts>>>();
let osFactsHeld = 0;
function osOf(os: InventoryRecord["os"]): OsFacts {
  let byName = osFacts.get(os.family);
  if (!byName) osFacts.set(os.family, (byName = new Map()));
  const caption = os.name ?? "\u0000";
  let byVersion = byName.get(caption);
  if (!byVersion) byName.set(caption, (byVersion = new Map()));
  let hit = byVersion.get(os.version);
  if (hit) return hit;
  const reported = os.name ? intern(os.name) : null;
  const key = `${os.family}\u0000${reported ?? ""}\u0000${os.version.split(".").slice(0, 3).join(".")}`;
  let canonical = osMemo.get(key);
  if (!canonical) {
    const c = canonicalOsName(os.family, reported, os.version);
    canonical = { name: c.name === null ? null : intern(c.name), known: c.known };
    if (osMemo.size < 100_000) osMemo.set(key, canonical);
  }
  hit = Object.freeze({
    os: Object.freeze({ family: intern(os.family), name: canonical.name, version: intern(os.version) }),
    osReported: reported,
    osKnown: canonical.known,
  });
  if (osFactsHeld < 100_000) {
    byVersion.set(os.version, hit);
    osFactsHeld++;
  }
  return hit;
}

/** Labels, products and features repeat across a fleet: hosts reporting the same ones share one frozen copy. */
const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_PRODUCTS: HostRecord["products"] = Object.freeze([]) as unknown as HostRecord["products"];
const productsMemo = new Map<string, HostRecord["products"]>();
function productsOf(list: InventoryRecord["products"]): HostRecord["products"] {
  if (!list || list.length === 0) return NO_PRODUCTS;
  const key = list.map((p) => `${p.name}\u0000${p.version ?? "\u0001"}`).join("\u0000");
  let hit = productsMemo.get(key);
  if (!hit) {
    hit = Object.freeze(
      list.map((p) => Object.freeze({ name: intern(p.name), version: p.version ? intern(p.version) : null })),
    ) as HostRecord["products"];
    if (productsMemo.size < 100_000) productsMemo.set(key, hit);
  }
  return hit;
}

/**
 * A record's update ids as numbers (`scanNumbers`), when its check already numbered them: maybe in shared buffers,
 * so whatever keeps them copies them.
 */
export interface ScanIds {
  installed: Uint32Array;
  pending: Uint32Array | null;
}

/** The record as patchops uses it, whole: with its installed update ids. */
export function fromNative(r: InventoryRecord, origin: string, ids?: ScanIds): HostRecord {
  return {
    host: r.host,
    scannedAt: Date.parse(r.scannedAt),
    scannedAtText: scannedText(r.scannedAt),
    ...osOf(r.os),
    labels: r.labels && Object.keys(r.labels).length > 0 ? r.labels : NO_LABELS,
    role: r.role ?? null,
    cluster: r.cluster ?? null,
    installed: ids ? IdSet.ofNumbers(ids.installed.slice()) : IdSet.ofScan(r.installed),
    pendingReboot: r.pendingReboot ?? false,
    pendingRebootUpdates: ids?.pending
      ? IdSet.ofNumbers(ids.pending.slice())
      : r.pendingRebootUpdates
        ? IdSet.ofScan(r.pendingRebootUpdates)
        : null,
    products: productsOf(r.products),
    features: r.features?.length ? new Set(r.features.map((f) => intern(f.toLowerCase()))) : NO_IDS,
    agentHealthy: r.agent?.healthy !== false,
    ...agentFields(r),
    linux: linuxPackages(r, intern),
    origin,
  };
}

function agentFields(
  r: Pick<InventoryRecord, "agentScan" | "scanErrors">,
): Pick<HostRecord, "agentScanned" | "agentScan"> {
  const agentScan = agentEvidenceOf(r);
  return { agentScanned: agentScan !== null, agentScan };
}

function scannedText(at: string): string {
  return intern(new Date(Date.parse(at)).toISOString().replace(/\.000Z$/, "Z"));
}

/** What hosts of one build, product set and state share: one object for all of them. */
type Profile = Omit<HostRecord, "host" | "os" | "installed" | "origin" | "place" | "agentScan">;
const profiles = new Map<string, Profile>();

/**
 * A summary: a scanned host without its update ids, about a hundred bytes. The facts it shares with hosts like it live
 * in one profile object; pass two reads the whole record again from its place.
 */
class SummaryRecord implements HostRecord {
  constructor(
    readonly host: string,
    readonly os: HostRecord["os"],
    private readonly p: Profile,
    private readonly label: string,
    private readonly line: number,
    private readonly source: number,
    private readonly offset: number,
    private readonly bytes: number,
    /** Where its update ids are held in pass one's store (installed, then pending-reboot ones), or -1: read again. */
    readonly held: number,
    readonly heldInstalled: number,
    readonly heldPending: number,
  ) {}
  get scannedAt() {
    return this.p.scannedAt;
  }
  get scannedAtText() {
    return this.p.scannedAtText;
  }
  get osReported() {
    return this.p.osReported;
  }
  get osKnown() {
    return this.p.osKnown;
  }
  get installed() {
    return NOT_HELD;
  }
  get pendingReboot() {
    return this.p.pendingReboot;
  }
  get pendingRebootUpdates() {
    return this.p.pendingRebootUpdates;
  }
  get products() {
    return this.p.products;
  }
  get features() {
    return this.p.features;
  }
  get agentHealthy() {
    return this.p.agentHealthy;
  }
  get agentScanned() {
    return this.p.agentScanned;
  }
  get agentScan(): AgentEvidence | null {
    if (this.p.agentScanned)
      throw new Error("internal: a summary inventory record's agent scan was read; read the whole record first");
    return null;
  }
  get linux() {
    return null;
  }
  get labels() {
    return this.p.labels;
  }
  get role() {
    return this.p.role;
  }
  get cluster() {
    return this.p.cluster;
  }
  get origin() {
    return `${this.label}:${this.line}`;
  }
  get place(): RecordPlace {
    return { source: this.source, offset: this.offset, bytes: this.bytes };
  }
}

/**
 * The record a streaming plan holds in pass one: a summary (`SummaryRecord`) for a host without Linux package data;
 * a Linux host's packages are fleet-wide facts (scanned upgrades), so its record is kept whole. With a `store` and
 * the record's `ids`, a host without an agent scan has its update ids held there (while the store's budget lasts),
 * and pass two builds its record from them (`heldRecord`) instead of reading its line again.
 */
export function summaryOf(
  r: InventoryRecord,
  label: string,
  line: number,
  place: RecordPlace,
  held?: { store: IdStore; ids: ScanIds },
): HostRecord {
  if (hasLinuxPackages(r)) return fromNative(r, `${label}:${line}`, held?.ids);
  const os = osOf(r.os);
  const products = productsOf(r.products);
  const features = r.features?.length ? [...new Set(r.features.map((f) => f.toLowerCase()))] : [];
  const labels = r.labels && Object.keys(r.labels).length > 0 ? r.labels : NO_LABELS;
  // Not the OS itself: builds differ in their last part host by host, and the shared OS object is held per record.
  const key =
    identityOf(products) +
    JSON.stringify([
      os.osReported,
      os.osKnown,
      features,
      labels === NO_LABELS ? null : labels,
      r.role ?? null,
      r.cluster ?? null,
      r.agent?.healthy !== false,
      hasAgentEvidence(r),
      r.pendingReboot ?? false,
      !!r.pendingRebootUpdates,
      r.scannedAt,
    ]);
  let p = profiles.get(key);
  if (!p) {
    p = Object.freeze({
      scannedAt: Date.parse(r.scannedAt),
      scannedAtText: scannedText(r.scannedAt),
      osReported: os.osReported,
      osKnown: os.osKnown,
      labels,
      role: r.role ?? null,
      cluster: r.cluster ?? null,
      pendingReboot: r.pendingReboot ?? false,
      pendingRebootUpdates: r.pendingRebootUpdates ? NOT_HELD : null,
      products,
      features: features.length ? new Set(features.map(intern)) : NO_IDS,
      agentHealthy: r.agent?.healthy !== false,
      agentScanned: hasAgentEvidence(r),
      linux: null,
    });
    if (profiles.size < 100_000) profiles.set(key, p);
  }
  // An agent scan is not held: such a host's line is read again.
  const at = held && !p.agentScanned ? held.store.hold(held.ids.installed, held.ids.pending) : -1;
  return new SummaryRecord(
    r.host,
    os.os,
    p,
    label,
    line,
    place.source,
    place.offset,
    place.bytes,
    at,
    at >= 0 ? held!.ids.installed.length : 0,
    at >= 0 && held!.ids.pending ? held!.ids.pending.length : -1,
  );
}

/** A summary made whole from the update ids pass one held in `store`; null when they were not held there. */
export function heldRecord(rec: HostRecord, store: IdStore): HostRecord | null {
  if (!(rec instanceof SummaryRecord) || rec.held < 0) return null;
  const installed = IdSet.ofNumbers(store.view(rec.held, rec.heldInstalled));
  const pending =
    rec.heldPending < 0 ? null : IdSet.ofNumbers(store.view(rec.held + rec.heldInstalled, rec.heldPending));
  return completedWith(rec, installed, pending, {});
}

/** What the reconciler needs from an inventory: the records, and the hosts whose record was unusable. */
export interface Inventory {
  records: Map<string, HostRecord>;
  /** Host name (lower-case) → why its record could not be used (file:line and reason). */
  malformed: Map<string, { host: string; reason: string }>;
  /** Reads a summary record's whole record again (see `RecordPlace`); absent when every record is whole. */
  whole?: (rec: HostRecord) => HostRecord;
  /** Closes the files `whole` reads and removes any spooled copy of standard input. */
  dispose?: () => void;
  /** SHA-256 of what was read (each input's text as UTF-8, the format and --scanned-at): set by `readInventory`. */
  digest?: string;
}

/**
 * A summary made whole again with the update ids of its line (read again by pass two): every other fact is the
 * summary's own, so nothing is normalised twice.
 */
export function completed(
  summary: HostRecord,
  installed: readonly string[],
  pendingRebootUpdates: readonly string[] | undefined,
  scan: Pick<InventoryRecord, "agentScan" | "scanErrors"> = {},
): HostRecord {
  return completedWith(
    summary,
    IdSet.ofScan(installed),
    pendingRebootUpdates ? IdSet.ofScan(pendingRebootUpdates) : null,
    scan,
  );
}

function completedWith(
  summary: HostRecord,
  installed: IdSet,
  pendingRebootUpdates: IdSet | null,
  scan: Pick<InventoryRecord, "agentScan" | "scanErrors">,
): HostRecord {
  return {
    host: summary.host,
    scannedAt: summary.scannedAt,
    scannedAtText: summary.scannedAtText,
    os: summary.os,
    osReported: summary.osReported,
    osKnown: summary.osKnown,
    labels: summary.labels,
    role: summary.role,
    cluster: summary.cluster,
    installed,
    pendingReboot: summary.pendingReboot,
    pendingRebootUpdates,
    products: summary.products,
    features: summary.features,
    agentHealthy: summary.agentHealthy,
    ...agentFields(scan),
    linux: null,
    origin: summary.origin,
  };
}

/** The record with its update ids: the record itself, or read again when it is a summary. */
export function wholeRecord(inventory: Inventory, rec: HostRecord): HostRecord {
  if (!rec.place) return rec;
  if (!inventory.whole) throw new Error("internal: a summary inventory record without a reader");
  return inventory.whole(rec);
}
