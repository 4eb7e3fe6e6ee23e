// Matches a host (its assignment and last scan) against a selector.
import type { Selector } from "../model/common.js";

export interface HostFacts {
  name: string;
  os: string | null;
  role: string | null;
  owner: string | null;
  cluster: string | null;
  labels: Record<string, string>;
}

export function matchesSelector(s: Selector, h: HostFacts): boolean {
  if (s.os && s.os !== h.os) return false;
  if (s.role !== undefined) {
    const roles = Array.isArray(s.role) ? s.role : [s.role];
    if (!h.role || !roles.includes(h.role)) return false;
  }
  if (s.owner && s.owner !== h.owner) return false;
  if (s.cluster && s.cluster !== h.cluster) return false;
  if (s.hosts && !s.hosts.some((n) => n.toLowerCase() === h.name.toLowerCase())) return false;
  for (const [k, v] of Object.entries(s.labels ?? {})) if (h.labels[k] !== v) return false;
  return true;
}
