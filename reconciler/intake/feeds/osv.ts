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
    const m = /(\d+)/.exec(parts.slice(1).join(":"));
    return m ? `Red Hat Enterprise Linux ${m[1]}` : null;
  }
  if ((name === "AlmaLinux" || name === "Rocky Linux") && parts[1]) return `${name} ${parts[1].split(".")[0]}`;
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
  let severity: AdvisoryUpdate["severity"] = null;
  for (const s of arr(d.severity)) severity = severity ?? severityOf(str(obj(s).score));
  severity = severity ?? severityOf(str(obj(d.database_specific).severity));
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
