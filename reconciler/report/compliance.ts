// Compliance from a plan: by update (the seeds' "compliance by software id"), by owner, by baseline, by window, fleet.
import { NOT_DONE } from "../policy/states.js";
import { pushTo } from "../multimap.js";
import type { HostResult, Job, Plan } from "../model/plan.js";
import { compareText } from "../order.js";

export interface UpdateCompliance {
  id: string;
  decision: string;
  timeline: string;
  installed: number;
  missing: number;
  notApplicable: number;
  /** Hosts exempt from forcing (no-force): still obligated, so they count as not yet done. */
  exempt: number;
  /** Hosts where a defer exemption (risk accepted) holds the update back; outside the percentage. */
  deferred: number;
  /** Assigned hosts with no scan: whether the update applies is unknown, so they count as not compliant. */
  unscanned: number;
  /** Installed (or superseded) among the hosts it applies to and the unscanned ones, in percent with one decimal. */
  percent: number | null;
  /** True when every host it applies to has it deferred: shown as deferred, never as 0 %. */
  fullyDeferred: boolean;
}

export interface GroupCompliance {
  name: string;
  hosts: number;
  compliant: number;
  noncompliant: number;
  stale: number;
  unscanned: number;
  unmanaged: number;
  /** Hosts below their baseline (os.minVersion, products[].versions); they are counted noncompliant too. */
  belowBaseline: number;
  /** Hosts with installed updates above their baseline (nobody approved them). */
  aboveBaseline: number;
  percent: number | null;
}

export interface Compliance {
  now: string;
  fleet: GroupCompliance;
  byUpdate: UpdateCompliance[];
  byOwner: GroupCompliance[];
  byBaseline: GroupCompliance[];
  /** By the operating system of each host's last scan ("(not scanned)" when there is none). */
  byOs: GroupCompliance[];
  byWindow: { window: string; timeline: string; hosts: number; updates: string[] }[];
}

function pct(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

function group(name: string, hosts: readonly HostResult[]): GroupCompliance {
  const g: GroupCompliance = {
    name,
    hosts: hosts.length,
    compliant: 0,
    noncompliant: 0,
    stale: 0,
    unscanned: 0,
    unmanaged: 0,
    belowBaseline: 0,
    aboveBaseline: 0,
    percent: null,
  };
  for (const h of hosts) {
    g[h.status]++;
    if (h.belowBaseline?.length) g.belowBaseline++;
    if (h.aboveBaseline.length) g.aboveBaseline++;
  }
  // Stale, unscanned and unmanaged hosts count against compliance: no evidence is not compliance.
  g.percent = pct(g.compliant, g.hosts);
  return g;
}

export function compliance(plan: Plan, hosts: readonly HostResult[], jobs: readonly Job[]): Compliance {
  // A scanned host that does not list an approved update is one it does not concern (hosts list only what applies).
  const scanned = hosts.filter((h) => h.scannedAt !== null).length;
  // An unscanned host may need any approved update: no evidence is not compliance, per update as for the fleet.
  const unscanned = hosts.filter((h) => h.status === "unscanned").length;
  const byUpdate: UpdateCompliance[] = [];
  for (const [id, u] of Object.entries(plan.summary.updates)) {
    if (u.decision !== "approved") continue;
    const s = u.states;
    const installed = (s.installed ?? 0) + (s.superseded ?? 0);
    const missing = [...NOT_DONE].reduce((a, k) => a + (s[k] ?? 0), 0);
    const exempt = s.exempt ?? 0;
    const deferred = s.deferred ?? 0;
    const listed = Object.values(s).reduce((a, n) => a + (n ?? 0), 0) - (s["not-applicable"] ?? 0);
    byUpdate.push({
      id,
      decision: u.decision,
      timeline: u.timeline,
      installed,
      missing,
      notApplicable: Math.max(0, scanned - listed),
      exempt,
      deferred,
      unscanned,
      percent: pct(installed, installed + missing + exempt + unscanned),
      fullyDeferred: deferred > 0 && installed + missing + exempt + unscanned === 0,
    });
  }
  const groupBy = (key: (h: HostResult) => string[]) => {
    const m = new Map<string, HostResult[]>();
    for (const h of hosts) for (const k of key(h)) pushTo(m, k, h);
    return [...m].sort(([a], [b]) => compareText(a, b)).map(([k, list]) => group(k, list));
  };
  const windows = new Map<string, { window: string; timeline: string; hosts: Set<string>; updates: Set<string> }>();
  for (const j of jobs) {
    if (j.type !== "install" && j.type !== "synthetic") continue;
    const key = `${j.window.start} – ${j.window.end}`;
    const w = windows.get(key) ?? {
      window: key,
      timeline: j.timeline,
      hosts: new Set<string>(),
      updates: new Set<string>(),
    };
    w.hosts.add(j.host);
    j.updates.forEach((u) => w.updates.add(u));
    windows.set(key, w);
  }
  return {
    now: plan.now,
    fleet: group("fleet", hosts),
    byUpdate: byUpdate.sort((a, b) => (a.percent ?? 101) - (b.percent ?? 101) || compareText(a.id, b.id)),
    byOwner: groupBy((h) => [h.owner ?? "(unassigned)"]),
    byBaseline: groupBy((h) => (h.baselines.length ? h.baselines : ["(no baseline)"])),
    byOs: groupBy((h) => [h.os ? (h.os.name ?? h.os.family) : "(not scanned)"]),
    byWindow: [...windows.values()]
      .sort((a, b) => compareText(a.window, b.window))
      .map((w) => ({ window: w.window, timeline: w.timeline, hosts: w.hosts.size, updates: [...w.updates].sort() })),
  };
}
