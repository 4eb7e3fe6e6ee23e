// Linux updates in the catalog: upgrades the scan offers become `name=version` entries that rules approve, and
// package-version and advisory Update files learn which packages they concern.
import type { HostRecord, Inventory } from "../inventory/host-record.js";
import type { Job } from "../model/plan.js";
import { binariesOf, type LinuxPackages } from "../inventory/linux/packages.js";
import type { PolicySet } from "../model/policy-set.js";
import { UpdateSpec as UpdateSpecSchema, type UpdateSpec } from "../model/update.js";
import { compareText } from "../order.js";
import { comparePackageVersions } from "../versions/scheme.js";
import { scannedEntry, type CatalogEntry } from "./catalog.js";
import { jobId } from "./job-id.js";

/** `name=version` (apt and dnf syntax); null for a KB or advisory id. */
export function packageVersionOf(id: string): { name: string; version: string } | null {
  const eq = id.indexOf("=");
  return eq > 0 ? { name: id.slice(0, eq), version: id.slice(eq + 1) } : null;
}

/** The distribution's name for vendor matching: "Debian 12" → "Debian". */
function distribution(osName: string): string {
  return osName.replace(/\s+[\d.]+.*$/, "") || osName;
}

interface Offer {
  spec: Omit<UpdateSpec, "released"> & { released?: string };
  /** The earliest `scannedAt` of the records offering it: patchops' own sighting, never a record's claim. */
  firstSeen: number;
  osNames: Set<string>;
  /** Every offering host says security / what each says: the entry takes the least any of them claims. */
  security: boolean;
  severities: (UpdateSpec["severity"] | null)[];
}

const SEVERITY_RANK = { low: 0, moderate: 1, important: 2, critical: 3 } as const;

/**
 * Package references of scanned upgrades: such a reference concerns only a host whose own package manager offers that
 * exact version (or that already has it), never every host with the package (a host's offer concerns that host).
 */
const offeredOnly = new WeakSet<PackageRef>();

/**
 * One catalog update per upgrade the scan offers, named `name=version`. It counts as released when patchops first saw
 * it: the earliest `scannedAt` of the records offering it, or an earlier sighting recorded on the status branch
 * (`seen`, id → instant); a record's own `firstSeen` is a claim and is not believed. Its classification and severity
 * are the least any offering host claims, so one host never raises another's.
 */
export function scannedUpdates(
  inventory: Inventory,
  seen: ReadonlyMap<string, number> = new Map(),
): { spec: UpdateSpec; firstSeen: number }[] {
  const offers = new Map<string, Offer>();
  for (const rec of inventory.records.values()) {
    if (!rec.linux || !rec.os.name) continue;
    for (const [name, up] of rec.linux.available) {
      const id = `${name}=${up.version}`;
      let o = offers.get(id);
      if (!o) {
        o = {
          spec: {
            id,
            title: `${name} ${up.version} (${up.origin})`,
            vendor: distribution(rec.os.name),
            cves: [],
            classification: "update",
            appliesTo: { os: [], packages: [{ name, fixed: up.version, binary: true }] },
            supersedes: [],
            requires: [],
            restart: "maybe",
            uninstallable: false,
            remove: false,
            catalogOnly: false,
            pilot: true,
          },
          firstSeen: rec.scannedAt,
          osNames: new Set(),
          security: true,
          severities: [],
        };
        offers.set(id, o);
      }
      o.osNames.add(rec.os.name);
      // A host on a RHEL update stream is matched by its stream's name (applicability); rules still see the release's.
      if (rec.linux.stream) o.osNames.add(rec.linux.stream);
      o.firstSeen = Math.min(o.firstSeen, rec.scannedAt);
      o.security &&= up.security;
      o.severities.push(up.severity);
    }
  }
  return [...offers.values()]
    .map((o) => {
      const recorded = seen.get(o.spec.id.toUpperCase());
      const firstSeen = recorded !== undefined ? Math.min(recorded, o.firstSeen) : o.firstSeen;
      const severity = leastSeverity(o.severities);
      const spec = UpdateSpecSchema.parse({
        ...o.spec,
        classification: o.security ? "security" : "update",
        ...(severity ? { severity } : {}),
        released: new Date(firstSeen).toISOString().slice(0, 10),
        appliesTo: {
          os: [{ family: "linux", names: [...o.osNames].sort(compareText) }],
          packages: o.spec.appliesTo.packages,
        },
      });
      for (const p of spec.appliesTo.packages ?? []) offeredOnly.add(p);
      return { spec, firstSeen };
    })
    .sort((a, b) => compareText(a.spec.id, b.spec.id));
}

/** The lowest severity claimed; none when any offering host gives none. */
function leastSeverity(list: readonly (UpdateSpec["severity"] | null)[]): UpdateSpec["severity"] | null {
  let least: UpdateSpec["severity"] | null = null;
  for (const s of list) {
    if (!s) return null;
    if (!least || SEVERITY_RANK[s] < SEVERITY_RANK[least]) least = s;
  }
  return least;
}

export interface ScannedUpdatesInput {
  set: PolicySet;
  inventory: Inventory;
  now: number;
  /** Verification on: a rule approves only when its own approval was verified (rule name → when it took effect). */
  verifiedRules: ReadonlyMap<string, number> | null;
  /** When patchops first recorded each scanned upgrade (upper-case id → instant), from trusted status snapshots. */
  offersSeen?: ReadonlyMap<string, number>;
}

/** Adds the scan's upgrades to the catalog (an Update file with the same id decides instead) and completes package ids. */
export function addLinuxUpdates(catalog: Map<string, CatalogEntry>, input: ScannedUpdatesInput): void {
  for (const e of catalog.values()) {
    const pv = packageVersionOf(e.spec.id);
    if (pv && !e.spec.appliesTo.packages)
      e.spec = {
        ...e.spec,
        appliesTo: {
          ...e.spec.appliesTo,
          os: e.spec.appliesTo.os ?? [{ family: "linux" }],
          packages: [{ name: pv.name, fixed: pv.version, binary: true }],
        },
      };
  }
  for (const { spec, firstSeen } of scannedUpdates(input.inventory, input.offersSeen)) {
    const id = spec.id.toUpperCase();
    if (catalog.has(id)) continue;
    catalog.set(
      id,
      scannedEntry(id, spec, input, {
        // Not before patchops saw the offer: `released` is only its day, and a pilot window that closed before the
        // first scan offering it cannot have failed.
        notBefore: firstSeen,
        delayFrom: `patchops first saw a scan offer it on ${spec.released}`,
        pendingNote: null,
      }),
    );
  }
}

/** Package update entries by package name, for the per-host installed view. */
export class PackageIndex {
  private readonly byName = new Map<string, CatalogEntry[]>();
  constructor(catalog: Map<string, CatalogEntry>) {
    for (const e of catalog.values()) {
      if (e.decision === "pending") continue;
      for (const p of e.spec.appliesTo.packages ?? []) {
        const list = this.byName.get(p.name);
        if (list) list.push(e);
        else this.byName.set(p.name, [e]);
      }
    }
  }

  get size(): number {
    return this.byName.size;
  }

  /** Ids of decided package updates the host already satisfies: every listed package it has is at the fixed version or later. */
  satisfied(host: LinuxPackages): Set<string> {
    const out = new Set<string>();
    const seen = new Set<CatalogEntry>();
    const visit = (name: string) => {
      for (const e of this.byName.get(name) ?? []) {
        if (seen.has(e)) continue;
        seen.add(e);
        if (packageTargets(e.spec, host).length === 0 && concerns(e.spec.appliesTo.packages, host)) out.add(e.id);
      }
    };
    for (const name of host.installed.keys()) visit(name);
    for (const source of host.bySource.keys()) visit(source);
    return out;
  }
}

/** Whether any package of the update is installed on the host. */
export function concerns(packages: UpdateSpec["appliesTo"]["packages"], host: LinuxPackages): boolean {
  return (packages ?? []).some((p) => installedFor(p, host).length > 0);
}

/** Whether the host has a package of the update installed below its fixed version: it still needs the fix. */
export function belowFixed(packages: UpdateSpec["appliesTo"]["packages"], host: LinuxPackages): boolean {
  for (const p of packages ?? [])
    for (const bin of installedFor(p, host))
      if (comparePackageVersions(host.format, host.installed.get(bin)!, p.fixed) < 0) return true;
  return false;
}

type PackageRef = NonNullable<UpdateSpec["appliesTo"]["packages"]>[number];

/**
 * A binary package stands for itself; a source package (advisories name those) also for the binaries built from it.
 * A scanned upgrade concerns a host only when its own package manager offers that version or it already has it.
 */
function installedFor(p: PackageRef, host: LinuxPackages): string[] {
  if (p.os && p.os.toLowerCase() !== host.osName) return [];
  if (offeredOnly.has(p)) {
    const have = host.installed.get(p.name);
    if (have === undefined) return [];
    const offered = host.available.get(p.name)?.version === p.fixed;
    return offered || comparePackageVersions(host.format, have, p.fixed) >= 0 ? [p.name] : [];
  }
  if (p.binary) return host.installed.has(p.name) ? [p.name] : [];
  return binariesOf(host, p.name);
}

/**
 * What the host must install for this update, as `name=version`: each installed binary below the fixed version, at the
 * candidate its package manager offers when that is at least the fixed version (the one apt or dnf can fetch), else at the fixed version.
 */
export function packageTargets(spec: UpdateSpec, host: LinuxPackages): { name: string; version: string }[] {
  const out: { name: string; version: string }[] = [];
  for (const p of spec.appliesTo.packages ?? []) {
    for (const bin of installedFor(p, host)) {
      const have = host.installed.get(bin)!;
      if (comparePackageVersions(host.format, have, p.fixed) >= 0) continue;
      const offered = host.available.get(bin);
      const version =
        offered && comparePackageVersions(host.format, offered.version, p.fixed) >= 0 ? offered.version : p.fixed;
      out.push({ name: bin, version });
    }
  }
  return out;
}

/** The record as the reconcile measures it: a Linux host also "has installed" every decided package update it satisfies. */
export function withSatisfiedPackages(rec: HostRecord | null, index: PackageIndex): HostRecord | null {
  if (!rec?.linux || index.size === 0) return rec;
  const satisfied = index.satisfied(rec.linux);
  if (satisfied.size === 0) return rec;
  return { ...rec, installed: new Set([...rec.installed, ...satisfied]) };
}

/**
 * Gives each install job of a Linux host its `packages`: `name=version` for apt or dnf, in the job's install order, one
 * version per package (the highest any of its updates needs).
 */
export function addPackageLists(jobs: Job[], catalog: Map<string, CatalogEntry>, inventory: Inventory): void {
  for (const job of jobs) {
    if (job.type !== "install") continue;
    const host = inventory.records.get(job.host.toLowerCase())?.linux;
    if (!host) continue;
    const chosen = new Map<string, string>();
    for (const id of job.updates) {
      const spec = catalog.get(id)?.spec;
      if (!spec) continue;
      for (const t of packageTargets(spec, host)) {
        const prev = chosen.get(t.name);
        if (prev === undefined || comparePackageVersions(host.format, t.version, prev) > 0)
          chosen.set(t.name, t.version);
      }
    }
    if (chosen.size === 0) continue;
    job.packages = [...chosen].map(([name, version]) => `${name}=${version}`);
    // The versions come from the scan too: a different candidate is a different job.
    job.id = jobId([job.id, job.packages]);
  }
}
