// What a patch is on Linux: package versions group under the advisory that ships them, else per source package and day.
import type { Inventory } from "../inventory/host-record.js";
import { guessFormat } from "../inventory/linux/packages.js";
import { compareText } from "../order.js";
import { comparePackageVersions } from "../versions/scheme.js";
import type { CatalogEntry } from "./catalog.js";
import { packageVersionOf } from "./linux-updates.js";

/**
 * Distribution advisory ids: Debian (DSA, DLA, DTSA), Ubuntu (USN), Red Hat (RHSA, RHBA, RHEA), AlmaLinux (ALSA, ALBA,
 * ALEA), Rocky (RLSA, RLBA, RLEA), Oracle (ELSA, ELBA, ELEA), CentOS (CESA), Fedora, SUSE and Amazon Linux (ALAS).
 */
const ADVISORY =
  /^(?:DSA|DLA|DTSA|USN|RHSA|RHBA|RHEA|ALSA|ALBA|ALEA|RLSA|RLBA|RLEA|ELSA|ELBA|ELEA|CESA|FEDORA|SUSE-SU|SUSE-RU|OPENSUSE-SU|ALAS2023|ALAS2|ALAS)-[A-Za-z0-9][A-Za-z0-9:._-]*$/i;

export function isAdvisoryId(s: string | undefined | null): s is string {
  return !!s && ADVISORY.test(s);
}

/** The advisory an Update file names: its own id, or its `bulletin`. */
function advisoryOf(e: CatalogEntry): string | null {
  if (isAdvisoryId(e.spec.id)) return e.id;
  if (isAdvisoryId(e.spec.bulletin)) return e.spec.bulletin.toUpperCase();
  return null;
}

interface AdvisoryPackage {
  advisory: string;
  fixed: string;
  os: string | undefined;
  binary: boolean;
}

/** What the scans say about one offered `name=version`: the advisory origins and the installed versions it replaces. */
interface OfferFacts {
  origins: Set<string>;
  /** [format, installed version, OS name lower-case] of each host offering it. */
  from: { format: "deb" | "rpm"; installed: string | undefined; os: string | null }[];
}

/**
 * Update id → the patch it belongs to, for Linux package updates whose patch is not the update itself:
 * 1. the advisory the Update file names (`bulletin`), or the advisory the package manager's offer names (dnf updateinfo);
 * 2. else an advisory Update file of the catalog whose fixed version this upgrade reaches from below on a host offering it;
 * 3. else `SOURCE@DAY`: the source package and the day patchops first saw the offer (the Update's `released`).
 * Windows updates and advisory Update files are their own patch and are not listed.
 */
export function patchKeys(catalog: ReadonlyMap<string, CatalogEntry>, inventory: Inventory): Map<string, string> {
  const sourceOf = new Map<string, string>();
  const offers = new Map<string, OfferFacts>();
  const wanted = new Set<string>();
  for (const e of catalog.values()) if (packageVersionOf(e.spec.id)) wanted.add(e.spec.id);
  for (const rec of inventory.records.values()) {
    const l = rec.linux;
    if (!l) continue;
    // A binary's source package, from the first host that offers it (in inventory order): a host's whole package
    // list is read only while an offered binary's source is still unknown, not for every host of a large fleet.
    const unknown = [...l.available.keys()].filter((n) => !sourceOf.has(n));
    if (unknown.length > 0) {
      const open = new Set(unknown);
      for (const [source, bins] of l.bySource) for (const b of bins) if (open.delete(b)) sourceOf.set(b, source);
      for (const n of open) sourceOf.set(n, n);
    }
    for (const [name, up] of l.available) {
      const id = `${name}=${up.version}`;
      if (!wanted.has(id)) continue;
      let o = offers.get(id);
      if (!o) offers.set(id, (o = { origins: new Set(), from: [] }));
      for (const origin of up.origin.split(",")) if (isAdvisoryId(origin)) o.origins.add(origin.toUpperCase());
      o.from.push({ format: l.format, installed: l.installed.get(name), os: l.osName });
    }
  }
  const byPackage = new Map<string, AdvisoryPackage[]>();
  for (const e of catalog.values()) {
    const advisory = advisoryOf(e);
    if (!advisory || packageVersionOf(e.spec.id)) continue;
    for (const p of e.spec.appliesTo.packages ?? []) {
      const list = byPackage.get(p.name) ?? [];
      list.push({ advisory, fixed: p.fixed, os: p.os?.toLowerCase(), binary: p.binary === true });
      byPackage.set(p.name, list);
    }
  }
  const out = new Map<string, string>();
  for (const e of catalog.values()) {
    const pv = packageVersionOf(e.spec.id);
    if (!pv) {
      const advisory = advisoryOf(e);
      if (advisory && e.spec.appliesTo.packages && advisory !== e.id) out.set(e.id, advisory);
      continue;
    }
    const named = advisoryOf(e);
    if (named) {
      out.set(e.id, named);
      continue;
    }
    const facts = offers.get(e.spec.id);
    const origin = facts ? [...facts.origins].sort(compareText)[0] : undefined;
    if (origin) {
      out.set(e.id, origin);
      continue;
    }
    const source = sourceOf.get(pv.name) ?? pv.name;
    const covering = coveringAdvisory(pv, source, facts, byPackage, e);
    out.set(e.id, covering ?? `${source}@${e.spec.released}`);
  }
  return out;
}

/**
 * The advisory this upgrade implements: one that names the package (or its source) with a fixed version the offered
 * version reaches while a host offering it is still below; of several, the one with the highest fixed version.
 */
function coveringAdvisory(
  pv: { name: string; version: string },
  source: string,
  facts: OfferFacts | undefined,
  byPackage: ReadonlyMap<string, AdvisoryPackage[]>,
  e: CatalogEntry,
): string | null {
  const candidates = [
    ...(byPackage.get(pv.name) ?? []),
    ...(source !== pv.name ? (byPackage.get(source) ?? []).filter((p) => !p.binary) : []),
  ];
  if (candidates.length === 0) return null;
  // Hosts offering it; an Update file for a version no scan offers is judged by its own OS names.
  const from = facts?.from.length
    ? facts.from
    : (e.spec.appliesTo.os ?? [])
        .flatMap((o) => o.names ?? [])
        .map((n) => ({ format: guessFormat(n), installed: undefined, os: n.toLowerCase() }));
  let best: { advisory: string; fixed: string; format: "deb" | "rpm" } | null = null;
  for (const c of candidates)
    for (const h of from) {
      if (c.os && h.os !== null && c.os !== h.os) continue;
      if (comparePackageVersions(h.format, pv.version, c.fixed) < 0) continue;
      if (h.installed !== undefined && comparePackageVersions(h.format, h.installed, c.fixed) >= 0) continue;
      const better =
        !best ||
        comparePackageVersions(h.format, c.fixed, best.fixed) > 0 ||
        (comparePackageVersions(h.format, c.fixed, best.fixed) === 0 && compareText(c.advisory, best.advisory) < 0);
      if (better) best = { advisory: c.advisory, fixed: c.fixed, format: h.format };
    }
  return best?.advisory ?? null;
}
