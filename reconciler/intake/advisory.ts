import { compareText } from "../order.js";
// What every advisory feed yields: updates (by KB) with their CVEs, products and severity; and exploited CVEs.

export interface AdvisoryUpdate {
  /** e.g. KB5035857 */
  id: string;
  title: string;
  vendor: string;
  /** The advisory document, e.g. 2024-Mar or a CSAF tracking id. */
  bulletin: string;
  released: string;
  severity: "critical" | "important" | "moderate" | "low" | null;
  cves: string[];
  /** Affected product names as the vendor writes them. */
  products: string[];
  /**
   * Fixed builds by product (CVRF FixedBuild, CSAF product_version_range or fixed versions): a host at or above the
   * build is not given the update. Only dotted numbers are kept; they become version conditions on the draft.
   */
  fixed?: { product: string; version: string }[];
  supersedes: string[];
  restart: "required" | "maybe" | "never";
  url: string | null;
  /** Linux advisories: the affected packages with the first fixed version, per release (the OS name hosts report). */
  packages?: AdvisoryPackage[];
  /** Vendor flags and KEV listings that say a CVE it fixes is exploited (spec.exploited of the draft). */
  exploited?: { sources: ("msrc" | "csaf" | "kev")[]; since?: string };
  /** The feed file it came from (its base name: drafts never carry a path of the machine that ran intake). */
  source: string;
}

/** A remediation that could not become an Update: reported with vendor, product, CVE and reason, never dropped. */
export interface NotDrafted {
  vendor: string;
  bulletin: string;
  cve: string;
  /** The affected products as the vendor writes them (the first few, with the count of the rest). */
  product: string;
  reason: string;
  source: string;
}

export interface AdvisoryPackage {
  os: string;
  name: string;
  fixed: string;
  /** true: a binary package (rpm); false: a source package standing for its binaries (Debian, Ubuntu). */
  binary: boolean;
}

export interface KnownExploited {
  cve: string;
  name: string;
  dateAdded: string;
  dueDate: string;
  ransomware: string;
}

export function severityOf(text: string | undefined | null): AdvisoryUpdate["severity"] {
  const t = (text ?? "").toLowerCase();
  if (t.startsWith("crit")) return "critical";
  if (t.startsWith("imp") || t === "high") return "important";
  if (t.startsWith("mod") || t === "medium") return "moderate";
  if (t.startsWith("low")) return "low";
  return null;
}

const RANK = { critical: 4, important: 3, moderate: 2, low: 1 } as const;

export function worse(a: AdvisoryUpdate["severity"], b: AdvisoryUpdate["severity"]): AdvisoryUpdate["severity"] {
  if (!a) return b;
  if (!b) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** A KB id from "5035857", "KB5035857" or a catalog URL; null when there is none. */
export function kbOf(...texts: (string | undefined | null)[]): string | null {
  for (const t of texts) {
    if (!t) continue;
    const m = /\bKB\s?(\d{6,7})\b/i.exec(t) ?? /^(\d{6,7})$/.exec(t.trim()) ?? /[?&=/]KB?(\d{6,7})\b/i.exec(t);
    if (m) return `KB${m[1]}`;
  }
  return null;
}

const EXPLOIT_SOURCES = ["msrc", "csaf", "kev"] as const;

/**
 * Whether a vendor's exploitation status says exploited: Microsoft writes "Publicly Disclosed:No;Exploited:Yes;Latest
 * Software Release:Exploitation Detected" (CVRF Exploit Status threats and CSAF exploit_status threats alike).
 */
export function saysExploited(status: string): boolean {
  return /(^|;)\s*Exploited\s*:\s*Yes\b/i.test(status) || /Exploitation Detected/i.test(status);
}

/** Both sources' flags: every source that says so, in a fixed order, and the earliest date any of them gives. */
export function mergeExploited(
  a: AdvisoryUpdate["exploited"],
  b: AdvisoryUpdate["exploited"],
): AdvisoryUpdate["exploited"] {
  if (!a && !b) return undefined;
  const sources = new Set([...(a?.sources ?? []), ...(b?.sources ?? [])]);
  const dates = [a?.since, b?.since].filter((d): d is string => !!d).sort();
  return { sources: EXPLOIT_SOURCES.filter((s) => sources.has(s)), ...(dates.length ? { since: dates[0] } : {}) };
}

/** Merges updates that several vulnerabilities of one document share (one KB fixes many CVEs). */
export function mergeById(list: AdvisoryUpdate[]): AdvisoryUpdate[] {
  const by = new Map<string, AdvisoryUpdate>();
  for (const u of list) {
    const prev = by.get(u.id);
    if (!prev) {
      by.set(u.id, {
        ...u,
        cves: [...u.cves],
        products: [...u.products],
        supersedes: [...u.supersedes],
        ...(u.fixed ? { fixed: [...u.fixed] } : {}),
        ...(u.exploited ? { exploited: mergeExploited(undefined, u.exploited) } : {}),
      });
      continue;
    }
    prev.cves = [...new Set([...prev.cves, ...u.cves])].sort();
    prev.products = [...new Set([...prev.products, ...u.products])].sort();
    prev.supersedes = [...new Set([...prev.supersedes, ...u.supersedes])].sort();
    if (u.fixed?.length) {
      const seen = new Set((prev.fixed ?? []).map((f) => `${f.product}\u0000${f.version}`));
      prev.fixed = [...(prev.fixed ?? []), ...u.fixed.filter((f) => !seen.has(`${f.product}\u0000${f.version}`))];
    }
    if (u.packages) prev.packages = [...(prev.packages ?? []), ...u.packages];
    prev.severity = worse(prev.severity, u.severity);
    if (u.exploited) prev.exploited = mergeExploited(prev.exploited, u.exploited);
    if (u.restart === "required") prev.restart = "required";
  }
  return [...by.values()].sort((a, b) => compareText(a.id, b.id));
}

/** A dotted fixed version ("120.0.2210.61", "10.0.22000.258"), or null for anything else ("1.0.0-rc2", RPM EVRs). */
export function dottedVersion(text: string | null | undefined): string | null {
  const t = (text ?? "").trim().replace(/^v(?=\d)/i, "");
  return /^\d+(\.\d+)+$/.test(t) ? t : null;
}

/** The stable id of a version-fixed update without a KB: the product and the fixed build ("edge-chromium-based-120.0.2210.61"). */
export function versionFixedId(product: string, version: string): string {
  const slug = product
    .replace(/^Microsoft\s+/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return `${slug || "product"}-${version}`;
}

/** The first few product names and how many more, for a report line. */
export function productList(names: string[]): string {
  const uniq = [...new Set(names.filter(Boolean))];
  return uniq.length <= 3 ? uniq.join(", ") : `${uniq.slice(0, 3).join(", ")} and ${uniq.length - 3} more`;
}
