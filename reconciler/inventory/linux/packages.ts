// A Linux host's installed packages and offered upgrades, indexed by package name for the reconcile.
import type { InventoryRecord } from "../../model/inventory.js";
import { comparePackageVersions, type PackageFormat } from "../../versions/scheme.js";

export interface AvailableUpgrade {
  version: string;
  origin: string;
  security: boolean;
  severity: "critical" | "important" | "moderate" | "low" | null;
  /** Epoch milliseconds. */
  firstSeen: number;
}

export interface LinuxPackages {
  format: PackageFormat;
  /**
   * The host's OS name, lower-case: an advisory's fixed versions are per release. A host on a RHEL update stream
   * (EUS, E4S, AUS, TUS) is named by its stream, e.g. "red hat enterprise linux 9.2 eus": only that stream's fixes
   * concern it, never the mainline release's.
   */
  osName: string | null;
  /** The update stream a RHEL host is pinned to ("Red Hat Enterprise Linux 9.2 EUS"), from its enabled repositories. */
  stream: string | null;
  /** Package name → installed version; with several architectures, the oldest (it is the one still exposed). */
  installed: Map<string, string>;
  /** Source package name → its installed binary packages (advisories name source packages). */
  bySource: Map<string, string[]>;
  /** Package name → the candidate the package manager would install. */
  available: Map<string, AvailableUpgrade>;
}

/** The record's package data, or null when it has none. A record without `packageFormat` is read as deb or rpm from its OS name. */
/** Whether a record carries Linux package data (installed packages or upgrades on offer). */
export function hasLinuxPackages(r: InventoryRecord): boolean {
  return !!(r.packages || r.availableUpdates);
}

export function linuxPackages(r: InventoryRecord, intern: (s: string) => string = (s) => s): LinuxPackages | null {
  if (!hasLinuxPackages(r)) return null;
  const format = r.packageFormat ?? guessFormat(r.os.name ?? "");
  const installed = new Map<string, string>();
  const bySource = new Map<string, string[]>();
  for (const p of r.packages ?? []) {
    if (p.source && p.source !== p.name) {
      const list = bySource.get(p.source);
      if (!list) bySource.set(intern(p.source), [p.name]);
      else if (!list.includes(p.name)) list.push(p.name);
    }
    const prev = installed.get(p.name);
    if (prev === undefined || comparePackageVersions(format, p.version, prev) < 0)
      installed.set(intern(p.name), intern(p.version));
  }
  const available = new Map<string, AvailableUpgrade>();
  const scanned = Date.parse(r.scannedAt);
  for (const u of r.availableUpdates ?? []) {
    const prev = available.get(u.name);
    if (prev && comparePackageVersions(format, u.version, prev.version) <= 0) continue;
    available.set(intern(u.name), {
      version: intern(u.version),
      origin: intern(u.origin),
      security: u.security,
      severity: u.severity ?? null,
      firstSeen: u.firstSeen ? Date.parse(u.firstSeen) : scanned,
    });
  }
  const stream = streamOf(r);
  const name = stream ?? r.os.name;
  return { format, osName: name ? intern(name.toLowerCase()) : null, stream, installed, bySource, available };
}

/** RHEL's minor-release streams, as their repository ids (rhel-8-for-x86_64-baseos-eus-rpms) and OSV/CSAF name them. */
export const RHEL_STREAMS = ["EUS", "E4S", "AUS", "TUS"] as const;
const STREAM_REPO =
  /^rhel-(\d+)-(?:for-[a-z0-9_]+-[a-z0-9_-]+|server(?:-[a-z0-9_-]+)?)-(eus|e4s|aus|tus)(?:-[a-z]+)?-rpms$/;

/**
 * The stream a RHEL host is pinned to, from its enabled repositories and its release: a host with
 * rhel-8-for-x86_64-baseos-eus-rpms (RHEL 7: rhel-7-server-e4s-rpms) enabled and os.version 8.6 is on "Red Hat Enterprise Linux 8.6 EUS". Null for a
 * host on the mainline repositories, or when the release's minor version is unknown (os.version "8").
 */
export function streamOf(r: Pick<InventoryRecord, "repos" | "os">): string | null {
  for (const repo of r.repos ?? []) {
    const m = STREAM_REPO.exec(repo);
    if (!m) continue;
    const release = /^(\d+)\.(\d+)/.exec(r.os.version);
    if (!release || release[1] !== m[1]) return null;
    return `Red Hat Enterprise Linux ${release[1]}.${release[2]} ${m[2]!.toUpperCase()}`;
  }
  return null;
}

/** A record without `packageFormat`: deb for the Debian family, else rpm. */
export function guessFormat(osName: string): PackageFormat {
  return /debian|ubuntu|mint|raspbian|kali/i.test(osName) ? "deb" : "rpm";
}

/** The installed binary packages a package name in an advisory stands for: itself, or the binaries built from it. */
export function binariesOf(host: LinuxPackages, name: string): string[] {
  const own = host.installed.has(name) ? [name] : [];
  const built = (host.bySource.get(name) ?? []).filter((b) => b !== name);
  return built.length ? [...own, ...built] : own;
}
