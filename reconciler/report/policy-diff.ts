// The impact of a policy change as data: the two plans compared (updates, jobs, exemptions, periods, host counts),
// with the approval judgement and the inventory facts; reconciler/views renders it as markdown or JSON.
import type { PullRequestVerdict } from "../approvals/pull-request.js";
import type { Diagnostic } from "../diagnostics.js";
import type { PolicySet } from "../model/policy-set.js";
import type { HostStatus } from "../model/plan.js";
import type { ReconcileResult } from "../plan/reconcile.js";
import { exemptionEnd } from "../policy/exemptions.js";
import { compareText } from "../order.js";
import { jobChanges, type InventoryFacts, type JobChange } from "./plan-diff.js";

export interface DiffSide {
  label: string;
  set: PolicySet;
  result: ReconcileResult;
}

/** What the comment says beyond the two plans: the approval judgement and the inventory both were planned against. */
export interface DiffContext {
  /** The judgement `approvals --pr` makes for this pull request, or null when no pull request was given. */
  approvals?: PullRequestVerdict | { error: string } | null;
  inventory?: { files: string[]; facts: InventoryFacts } | null;
  /** Hosts each assignment selector matched in the inventory, e.g. "windows/assignments/web.yaml selector 1" → 12. */
  selectorMatches?: { subject: string; hosts: number; before: number | null }[];
}

export interface DecisionState {
  decision: string;
  timeline: string;
  decidedBy: string | null;
}

export interface UpdateChange {
  id: string;
  title: string;
  before: DecisionState | null;
  /** null: the update is gone from the head policy. */
  after: DecisionState | null;
}

/** An emergency update the change approves: its hourly windows, or why no host gets a job. */
export type EmergencyImpact =
  | {
      id: string;
      title: string;
      hosts: number;
      windows: number;
      firstStart: string;
      lastEnd: string;
      deadline: string;
      /** Hours from the first window's start to the last deadline (one decimal). */
      hours: number;
    }
  | { id: string; title: string; hosts: 0; states: Record<string, number> };

export interface ExemptionChange {
  name: string;
  change: "added" | "changed" | "removed" | "expiring";
  type: string | null;
  ticket: string | null;
  expires: string | null;
  reason: string | null;
  /** Days left when the exemption ends within 14 days. */
  expiresInDays: number | null;
}

export interface PeriodMove {
  host: string;
  /** "timetable/period", or null when unassigned. */
  before: string | null;
  after: string | null;
}

export interface PolicyDiff {
  base: string;
  head: string;
  /** The plans' instant (ISO-8601). */
  plannedAt: string;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  updates: UpdateChange[];
  approvedNow: string[];
  rejectedNow: string[];
  emergency: EmergencyImpact[];
  /** Empty when the head is invalid: its impact cannot be planned. */
  jobChanges: JobChange[];
  hosts: { gaining: number; changing: number; losing: number; total: number };
  windows: number;
  clusters: string[];
  /** Cluster of each host that has one (head policy). */
  clusterOf: Record<string, string>;
  /** Time zone of each changed host on each side (a lost job's window is in the base's zone). */
  zoneOf: { base: Record<string, string>; head: Record<string, string> };
  exemptions: ExemptionChange[];
  moves: PeriodMove[];
  approvals: PullRequestVerdict | { error: string } | null;
  inventory: { files: string[]; facts: InventoryFacts } | null;
  selectorMatches: { subject: string; hosts: number; before: number | null }[];
  status: { base: Partial<Record<HostStatus, number>>; head: Partial<Record<HostStatus, number>> };
  /** Nothing changes for any host or update. */
  noEffect: boolean;
}

const DAY = 86_400_000;

function zoneMap(set: PolicySet): Map<string, string> {
  const zones = new Map(set.timetables.map((t) => [t.name, t.spec.timeZone] as const));
  const out = new Map<string, string>();
  for (const a of set.assignments) {
    const zone = zones.get(a.spec.timetable);
    if (!zone) continue;
    for (const h of a.spec.hosts) if (!out.has(h.name.toLowerCase())) out.set(h.name.toLowerCase(), zone);
  }
  return out;
}

function emergencyImpact(id: string, title: string, head: DiffSide): EmergencyImpact {
  const jobs = head.result.jobs.filter((j) => j.timeline === "emergency" && j.updates.includes(id));
  if (jobs.length === 0) {
    const states: Record<string, number> = {};
    for (const [s, n] of Object.entries(head.result.plan.summary.updates[id]?.states ?? {}))
      if ((n ?? 0) > 0) states[s] = n!;
    return { id, title, hosts: 0, states };
  }
  const starts = jobs.map((j) => j.window.start).sort(compareText);
  const ends = jobs.map((j) => j.window.end).sort(compareText);
  const deadlines = jobs.map((j) => j.deadline).sort(compareText);
  const deadline = deadlines[deadlines.length - 1]!;
  return {
    id,
    title,
    hosts: new Set(jobs.map((j) => j.host)).size,
    windows: new Set(starts).size,
    firstStart: starts[0]!,
    lastEnd: ends[ends.length - 1]!,
    deadline,
    hours: Math.round((Date.parse(deadline) - Date.parse(starts[0]!)) / 360_000) / 10,
  };
}

/** Compares the base and head plans of a change: everything the CAB needs to judge its impact, as data. */
export function diffPolicies(
  base: DiffSide,
  head: DiffSide,
  now: number,
  headFindings: readonly Diagnostic[],
  context: DiffContext = {},
): PolicyDiff {
  const errors = headFindings.filter((d) => d.severity === "error");
  const warnings = headFindings.filter((d) => d.severity === "warning");
  const baseU = base.result.plan.summary.updates;
  const headU = head.result.plan.summary.updates;
  const ids = [...new Set([...Object.keys(baseU), ...Object.keys(headU)])].sort(compareText);
  const titleOf = (id: string) =>
    head.result.catalog.get(id)?.spec.title ?? base.result.catalog.get(id)?.spec.title ?? "";
  const state = (u: (typeof baseU)[string] | undefined): DecisionState | null =>
    u ? { decision: u.decision, timeline: u.timeline, decidedBy: u.decidedBy } : null;
  const updates: UpdateChange[] = [];
  const approvedNow: string[] = [];
  const emergencyIds: string[] = [];
  for (const id of ids) {
    const b = baseU[id];
    const h = headU[id];
    if (b && h && b.decision === h.decision && b.timeline === h.timeline && b.decidedBy === h.decidedBy) continue;
    if (h?.decision === "approved" && b?.decision !== "approved") approvedNow.push(id);
    if (
      h?.decision === "approved" &&
      h.timeline === "emergency" &&
      (b?.decision !== "approved" || b.timeline !== "emergency")
    )
      emergencyIds.push(id);
    updates.push({ id, title: titleOf(id), before: state(b), after: state(h) });
  }
  const rejectedNow = ids.filter((id) => headU[id]?.decision === "rejected" && baseU[id]?.decision !== "rejected");

  const changes = errors.length ? [] : jobChanges(base.result.jobs, head.result.jobs);
  const hostsOf = (kind: JobChange["kind"]) => new Set(changes.filter((c) => c.kind === kind).map((c) => c.host));
  const gaining = hostsOf("gained");
  const changing = hostsOf("changed");
  const losing = hostsOf("lost");
  const clusterOf: Record<string, string> = {};
  for (const a of head.set.assignments) for (const h of a.spec.hosts) if (h.cluster) clusterOf[h.name] = h.cluster;
  const touched = new Set([...gaining, ...changing, ...losing]);
  const clusters = [...new Set([...touched].map((h) => clusterOf[h]).filter((c): c is string => !!c))].sort(
    compareText,
  );
  const headZones = zoneMap(head.set);
  const baseZones = zoneMap(base.set);
  const zoneOf: PolicyDiff["zoneOf"] = { base: {}, head: {} };
  for (const c of changes) {
    const side = c.kind === "lost" ? "base" : "head";
    const zone = (side === "base" ? baseZones : headZones).get(c.host.toLowerCase());
    if (zone) zoneOf[side][c.host] = zone;
  }

  const baseEx = new Map(base.set.exemptions.map((e) => [e.name, e]));
  const headEx = new Map(head.set.exemptions.map((e) => [e.name, e]));
  const exemptions: ExemptionChange[] = [];
  for (const [name, e] of [...headEx].sort(([a], [b]) => compareText(a, b))) {
    const left = exemptionEnd(e.spec.expires) - now;
    const expiresInDays = left > 0 && left <= 14 * DAY ? Math.ceil(left / DAY) : null;
    const facts = { type: e.spec.type, ticket: e.spec.ticket, expires: e.spec.expires, reason: e.spec.reason };
    if (!baseEx.has(name)) exemptions.push({ name, change: "added", ...facts, expiresInDays });
    else if (JSON.stringify(baseEx.get(name)!.spec) !== JSON.stringify(e.spec))
      exemptions.push({ name, change: "changed", ...facts, expiresInDays });
    else if (expiresInDays !== null) exemptions.push({ name, change: "expiring", ...facts, expiresInDays });
  }
  for (const name of [...baseEx.keys()].sort(compareText))
    if (!headEx.has(name))
      exemptions.push({
        name,
        change: "removed",
        type: null,
        ticket: null,
        expires: null,
        reason: null,
        expiresInDays: null,
      });

  const periodOf = (set: PolicySet) =>
    new Map(
      set.assignments.flatMap((a) => a.spec.hosts.map((h) => [h.name, `${a.spec.timetable}/${h.period}`] as const)),
    );
  const bp = periodOf(base.set);
  const hp = periodOf(head.set);
  const moves: PeriodMove[] = [];
  for (const [host, p] of [...hp].sort(([a], [b]) => compareText(a, b)))
    if (bp.get(host) !== p) moves.push({ host, before: bp.get(host) ?? null, after: p });
  for (const [host, p] of [...bp].sort(([a], [b]) => compareText(a, b)))
    if (!hp.has(host)) moves.push({ host, before: p, after: null });

  return {
    base: base.label,
    head: head.label,
    plannedAt: head.result.plan.now,
    errors,
    warnings,
    updates,
    approvedNow,
    rejectedNow,
    emergency: errors.length ? [] : emergencyIds.map((id) => emergencyImpact(id, titleOf(id), head)),
    jobChanges: changes,
    hosts: { gaining: gaining.size, changing: changing.size, losing: losing.size, total: touched.size },
    windows: new Set(changes.filter((c) => c.kind !== "lost").map((c) => c.job.window.start)).size,
    clusters,
    clusterOf,
    zoneOf,
    exemptions,
    moves,
    approvals: context.approvals ?? null,
    inventory: context.inventory ?? null,
    selectorMatches: context.selectorMatches ?? [],
    status: { base: base.result.plan.summary.byStatus, head: head.result.plan.summary.byStatus },
    noEffect: updates.length === 0 && changes.length === 0 && moves.length === 0 && exemptions.length === 0,
  };
}
