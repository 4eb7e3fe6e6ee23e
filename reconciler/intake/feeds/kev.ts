// The CISA Known Exploited Vulnerabilities catalog (known_exploited_vulnerabilities.json).
import type { KnownExploited } from "../advisory.js";
import { firstProblem, KnownExploitedSchema } from "../record.js";

export function isKev(doc: unknown): boolean {
  return (
    !!doc &&
    typeof doc === "object" &&
    "catalogVersion" in doc &&
    Array.isArray((doc as { vulnerabilities?: unknown }).vulnerabilities)
  );
}

/** The catalog's entries by CVE; an entry outside the grammar drafts carry (CVE, dates) is refused and reported. */
export function parseKev(doc: unknown, refused: { id: string; reason: string }[] = []): Map<string, KnownExploited> {
  const out = new Map<string, KnownExploited>();
  for (const v of ((doc as { vulnerabilities: unknown[] }).vulnerabilities ?? []) as Record<string, unknown>[]) {
    if (!v || typeof v !== "object") continue;
    const entry = {
      cve: String(v.cveID ?? "").toUpperCase(),
      name: String(v.vulnerabilityName ?? ""),
      dateAdded: String(v.dateAdded ?? ""),
      dueDate: String(v.dueDate ?? ""),
      ransomware: String(v.knownRansomwareCampaignUse ?? "Unknown"),
    };
    const problem = firstProblem(KnownExploitedSchema, entry);
    if (problem) refused.push({ id: `KEV entry ${entry.cve || "(no cveID)"}`.slice(0, 80), reason: problem });
    else out.set(entry.cve, entry);
  }
  return out;
}
