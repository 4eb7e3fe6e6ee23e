// Job results as evidence: a failed update becomes `failed`, a success counts as installed until a scan says otherwise.
import type { JobResult } from "../model/job-result.js";
import type { UpdateState } from "../model/plan.js";

/** One job's outcome for one update on one host. */
export interface Outcome {
  at: number;
  atText: string;
  status: "succeeded" | "failed";
  code: string | null;
  jobId: string;
  type: JobResult["type"];
}

/** The failure history behind a `failed` state (or a failed removal). */
export interface Failure {
  code: string | null;
  at: number;
  atText: string;
  /** Failed attempts since the last success. */
  attempts: number;
}

/** host (lower-case) → update id (upper-case) → outcomes, oldest first. */
export type ResultIndex = Map<string, Map<string, Outcome[]>>;

/** A result may finish this far after `now` (clock skew between the control node and the reconciler). */
export const RESULT_CLOCK_SKEW_MS = 5 * 60_000;

/** Results that claim to have finished after `now` (beyond the skew): a controller clock is wrong; they count for nothing. */
export function futureResults(results: readonly JobResult[], now: number): JobResult[] {
  return results.filter((r) => Date.parse(r.finishedAt) > now + RESULT_CLOCK_SKEW_MS);
}

/** Indexes the results that finished by `now` (plus the skew); later ones are left out (see futureResults). */
export function indexResults(results: readonly JobResult[], now: number): ResultIndex {
  const index: ResultIndex = new Map();
  for (const r of results) {
    const at = Date.parse(r.finishedAt);
    if (at > now + RESULT_CLOCK_SKEW_MS) continue;
    const atText = new Date(at).toISOString().replace(/\.000Z$/, "Z");
    let byId = index.get(r.host.toLowerCase());
    if (!byId) index.set(r.host.toLowerCase(), (byId = new Map()));
    for (const [raw, u] of Object.entries(r.updates)) {
      const id = raw.toUpperCase();
      const list = byId.get(id) ?? [];
      // A job that failed as a whole failed every update it did not report as succeeded.
      const status = r.status === "failed" && u.status !== "succeeded" ? "failed" : u.status;
      list.push({ at, atText, status, code: u.code ?? null, jobId: r.jobId, type: r.type });
      byId.set(id, list);
    }
  }
  for (const byId of index.values()) for (const list of byId.values()) list.sort((a, b) => a.at - b.at);
  return index;
}

export interface ResultVerdict {
  /** The new state, or null to keep the scan's. `removed` drops a rejected update the host no longer has. */
  state: UpdateState | "removed" | null;
  failure: Failure | null;
  /** The success the latest scan contradicts, if any. */
  contradicted: Outcome | null;
  /** The outcome that decided, for the trail. */
  by: Outcome | null;
}

function failureSince(outcomes: readonly Outcome[]): Failure | null {
  const last = outcomes[outcomes.length - 1];
  if (!last || last.status !== "failed") return null;
  let attempts = 0;
  for (let i = outcomes.length - 1; i >= 0 && outcomes[i]!.status === "failed"; i--) attempts++;
  return { code: last.code, at: last.at, atText: last.atText, attempts };
}

const NONE: ResultVerdict = { state: null, failure: null, contradicted: null, by: null };

/**
 * What results say about one update on one host, given the scan. The scan stays the authority for what it saw after
 * a job finished; a job's success counts only until a scan newer than it.
 */
export function judgeUpdate(
  state: UpdateState,
  outcomes: readonly Outcome[] | undefined,
  scannedAt: number,
): ResultVerdict {
  if (!outcomes || outcomes.length === 0) return NONE;
  if (state === "rejected-installed") {
    const removals = outcomes.filter((o) => o.type === "uninstall");
    const last = removals[removals.length - 1];
    if (!last) return NONE;
    if (last.status === "succeeded" && last.at > scannedAt) return { ...NONE, state: "removed", by: last };
    return { ...NONE, failure: failureSince(removals), by: last };
  }
  if (state !== "missing" && state !== "exempt") return NONE;
  const installs = outcomes.filter((o) => o.type !== "uninstall");
  const last = installs[installs.length - 1];
  if (!last) return NONE;
  if (last.status === "succeeded") {
    if (last.at > scannedAt) return { ...NONE, state: "installed", by: last };
    return { ...NONE, contradicted: last, by: last };
  }
  return { ...NONE, state: "failed", failure: failureSince(installs), by: last };
}

/** Hours to wait after the n-th consecutive failure before the next attempt: backoffHours × 2^(n−1). */
export function backoffMs(backoffHours: number, attempts: number): number {
  return backoffHours * 3_600_000 * 2 ** Math.max(0, Math.min(attempts, 10) - 1);
}
