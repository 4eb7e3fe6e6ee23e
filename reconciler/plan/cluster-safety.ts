// Cluster safety at plan time: no two nodes of one cluster in overlapping windows; the later node waits.
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { HostResult, Job } from "../model/plan.js";
import { compareText } from "../order.js";

export interface ClusterOverlap {
  cluster: string;
  /** The job that keeps its window (the earlier one). */
  first: Job;
  /** The job that overlaps it (the later one). */
  second: Job;
}

const patching = (j: Job) => j.type === "install" || j.type === "synthetic";
const overlaps = (a: Job, b: Job) => a.window.start < b.window.end && b.window.start < a.window.end;
const byWindow = (a: Job, b: Job) =>
  compareText(a.window.start, b.window.start) || compareText(a.host, b.host) || compareText(a.id, b.id);

/** Every pair of patching jobs on different nodes of one cluster whose windows overlap. */
export function clusterOverlaps(jobs: readonly Job[], clusterOf: ReadonlyMap<string, string>): ClusterOverlap[] {
  const byCluster = new Map<string, Job[]>();
  for (const j of jobs) {
    const c = clusterOf.get(j.host);
    if (!c || !patching(j)) continue;
    const list = byCluster.get(c) ?? [];
    list.push(j);
    byCluster.set(c, list);
  }
  const out: ClusterOverlap[] = [];
  for (const [cluster, list] of [...byCluster].sort(([a], [b]) => compareText(a, b))) {
    list.sort(byWindow);
    for (let i = 0; i < list.length; i++)
      for (let k = i + 1; k < list.length; k++)
        if (list[i]!.host !== list[k]!.host && overlaps(list[i]!, list[k]!))
          out.push({ cluster, first: list[i]!, second: list[k]! });
  }
  return out;
}

/**
 * Keeps the earliest job of each overlapping pair (an emergency before any other) and holds the later node's job, so one misplaced node never stops
 * the reconcile of the rest of the fleet. A held job's host waits for the next plan, when its partner is done.
 */
export function holdClusterOverlaps(
  jobs: readonly Job[],
  clusterOf: ReadonlyMap<string, string>,
): { kept: Job[]; held: ClusterOverlap[] } {
  const byCluster = new Map<string, Job[]>();
  for (const j of jobs) {
    const c = clusterOf.get(j.host);
    if (c && patching(j)) byCluster.set(c, [...(byCluster.get(c) ?? []), j]);
  }
  const dropped = new Set<Job>();
  const held: ClusterOverlap[] = [];
  for (const [cluster, list] of [...byCluster].sort(([a], [b]) => compareText(a, b))) {
    const kept: Job[] = [];
    // Emergencies keep their windows first (their SLA is hours); among the rest the earlier window wins.
    const urgency = (j: Job) => (j.timeline === "emergency" ? 0 : 1);
    for (const j of list.sort((a, b) => urgency(a) - urgency(b) || byWindow(a, b))) {
      const clash = kept.find((k) => k.host !== j.host && overlaps(k, j));
      if (clash) {
        dropped.add(j);
        held.push({ cluster, first: clash, second: j });
      } else kept.push(j);
    }
  }
  return { kept: jobs.filter((j) => !dropped.has(j)), held };
}

/** Marks each held job's updates as held on its host's result and says why, naming both nodes and the window. */
export function clusterHoldFindings(
  held: readonly ClusterOverlap[],
  results: HostResult[],
  assignmentFileOf: (host: string) => string | null,
): Diagnostic[] {
  const byHost = new Map(results.map((r) => [r.host, r]));
  const out: Diagnostic[] = [];
  for (const { cluster, first, second } of held) {
    const r = byHost.get(second.host);
    if (r) {
      r.held = [...new Set([...(r.held ?? []), ...second.updates])].sort(compareText);
      r.notes = [
        ...(r.notes ?? []),
        `${second.updates.join(", ")} held: ${first.host} of cluster '${cluster}' is patched in ${first.window.start} – ${first.window.end}`,
      ];
      if (r.status === "compliant") r.status = "noncompliant";
    }
    out.push(
      diagnostic(
        "cluster-held",
        "warning",
        `cluster '${cluster}': ${second.host} (${second.window.start} – ${second.window.end}, ${second.timeline}) would overlap ${first.host} (${first.window.start} – ${first.window.end}); ${second.host}'s job is held until ${first.host} is done`,
        { file: assignmentFileOf(second.host) },
      ),
    );
  }
  return out;
}
