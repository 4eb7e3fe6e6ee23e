// Compliance from a plan: by update (the seeds' "compliance by software id"), by owner, by baseline, by window, fleet.
import { NOT_DONE } from "../policy/states.js";
import { aboveBaselineCount, type HostResult, type Job, type Plan } from "../model/plan.js";
import { compareText } from "../order.js";
import { PatchStates, patchesOf } from "./patches.js";

export interface UpdateCompliance {
  /** The update, or the patch that takes Linux package versions together (an advisory, or SOURCE@DAY). */
  id: string;
  /** A patch of several updates: its package versions (a host counts once, at the worst state among them). */
  updates?: string[];
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
  /**
   * Installed (or superseded) among the hosts it applies to and the unscanned ones, in percent with one decimal; null
   * when there are none, or when the update is fully deferred.
   */
  percent: number | null;
  /** True when every host it applies to has it deferred (unscanned hosts aside): shown as deferred, never as 0 %. */
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
  /** Scanned hosts without an agent scan: what applies to them was matched from advisory text. */
  estimated: number;
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

function emptyGroup(name: string): GroupCompliance {
  return {
    name,
    hosts: 0,
    compliant: 0,
    noncompliant: 0,
    stale: 0,
    unscanned: 0,
    unmanaged: 0,
    belowBaseline: 0,
    aboveBaseline: 0,
    estimated: 0,
    percent: null,
  };
}

function count(g: GroupCompliance, h: HostResult): void {
  g.hosts++;
  g[h.status]++;
  if (h.belowBaseline?.length) g.belowBaseline++;
  if (aboveBaselineCount(h) > 0) g.aboveBaseline++;
  if (h.estimated) g.estimated++;
}

/** Groups in name order, each with its percentage. */
function finish(groups: ReadonlyMap<string, GroupCompliance>): GroupCompliance[] {
  // Stale, unscanned and unmanaged hosts count against compliance: no evidence is not compliance.
  for (const g of groups.values()) g.percent = pct(g.compliant, g.hosts);
  return [...groups].sort(([a], [b]) => compareText(a, b)).map(([, g]) => g);
}

interface WindowCount {
  window: string;
  timeline: string;
  hosts: number;
  /** The host of the window's last job: jobs come sorted by window start, then host, so a host's jobs are together. */
  last: string | null;
  updates: Set<string>;
}

/** Compliance counted host by host and job by job: counters per group, update and window, never the hosts. */
export class ComplianceCounts {
  private readonly fleet = emptyGroup("fleet");
  private readonly byOwner = new Map<string, GroupCompliance>();
  private readonly byBaseline = new Map<string, GroupCompliance>();
  private readonly byOs = new Map<string, GroupCompliance>();
  private readonly windows = new Map<string, WindowCount>();
  /** A scanned host that does not list an approved update is one it does not concern (hosts list only what applies). */
  private scanned = 0;
  /** An unscanned host may need any approved update: no evidence is not compliance, per update as for the fleet. */
  private unscanned = 0;

  private readonly patches: PatchStates;

  constructor(private readonly plan: Plan) {
    this.patches = new PatchStates(plan.summary.updates);
    // Plan counts patches from every host's evaluation; a plan without them (older) is counted from its host lines.
    if (plan.summary.patches) this.patches.addCounts(plan.summary.patches);
  }

  addHost(h: HostResult): void {
    if (!this.plan.summary.patches) this.patches.addHost(h);
    if (h.scannedAt !== null) this.scanned++;
    if (h.status === "unscanned") this.unscanned++;
    count(this.fleet, h);
    const into = (groups: Map<string, GroupCompliance>, name: string) => {
      let g = groups.get(name);
      if (!g) groups.set(name, (g = emptyGroup(name)));
      count(g, h);
    };
    into(this.byOwner, h.owner ?? "(unassigned)");
    for (const b of h.baselines.length ? h.baselines : ["(no baseline)"]) into(this.byBaseline, b);
    into(this.byOs, h.os ? (h.os.name ?? h.os.family) : "(not scanned)");
  }

  /** Jobs in the order of jobs.ndjson (compareJobs): a window's hosts are counted without keeping their names. */
  addJob(j: Job): void {
    if (j.type !== "install" && j.type !== "synthetic") return;
    const key = `${j.window.start} – ${j.window.end}`;
    let w = this.windows.get(key);
    if (!w)
      this.windows.set(key, (w = { window: key, timeline: j.timeline, hosts: 0, last: null, updates: new Set() }));
    if (w.last !== j.host) {
      w.hosts++;
      w.last = j.host;
    }
    j.updates.forEach((u) => w.updates.add(u));
  }

  result(): Compliance {
    const { plan, scanned, unscanned } = this;
    const byUpdate: UpdateCompliance[] = [];
    for (const [id, u] of patchesOf(plan.summary.updates, this.patches.result())) {
      if (u.decision !== "approved") continue;
      const s = u.states;
      const installed = (s.installed ?? 0) + (s.superseded ?? 0);
      const missing = [...NOT_DONE].reduce((a, k) => a + (s[k] ?? 0), 0);
      const exempt = s.exempt ?? 0;
      const deferred = s.deferred ?? 0;
      const listed = Object.values(s).reduce((a, n) => a + (n ?? 0), 0) - (s["not-applicable"] ?? 0);
      // Deferred on every host known to need it: risk accepted, shown as deferred, never as a 0 % an unscanned host
      // would otherwise make of it (whether it applies there is unknown, so it cannot undo the deferral).
      const fullyDeferred = deferred > 0 && installed + missing + exempt === 0;
      byUpdate.push({
        id,
        ...(u.updates.length > 1 || u.updates[0] !== id ? { updates: u.updates } : {}),
        decision: u.decision,
        timeline: u.timeline,
        installed,
        missing,
        notApplicable: Math.max(0, scanned - listed),
        exempt,
        deferred,
        unscanned,
        percent: fullyDeferred ? null : pct(installed, installed + missing + exempt + unscanned),
        fullyDeferred,
      });
    }
    const fleet = { ...this.fleet, percent: pct(this.fleet.compliant, this.fleet.hosts) };
    return {
      now: plan.now,
      fleet,
      byUpdate: byUpdate.sort((a, b) => (a.percent ?? 101) - (b.percent ?? 101) || compareText(a.id, b.id)),
      byOwner: finish(this.byOwner),
      byBaseline: finish(this.byBaseline),
      byOs: finish(this.byOs),
      byWindow: [...this.windows.values()]
        .sort((a, b) => compareText(a.window, b.window))
        .map((w) => ({ window: w.window, timeline: w.timeline, hosts: w.hosts, updates: [...w.updates].sort() })),
    };
  }
}
