// What the status site tells beside a plan's figures, from the policy: each exemption's type, expiry and ticket (a
// risk accepted until a date, under a change ticket), and the time zone a host's windows are planned in.
import type { PolicySet } from "../../model/policy-set.js";
import type { HostResult } from "../../model/plan.js";

export interface ExemptionFacts {
  type: "no-force" | "defer";
  expires: string;
  ticket: string;
  /** The update ids it covers (upper case); "*" covers all. */
  updates: string[];
}

export interface SiteFacts {
  exemptions: Record<string, ExemptionFacts>;
  /** The IANA zone of a host's timetable, or null when the policy does not say it unambiguously. */
  zoneOf(host: Pick<HostResult, "host" | "owner">): string | null;
}

/** No policy read: exemptions by name only and times in UTC only. */
export const NO_FACTS: SiteFacts = { exemptions: {}, zoneOf: () => null };

export function siteFactsOf(set: PolicySet): SiteFacts {
  const exemptions: Record<string, ExemptionFacts> = {};
  for (const e of set.exemptions)
    exemptions[e.name] = {
      type: e.spec.type,
      expires: e.spec.expires,
      ticket: e.spec.ticket,
      updates: e.spec.updates.map((u) => u.toUpperCase()),
    };
  const zoneOfTimetable = new Map(set.timetables.map((t) => [t.name, t.spec.timeZone]));
  // A host named in an assignment takes that assignment's timetable; a host an assignment selects by inventory facts
  // is known here only by its owner: its zone is given when all of that owner's assignments share one zone.
  const named = new Map<string, string>();
  const ownerZones = new Map<string, Set<string>>();
  for (const a of set.assignments) {
    const zone = zoneOfTimetable.get(a.spec.timetable);
    if (zone === undefined) continue;
    for (const h of a.spec.hosts) named.set(h.name.toLowerCase(), zone);
    let zones = ownerZones.get(a.spec.owner);
    if (!zones) ownerZones.set(a.spec.owner, (zones = new Set()));
    zones.add(zone);
  }
  return {
    exemptions,
    zoneOf(h) {
      const zone = named.get(h.host.toLowerCase());
      if (zone !== undefined) return zone;
      const zones = h.owner === null ? undefined : ownerZones.get(h.owner);
      return zones?.size === 1 ? [...zones][0]! : null;
    },
  };
}
