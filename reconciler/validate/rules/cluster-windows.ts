// Cluster nodes apart in UTC: the concrete standard, recurring and emergency windows of the coming cycles, in every zone.
import { diagnostic, type Diagnostic } from "../../diagnostics.js";
import type { LoadedDoc } from "../../model/policy-set.js";
import type { AssignmentSpec } from "../../model/assignment.js";
import type { TimetableSpec } from "../../model/timetable.js";
import { cycleForMonth, type Window } from "../../schedule/cycle.js";
import { firstFullHour } from "../../schedule/emergency.js";
import { emergencyPeriodOf, periodDay, timetablePeriods } from "../../schedule/periods.js";
import { nextOccurrences } from "../../schedule/recurring.js";
import { isValidZone, isoUtc, wallTimeOf } from "../../schedule/wall-clock.js";
import type { RuleContext } from "../context.js";
import { timetablesByName } from "../../policy/timetables.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far ahead the standard and recurring windows are compared: the coming three monthly cycles. */
const HORIZON_DAYS = 93;

interface Node {
  host: string;
  timetable: string;
  period: string;
  spec: TimetableSpec;
  assignment: LoadedDoc<AssignmentSpec>;
  index: number;
}

/** The node's standard or recurring windows that have not ended at `now`, over the horizon (at most 16 occurrences). */
function standardWindows(n: Node, now: number, memo: Map<string, Window[]>): Window[] {
  // Recurrences are slow to expand; nodes share a few (timetable, period) pairs.
  const key = `standard|${n.timetable}|${n.period}`;
  let hit = memo.get(key);
  if (!hit) memo.set(key, (hit = computeStandardWindows(n, now)));
  return hit;
}

function computeStandardWindows(n: Node, now: number): Window[] {
  const zone = n.spec.timeZone;
  const until = now + HORIZON_DAYS * DAY;
  const recurring = n.spec.windows.find((w) => w.name === n.period);
  if (recurring) return nextOccurrences(zone, recurring, now, 16).filter((w) => w.start < until);
  if (!n.spec.cycle) return [];
  const out: Window[] = [];
  const start = wallTimeOf(zone, now);
  for (let i = -1; i <= 3; i++) {
    const m = start.year * 12 + start.month - 1 + i;
    const p = cycleForMonth(zone, n.spec, Math.floor(m / 12), (m % 12) + 1).periods.find((x) => x.name === n.period);
    if (p && p.window.end > now && p.window.start < until) out.push(p.window);
  }
  return out;
}

/**
 * The node's emergency window for an approval at `t`. Zones differ by whole quarter hours, so approvals at four
 * quarter-hour phases cover every relative placement of two timetables' emergency timelines.
 */
function emergencyWindow(n: Node, t: number, memo: Map<string, Window[]>): Window {
  // Thousands of clusters share a few timetables and periods: each (timetable, period, instant) is computed once.
  const key = `emergency|${n.timetable}|${n.period}|${t}`;
  const hit = memo.get(key);
  if (hit) return hit[0]!;
  const len = n.spec.emergency.periodHours * HOUR;
  const start = firstFullHour(n.spec.timeZone, t) + (emergencyPeriodOf(n.spec, n.period) - 1) * len;
  const w = { start, end: start + len };
  memo.set(key, [w]);
  return w;
}

const overlap = (a: Window, b: Window) => a.start < b.end && b.start < a.end;

interface Clash {
  why: string;
  /** Only in a later cycle: neither window is its node's next one (e.g. a DST gap three months ahead). */
  future: boolean;
}

function firstClash(a: Node, b: Node, now: number, memo: Map<string, Window[]>): Clash | null {
  const wa = standardWindows(a, now, memo);
  const wb = standardWindows(b, now, memo);
  let future: Clash | null = null;
  for (const [i, x] of wa.entries())
    for (const [k, y] of wb.entries())
      if (overlap(x, y)) {
        const why = `their standard windows overlap in UTC (${a.host} ${a.timetable}/${a.period} ${isoUtc(x.start)} – ${isoUtc(x.end)}, ${b.host} ${b.timetable}/${b.period} ${isoUtc(y.start)} – ${isoUtc(y.end)})`;
        if (i === 0 || k === 0) return { why, future: false };
        future ??= { why, future: true };
      }
  for (let q = 0; q < 4; q++) {
    const t = now + q * 15 * 60_000;
    const x = emergencyWindow(a, t, memo);
    const y = emergencyWindow(b, t, memo);
    if (overlap(x, y))
      return {
        why: `their emergency windows overlap in UTC (an approval at ${isoUtc(t)} patches ${a.host} in ${isoUtc(x.start)} – ${isoUtc(x.end)} and ${b.host} in ${isoUtc(y.start)} – ${isoUtc(y.end)})`,
        future: false,
      };
  }
  return future;
}

/** The same timetable and the same day (or recurring window) is cluster-same-day's finding already. */
function sameBucket(a: Node, b: Node): boolean {
  if (a.timetable !== b.timetable) return false;
  const da = periodDay(a.spec, a.period);
  const db = periodDay(b.spec, b.period);
  return da === null || db === null ? a.period === b.period : da === db;
}

export function clusterWindows({ set, now }: RuleContext): Diagnostic[] {
  const timetables = timetablesByName(set);
  const clusters = new Map<string, Node[]>();
  for (const a of set.assignments) {
    const tt = timetables.get(a.spec.timetable);
    if (!tt || !isValidZone(tt.spec.timeZone)) continue;
    const periods = timetablePeriods(tt.spec);
    a.spec.hosts.forEach((h, index) => {
      if (!h.cluster || !periods.has(h.period)) return;
      const list = clusters.get(h.cluster) ?? [];
      list.push({ host: h.name, timetable: tt.name, period: h.period, spec: tt.spec, assignment: a, index });
      clusters.set(h.cluster, list);
    });
  }
  const out: Diagnostic[] = [];
  const memo = new Map<string, Window[]>();
  for (const [cluster, nodes] of clusters) {
    for (let i = 0; i < nodes.length; i++) {
      for (let k = i + 1; k < nodes.length; k++) {
        const a = nodes[i]!;
        const b = nodes[k]!;
        if (a.host.toLowerCase() === b.host.toLowerCase() || sameBucket(a, b)) continue;
        let clash: Clash | null;
        try {
          clash = firstClash(a, b, now, memo);
        } catch {
          // A timetable whose windows cannot be computed has its own finding (invalid-recurrence, schema).
          continue;
        }
        // An overlap only in a later cycle is a warning: it must not stop anything now, and when that cycle comes the
        // plan holds the later node's job (cluster-held) and plans everyone else.
        if (clash)
          out.push(
            diagnostic(
              "cluster-overlap",
              clash.future ? "warning" : "error",
              `cluster '${cluster}': ${b.host} and ${a.host}: ${clash.why}${clash.future ? " in a later cycle (not the next window of either node); when it comes, the plan holds the later node" : ""}; give each node a period that no other node's window touches`,
              b.assignment.at(["spec", "hosts", b.index, "period"]),
            ),
          );
      }
    }
  }
  return out;
}
