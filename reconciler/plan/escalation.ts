// Escalation past the SLA that does no harm: never in an install window of the same host, never two nodes of a cluster.
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { Job } from "../model/plan.js";
import type { Window } from "../schedule/cycle.js";
import { compareText } from "../order.js";

const HOUR = 3_600_000;

export interface EscalationRequest {
  host: string;
  cluster: string | null;
  action: "isolate" | "notify";
  ids: string[];
  files: string[];
  /** Why the action is milder than the policy's (e.g. a pilot override). */
  why: string | null;
}

export interface EscalationDecision {
  request: EscalationRequest;
  action: "isolate" | "notify";
  window: Window;
  why: string | null;
}

const overlaps = (a: Window, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/**
 * Places each escalation: an isolate waits until the host's install windows it would collide with have ended (the
 * install may still fix it), and any further node of an already isolated cluster is notified instead.
 */
export function placeEscalations(
  requests: readonly EscalationRequest[],
  installWindows: ReadonlyMap<string, readonly Window[]>,
  now: number,
): { decisions: EscalationDecision[]; findings: Diagnostic[] } {
  const decisions: EscalationDecision[] = [];
  const findings: Diagnostic[] = [];
  // An isolated host stays cut off until it is patched, so one isolated node per cluster is all a cluster can spare.
  const isolatedByCluster = new Map<string, string>();
  for (const r of [...requests].sort((a, b) => compareText(a.host, b.host))) {
    const window = { start: now, end: now + HOUR };
    if (r.action === "isolate") {
      const installs = [...(installWindows.get(r.host) ?? [])].sort((a, b) => a.start - b.start);
      for (const w of installs)
        if (overlaps(window, w)) {
          window.start = w.end;
          window.end = w.end + HOUR;
        }
    }
    let action = r.action;
    let why = r.why;
    if (action === "isolate" && r.cluster) {
      const other = isolatedByCluster.get(r.cluster);
      if (other) {
        action = "notify";
        why = `${other} of cluster '${r.cluster}' is isolated first`;
        findings.push(
          diagnostic(
            "escalation-staggered",
            "warning",
            `cluster '${r.cluster}': ${other} and ${r.host} are both past the SLA; only ${other} is isolated, the owner of ${r.host} is notified`,
          ),
        );
      } else isolatedByCluster.set(r.cluster, r.host);
    }
    decisions.push({ request: r, action, window, why });
  }
  return { decisions, findings };
}

/** The installs of a host that an isolate must not share a window with. */
export function installWindowsByHost(jobs: readonly Job[]): Map<string, Window[]> {
  const out = new Map<string, Window[]>();
  for (const j of jobs) {
    if (j.type !== "install" && j.type !== "synthetic") continue;
    const list = out.get(j.host) ?? [];
    list.push({ start: Date.parse(j.window.start), end: Date.parse(j.window.end) });
    out.set(j.host, list);
  }
  return out;
}
