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
  supersedes: string[];
  restart: "required" | "maybe" | "never";
  url: string | null;
  /** Linux advisories: the affected packages with the first fixed version, per release (the OS name hosts report). */
  packages?: AdvisoryPackage[];
  /** The feed file it came from. */
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

/** Merges updates that several vulnerabilities of one document share (one KB fixes many CVEs). */
export function mergeById(list: AdvisoryUpdate[]): AdvisoryUpdate[] {
  const by = new Map<string, AdvisoryUpdate>();
  for (const u of list) {
    const prev = by.get(u.id);
    if (!prev) {
      by.set(u.id, { ...u, cves: [...u.cves], products: [...u.products], supersedes: [...u.supersedes] });
      continue;
    }
    prev.cves = [...new Set([...prev.cves, ...u.cves])].sort();
    prev.products = [...new Set([...prev.products, ...u.products])].sort();
    prev.supersedes = [...new Set([...prev.supersedes, ...u.supersedes])].sort();
    if (u.packages) prev.packages = [...(prev.packages ?? []), ...u.packages];
    prev.severity = worse(prev.severity, u.severity);
    if (u.restart === "required") prev.restart = "required";
  }
  return [...by.values()].sort((a, b) => compareText(a.id, b.id));
}
