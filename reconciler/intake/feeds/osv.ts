// OSV advisories for Linux distributions (Debian DSA/DLA, Ubuntu USN, Red Hat RHSA, AlmaLinux, Rocky): fixed package versions per release.
import { severityOf, type AdvisoryPackage, type AdvisoryUpdate } from "../advisory.js";
import { compareText } from "../../order.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export function isOsv(doc: unknown): boolean {
  const d = obj(doc);
  return (
    typeof d.id === "string" && typeof d.modified === "string" && (Array.isArray(d.affected) || "schema_version" in d)
  );
}

/** The OS name hosts report for an OSV ecosystem, e.g. "Debian:12" → "Debian 12"; null for ecosystems patchops does not deploy. */
export function osNameOfEcosystem(ecosystem: string): string | null {
  const parts = ecosystem.split(":");
  const [name] = parts;
  if (name === "Debian" && parts[1]) return `Debian ${parts[1]}`;
  if (name === "Ubuntu") {
    const release = parts.find((p) => /^\d+\.\d+$/.test(p));
    return release ? `Ubuntu ${release}` : null;
  }
  if (name === "Red Hat") {
    // "Red Hat:rhel_eus:9.2::baseos": a minor release's stream, whose fixes are for hosts on that stream alone.
    const stream = /^rhel_(eus|e4s|aus|tus)$/.exec(parts[1] ?? "");
    const release = /^(\d+)\.(\d+)$/.exec(parts[2] ?? "");
    if (stream && release) return `Red Hat Enterprise Linux ${release[1]}.${release[2]} ${stream[1]!.toUpperCase()}`;
    const m = /(\d+)/.exec(parts.slice(1).join(":"));
    return m ? `Red Hat Enterprise Linux ${m[1]}` : null;
  }
  if ((name === "AlmaLinux" || name === "Rocky Linux") && parts[1]) return `${name} ${parts[1].split(".")[0]}`;
  return null;
}

/**
 * The distribution's own rating of an OSV advisory, as real records carry it: AlmaLinux and Rocky put it before the
 * summary ("Important: squid security update"), Red Hat in the classification link among the references
 * (https://access.redhat.com/security/updates/classification/#important); some feeds in `database_specific.severity`
 * or a textual `severity` score ("high"). A CVSS vector is a score, not the vendor's rating, and is not read.
 */
export function vendorRating(d: Obj): AdvisoryUpdate["severity"] {
  const summary = /^(Critical|Important|Moderate|Low):\s/i.exec(str(d.summary));
  if (summary) return severityOf(summary[1]);
  for (const r of arr(d.references)) {
    const m = /\/security\/updates\/classification\/?#(critical|important|moderate|low)\b/i.exec(str(obj(r).url));
    if (m) return severityOf(m[1]);
  }
  const specific = severityOf(str(obj(d.database_specific).severity));
  if (specific) return specific;
  for (const s of arr(d.severity)) {
    const score = str(obj(s).score);
    if (!score.startsWith("CVSS:")) {
      const rated = severityOf(score);
      if (rated) return rated;
    }
  }
  return null;
}

export function parseOsv(doc: unknown, source: string): AdvisoryUpdate[] {
  const d = obj(doc);
  const id = str(d.id);
  const packages: AdvisoryPackage[] = [];
  for (const aa of arr(d.affected)) {
    const a = obj(aa);
    const pkg = obj(a.package);
    const os = osNameOfEcosystem(str(pkg.ecosystem));
    if (!os || !str(pkg.name)) continue;
    const purl = str(pkg.purl);
    // Debian and Ubuntu advisories name source packages; rpm advisories name binary packages.
    const binary =
      purl.startsWith("pkg:rpm/") || (!purl.includes("arch=source") && !/^(Debian|Ubuntu)/.test(str(pkg.ecosystem)));
    for (const rr of arr(a.ranges)) {
      const r = obj(rr);
      if (str(r.type) !== "ECOSYSTEM") continue;
      for (const e of arr(r.events)) {
        const fixed = str(obj(e).fixed);
        if (fixed) packages.push({ os, name: str(pkg.name), fixed, binary });
      }
    }
  }
  if (packages.length === 0) return [];
  const severity = vendorRating(d);
  const cves = [...new Set([...arr(d.aliases), ...arr(d.related), ...arr(d.upstream)].map(str))]
    .filter((c) => /^CVE-\d{4}-\d{4,}$/.test(c))
    .sort();
  const advisory = arr(d.references)
    .map(obj)
    .find((r) => str(r.type) === "ADVISORY");
  return [
    {
      id,
      title: str(d.summary) ? `${id}: ${str(d.summary)}` : id,
      vendor: packages[0]!.os.replace(/\s+[\d.]+$/, ""),
      bulletin: id,
      released: (str(d.published) || str(d.modified)).slice(0, 10),
      severity,
      cves,
      products: [...new Set(packages.map((p) => p.os))].sort(compareText),
      supersedes: [],
      restart: "maybe",
      url: advisory ? str(advisory.url) || null : null,
      packages: packages.sort((a, b) => compareText(a.os, b.os) || compareText(a.name, b.name)),
      source,
    },
  ];
}
