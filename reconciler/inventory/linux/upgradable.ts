// Offered upgrades as apt and dnf print them, with their origin (suite or advisory) and whether they fix security.
import type { LineProblem, Parsed } from "./installed.js";

export interface OfferedUpgrade {
  name: string;
  version: string;
  arch?: string;
  origin: string;
  security: boolean;
  severity?: "critical" | "important" | "moderate" | "low";
}

export type UpgradableFormat = "apt" | "dnf-updateinfo" | "dnf-check-update";

/** Tells apt list, dnf updateinfo list and dnf check-update apart from their lines. */
export function detectUpgradable(text: string): UpgradableFormat | null {
  for (const line of text.split(/\r?\n/)) {
    if (/^\S+\/\S+ \S+ \S+/.test(line)) return "apt";
    if (/^\S+\s+(\w+\/Sec\.|bugfix|enhancement|newpackage|security|unspecified)\s+\S+/.test(line))
      return "dnf-updateinfo";
    if (/^\S+\.\S+\s+\S+\s+\S+\s*$/.test(line) && !/^Last metadata/.test(line)) return "dnf-check-update";
  }
  return null;
}

const APT_NOISE = /^(Listing\.\.\.|WARNING: apt does not have a stable CLI interface|\s*$)/;

/** `apt list --upgradable`: `name/suite[,suite] version arch [upgradable from: old]`; a *-security suite is security. */
export function parseAptUpgradable(text: string): Parsed<OfferedUpgrade> {
  const items: OfferedUpgrade[] = [];
  const problems: LineProblem[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (APT_NOISE.test(line)) return;
    const m = /^([a-z0-9][a-z0-9+.-]*)\/(\S+) (\S+) (\S+)(?: \[upgradable from: [^\]]+\])?\s*$/.exec(line);
    if (!m) {
      problems.push({ line: i + 1, column: 1, reason: "expected 'name/suite version arch [upgradable from: old]'" });
      return;
    }
    const suites = m[2]!.split(",");
    items.push({
      name: m[1]!,
      version: m[3]!,
      arch: m[4]!,
      origin: m[2]!,
      security: suites.some((s) => /(^|-)security$/.test(s) || /-security(-|$)/.test(s)),
    });
  });
  return { items, problems };
}

/** Splits an rpm NEVRA (`name-[epoch:]version-release.arch`) into name, EVR and arch. */
export function parseNevra(nevra: string): { name: string; version: string; arch: string } | null {
  const dot = nevra.lastIndexOf(".");
  if (dot <= 0) return null;
  const arch = nevra.slice(dot + 1);
  const nevr = nevra.slice(0, dot);
  const r = nevr.lastIndexOf("-");
  const v = r > 0 ? nevr.lastIndexOf("-", r - 1) : -1;
  if (r <= 0 || v <= 0) return null;
  const evr = nevr.slice(v + 1);
  return { name: nevr.slice(0, v), version: evr.replace(/^0:/, ""), arch };
}

const SEVERITY: Record<string, OfferedUpgrade["severity"]> = {
  critical: "critical",
  important: "important",
  moderate: "moderate",
  low: "low",
};
const DNF_NOISE =
  /^(\s*$|Last metadata expiration check|Updating Subscription Management|Updating and loading repositories|Repositories loaded|This system is|Unable to read consumer identity|Loaded plugins:|updateinfo list done|Security: )/;

/** `dnf updateinfo list --available`: `ADVISORY  Severity/Sec.|bugfix|enhancement  NEVRA` (dnf 4; dnf 5 adds columns). */
export function parseDnfUpdateinfo(text: string): Parsed<OfferedUpgrade> {
  const items: OfferedUpgrade[] = [];
  const problems: LineProblem[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (DNF_NOISE.test(line) || /^Name\s+Type\s+Severity/.test(line)) return;
    const f = line.trim().split(/\s+/);
    let advisory: string, type: string, sev: string | undefined, nevra: string;
    if (f.length === 3) [advisory, type, nevra] = f as [string, string, string];
    else if (f.length >= 4 && /^(security|bugfix|enhancement|newpackage|unspecified)$/.test(f[1]!))
      // dnf 5: Name Type Severity Package [Issued]
      [advisory, type, sev, nevra] = f as [string, string, string, string];
    else {
      problems.push({ line: i + 1, column: 1, reason: "expected 'ADVISORY TYPE NEVRA'" });
      return;
    }
    const p = parseNevra(nevra);
    if (!p) {
      problems.push({
        line: i + 1,
        column: line.indexOf(nevra) + 1,
        reason: `'${nevra}' is not name-version-release.arch`,
      });
      return;
    }
    const sec = /\/Sec\.$/.exec(type) ? type.slice(0, type.indexOf("/")) : type === "security" ? (sev ?? "") : null;
    const severity = sec !== null ? SEVERITY[sec.toLowerCase()] : undefined;
    items.push({
      ...p,
      origin: advisory,
      security: sec !== null,
      ...(severity ? { severity } : {}),
    });
  });
  return { items, problems };
}

/** `dnf check-update` (exit 100 when upgrades exist): `name.arch  [epoch:]version-release  repository`. */
export function parseDnfCheckUpdate(text: string): Parsed<OfferedUpgrade> {
  const items: OfferedUpgrade[] = [];
  const problems: LineProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // What follows "Obsoleting Packages" repeats packages already listed, with the ones they replace.
    if (/^Obsoleting Packages/.test(line)) break;
    if (DNF_NOISE.test(line) || /^Security: /.test(line)) continue;
    const m = /^(\S+)\.([A-Za-z0-9_]+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (!m) {
      problems.push({ line: i + 1, column: 1, reason: "expected 'name.arch version-release repository'" });
      continue;
    }
    items.push({
      name: m[1]!,
      version: m[3]!.replace(/^0:/, ""),
      arch: m[2]!,
      origin: m[4]!,
      security: /security/i.test(m[4]!),
    });
  }
  return { items, problems };
}

export function parseUpgradable(format: UpgradableFormat, text: string): Parsed<OfferedUpgrade> {
  return format === "apt"
    ? parseAptUpgradable(text)
    : format === "dnf-updateinfo"
      ? parseDnfUpdateinfo(text)
      : parseDnfCheckUpdate(text);
}

/** Output that lists no upgrade at all: apt's "Listing..." alone, dnf's metadata line alone, or nothing. */
export function listsNothing(text: string): boolean {
  return text.split(/\r?\n/).every((l) => APT_NOISE.test(l) || DNF_NOISE.test(l));
}
