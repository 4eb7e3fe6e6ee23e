// What people read about an update beside its figures: title, severity, classification, release date, from the policy.
import type { PolicySet } from "../model/policy-set.js";
import type { UpdateCompliance } from "./compliance.js";
import { compareText } from "../order.js";

export interface UpdateInfo {
  title: string;
  vendor: string;
  severity: string | null;
  classification: string;
  released: string;
  cves: string[];
  /** Who says the vulnerability is exploited (Update spec.exploited), or null. */
  exploited?: { sources: string[]; since: string | null } | null;
}

export function updateInfoOf(set: PolicySet): Map<string, UpdateInfo> {
  const out = new Map<string, UpdateInfo>();
  for (const u of set.updates)
    out.set(u.spec.id.toUpperCase(), {
      title: u.spec.title,
      vendor: u.spec.vendor,
      severity: u.spec.severity ?? null,
      classification: u.spec.classification,
      released: u.spec.released,
      cves: [...(u.spec.cves ?? [])],
      exploited: u.spec.exploited
        ? { sources: [...u.spec.exploited.sources], since: u.spec.exploited.since ?? null }
        : null,
    });
  // Updates only agents report: their reviewed advisory facts (policies/advisories/) name CVEs and exploitation.
  for (const a of set.advisories ?? []) {
    const id = a.spec.id.toUpperCase();
    if (out.has(id)) continue;
    out.set(id, {
      title: a.spec.title ?? id,
      vendor: a.spec.vendor,
      severity: a.spec.severity ?? null,
      classification: "security",
      released: a.spec.released ?? "",
      cves: [...a.spec.cves],
      exploited: a.spec.exploited
        ? { sources: [...a.spec.exploited.sources], since: a.spec.exploited.since ?? null }
        : null,
    });
  }
  return out;
}

export interface SeverityCompliance {
  severity: string;
  updates: number;
  installed: number;
  open: number;
  deferred: number;
  percent: number | null;
}

const SEVERITY_ORDER = ["critical", "important", "moderate", "low", "(unrated)"];

/** Approved updates grouped by severity, most severe first: the "critical missing" view of a compliance dashboard. */
export function bySeverity(
  byUpdate: readonly UpdateCompliance[],
  info: ReadonlyMap<string, UpdateInfo>,
): SeverityCompliance[] {
  const groups = new Map<string, SeverityCompliance>();
  for (const u of byUpdate) {
    const severity = info.get(u.id)?.severity ?? "(unrated)";
    const g = groups.get(severity) ?? { severity, updates: 0, installed: 0, open: 0, deferred: 0, percent: null };
    g.updates++;
    g.installed += u.installed;
    g.open += u.missing + u.exempt;
    g.deferred += u.deferred;
    groups.set(severity, g);
  }
  const rank = (s: string) => (SEVERITY_ORDER.includes(s) ? SEVERITY_ORDER.indexOf(s) : SEVERITY_ORDER.length);
  return [...groups.values()]
    .map((g) => ({
      ...g,
      percent: g.installed + g.open === 0 ? null : Math.round((g.installed / (g.installed + g.open)) * 1000) / 10,
    }))
    .sort((a, b) => rank(a.severity) - rank(b.severity) || compareText(a.severity, b.severity));
}
