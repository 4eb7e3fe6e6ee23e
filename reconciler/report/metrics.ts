// The seeds' patch-management metrics, computed from the compliance snapshots of the status branch.
import type { StatusSnapshot } from "./snapshot.js";
import { compareText } from "../order.js";
import type { JobResult } from "../model/job-result.js";
import type { UpdateState } from "../model/plan.js";
import { OPEN } from "../policy/states.js";
import { jobMetrics, type JobMetrics } from "./job-metrics.js";
import { patchesOf, patchIndex, type PatchFigures } from "./patches.js";

export interface UpdateMetrics {
  /** The update, or the patch of Linux package versions (an advisory, or SOURCE@DAY). */
  id: string;
  /** A patch of several updates: its package versions, as the latest snapshot records them. */
  updates?: string[];
  timeline: string;
  approvedAt: string | null;
  /** Second figure, labelled "from approval": hours from approval to the first snapshot at or above 60, 80, 90 %. */
  hoursTo60: number | null;
  hoursTo80: number | null;
  hoursTo90: number | null;
  /** When the pilot passed (the seed's "test success"), as first recorded on the status branch; null without a pilot. */
  testPassedAt: string | null;
  /** The seed's Table 4: hours from test success to 60 % saturation, then 60 → 80 % and 80 → 90 %. */
  table4: { testTo60: number | null; from60To80: number | null; from80To90: number | null };
  /** Installed among the hosts the update applies to, in the latest snapshot. */
  successRatio: number | null;
  saturation: { at: string; ratio: number }[];
}

export interface Metrics {
  snapshots: number;
  updates: UpdateMetrics[];
  /** Share of approved updates on the emergency timeline (the seeds saw one in four). */
  emergencyRatio: number | null;
  /** Share of decided RFCs that were rejected. */
  rejectedRatio: number | null;
  /** Updates approved per month (by approval instant). */
  approvedPerMonth: Record<string, number>;
  trend: { at: string; compliant: number; hosts: number }[];
  /** Job success from the job results kept on the status branch (and any given to report with --results). */
  jobs: JobMetrics;
}

/** Not yet done on a host the update applies to: what the owner has open, and what a defer exemption holds back. */
const NOT_SATURATED: readonly UpdateState[] = [...OPEN, "deferred"];

function saturationOf(s: PatchFigures): number | null {
  const st = s.states;
  const done = (st.installed ?? 0) + (st.superseded ?? 0);
  const open = NOT_SATURATED.reduce((a, k) => a + (st[k] ?? 0), 0);
  return done + open === 0 ? null : done / (done + open);
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const hours = (from: number, to: number) => Math.round(((to - from) / 3_600_000) * 10) / 10;

/** The first pilot success any snapshot recorded for the update. */
function testSuccess(sorted: readonly PatchView[], id: string): string | null {
  for (const s of sorted) {
    const p = s.updates[id]?.pilot;
    if (p?.state === "passed") return p.passedAt ?? s.now;
  }
  return null;
}

/**
 * Time from test success to the first snapshot at or above 60 %, then between the first snapshots at or above 60, 80
 * and 90 % (all after test success). Without a recorded test success there is no Table 4 row.
 */
function table4(
  saturation: readonly { at: string; ratio: number }[],
  testPassedAt: string | null,
): UpdateMetrics["table4"] {
  if (testPassedAt === null) return { testTo60: null, from60To80: null, from80To90: null };
  const start = Date.parse(testPassedAt);
  const reached = (level: number) => {
    const hit = saturation.find((p) => p.ratio >= level && Date.parse(p.at) >= start);
    return hit ? Date.parse(hit.at) : null;
  };
  const [t60, t80, t90] = [reached(0.6), reached(0.8), reached(0.9)];
  return {
    testTo60: t60 === null ? null : hours(start, t60),
    from60To80: t60 === null || t80 === null ? null : hours(t60, t80),
    from80To90: t80 === null || t90 === null ? null : hours(t80, t90),
  };
}

/** A snapshot's updates as patches: Linux package versions counted together under their advisory or SOURCE@DAY. */
interface PatchView {
  now: string;
  updates: Record<string, PatchFigures>;
}

function patchView(s: StatusSnapshot): PatchView {
  return { now: s.now, updates: Object.fromEntries(patchesOf(s.updates, s.patches ?? {})) };
}

/**
 * The metrics count patches, not package versions: a Linux package version counts with the other versions of its
 * advisory (or of its source package and day), as the snapshots record it, so 81 upgrades of one Debian host make as
 * many patches as the advisories they ship.
 */
export function metrics(snapshots: readonly StatusSnapshot[], extraResults: readonly JobResult[] = []): Metrics {
  const sortedSnapshots = [...snapshots].sort((a, b) => compareText(a.now, b.now));
  const sorted = sortedSnapshots.map(patchView);
  const latest = sorted[sorted.length - 1];
  const updates: UpdateMetrics[] = [];
  for (const [id, u] of Object.entries(latest?.updates ?? {})) {
    if (u.decision !== "approved") continue;
    const saturation: { at: string; ratio: number }[] = [];
    for (const s of sorted) {
      const r = s.updates[id] ? saturationOf(s.updates[id]!) : null;
      if (r !== null) saturation.push({ at: s.now, ratio: round(r) });
    }
    const approved = u.approvedAt ? Date.parse(u.approvedAt) : null;
    const hoursTo = (level: number) => {
      if (approved === null) return null;
      const hit = saturation.find((p) => p.ratio >= level && Date.parse(p.at) >= approved);
      return hit ? Math.round(((Date.parse(hit.at) - approved) / 3_600_000) * 10) / 10 : null;
    };
    const testPassedAt = testSuccess(sorted, id);
    const last = latest!.updates[id] ? saturationOf(latest!.updates[id]!) : null;
    updates.push({
      id,
      ...(u.updates.length > 1 || u.updates[0] !== id ? { updates: u.updates } : {}),
      timeline: u.timeline,
      approvedAt: u.approvedAt,
      hoursTo60: hoursTo(0.6),
      hoursTo80: hoursTo(0.8),
      hoursTo90: hoursTo(0.9),
      testPassedAt,
      table4: table4(saturation, testPassedAt),
      successRatio: last === null ? null : round(last),
      saturation,
    });
  }
  const all = Object.values(latest?.updates ?? {});
  const approved = all.filter((u) => u.decision === "approved");
  const decided = all.filter((u) => u.decision === "approved" || u.decision === "rejected");
  const perMonth: Record<string, number> = {};
  for (const u of approved)
    if (u.approvedAt) perMonth[u.approvedAt.slice(0, 7)] = (perMonth[u.approvedAt.slice(0, 7)] ?? 0) + 1;
  return {
    snapshots: sortedSnapshots.length,
    updates: updates.sort((a, b) => compareText(a.id, b.id)),
    emergencyRatio: approved.length
      ? round(approved.filter((u) => u.timeline === "emergency").length / approved.length)
      : null,
    rejectedRatio: decided.length
      ? round(decided.filter((u) => u.decision === "rejected").length / decided.length)
      : null,
    approvedPerMonth: Object.fromEntries(Object.entries(perMonth).sort(([a], [b]) => compareText(a, b))),
    trend: sortedSnapshots.map((s) => ({ at: s.now, compliant: s.byStatus.compliant ?? 0, hosts: s.hosts })),
    jobs: jobMetrics(
      [...sortedSnapshots.flatMap((s) => s.jobResults ?? []), ...extraResults],
      patchesOfUpdates(sortedSnapshots),
    ),
  };
}

/** Update id → patch, as the snapshots record it (the newest word wins), for the job metrics. */
function patchesOfUpdates(sorted: readonly StatusSnapshot[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of sorted) for (const [id, patch] of patchIndex(s.updates)) out.set(id.toUpperCase(), patch);
  return out;
}
