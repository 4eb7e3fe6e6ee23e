// The CISA Known Exploited Vulnerabilities catalog (known_exploited_vulnerabilities.json).
import type { KnownExploited } from "../advisory.js";

export function isKev(doc: unknown): boolean {
  return (
    !!doc &&
    typeof doc === "object" &&
    "catalogVersion" in doc &&
    Array.isArray((doc as { vulnerabilities?: unknown }).vulnerabilities)
  );
}

export function parseKev(doc: unknown): Map<string, KnownExploited> {
  const out = new Map<string, KnownExploited>();
  for (const v of ((doc as { vulnerabilities: unknown[] }).vulnerabilities ?? []) as Record<string, unknown>[]) {
    if (!v || typeof v.cveID !== "string") continue;
    out.set(v.cveID.toUpperCase(), {
      cve: v.cveID.toUpperCase(),
      name: String(v.vulnerabilityName ?? ""),
      dateAdded: String(v.dateAdded ?? ""),
      dueDate: String(v.dueDate ?? ""),
      ransomware: String(v.knownRansomwareCampaignUse ?? "Unknown"),
    });
  }
  return out;
}
