// The pilot wave's verdict per update: running, passed, failed (everyone waits for a person) or overridden.
import { PILOT_AWAITING_RESTART, PILOT_DONE, PILOT_NOT_CONCERNED } from "../policy/states.js";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { UpdateState } from "../model/plan.js";
import type { TimetableSpec } from "../model/timetable.js";
import { isoUtc } from "../schedule/wall-clock.js";
import type { CatalogEntry } from "./catalog.js";
import { deploymentCycle } from "./timing.js";
import { compareText } from "../order.js";

export type PilotState = "running" | "passed" | "failed" | "overridden";

export interface PilotVerdict {
  state: PilotState;
  hosts: number;
  installed: number;
  ratio: number;
  required: number;
  /** Reference hosts whose pilot window has passed without the update installed. */
  failedHosts: string[];
  /**
   * Reference hosts with no verdict yet although their window has passed: installed but waiting for a restart, or
   * with no scan or result newer than the window's end (a scan taken before the end cannot show the result).
   */
  awaitingHosts: string[];
  passedAt: number | null;
}

/** Whether an update goes to the reference collection first. */
export function usesPilotWave(e: CatalogEntry): boolean {
  return e.timeline === "standard" && e.spec.pilot !== false && e.spec.classification !== "synthetic";
}

/** The reviewed decision to proceed after a failed pilot, if the Update file carries one. */
export function pilotOverride(e: CatalogEntry): { reason: string } | null {
  return typeof e.spec.pilot === "object" ? { reason: e.spec.pilot.reason } : null;
}

/** The end of the window in which a reference host takes an update approved at `approvedAt`. */
export function pilotWindowEnd(
  tt: TimetableSpec,
  period: string,
  approvedAt: number,
  standardDays: number,
): number | null {
  if (!tt.cycle) return null;
  const dc = deploymentCycle(tt, approvedAt, true, standardDays);
  return dc.pilot?.end ?? dc.cycle.periods.find((p) => p.name === period)?.window.end ?? null;
}

/** An update approved too late for any reference host's pilot window deploys without a pilot wave. */
export function pilotSkipped(timetables: Iterable<TimetableSpec>, approvedAt: number, standardDays: number): boolean {
  let any = false;
  for (const tt of timetables) {
    if (!tt.cycle) continue;
    any = true;
    if (deploymentCycle(tt, approvedAt, true, standardDays).late !== "skipped") return false;
  }
  return any;
}

export interface PilotInput {
  updates: readonly CatalogEntry[];
  /** The reference collection, in a stable order. */
  referenceHosts: readonly string[];
  stateOf: (host: string, id: string) => UpdateState | undefined;
  windowEndOf: (host: string, e: CatalogEntry) => number | null;
  /** The instant of the newest evidence about the update on the host: its scan, or a job result for it. */
  evidenceAt: (host: string, id: string) => number;
  /** Updates whose pilot passed in an earlier run, as recorded on the status branch (id → instant). */
  passedBefore: ReadonlyMap<string, number>;
  minSuccessRatio: number;
  now: number;
}

export function pilotVerdicts(input: PilotInput): Map<string, PilotVerdict> {
  const out = new Map<string, PilotVerdict>();
  const required = input.minSuccessRatio;
  for (const e of input.updates) {
    if (!usesPilotWave(e)) continue;
    let total = 0;
    let ok = 0;
    const failedHosts: string[] = [];
    const awaitingHosts: string[] = [];
    for (const host of input.referenceHosts) {
      const s = input.stateOf(host, e.id);
      if (s === undefined || PILOT_NOT_CONCERNED.has(s)) continue;
      total++;
      if (PILOT_DONE.has(s)) {
        ok++;
        continue;
      }
      const end = input.windowEndOf(host, e);
      // A failed job (from --results) fails the host at once.
      if (s === "failed") failedHosts.push(host);
      else if (end === null || input.now < end) continue;
      // Past the window: judged only on evidence from after its end, and never while a restart is pending.
      else if (PILOT_AWAITING_RESTART.has(s) || input.evidenceAt(host, e.id) < end) awaitingHosts.push(host);
      else failedHosts.push(host);
    }
    const ratio = total === 0 ? 1 : Math.round((ok / total) * 1000) / 1000;
    const earlier = input.passedBefore.get(e.id);
    let state: PilotState;
    let passedAt: number | null = null;
    // A recorded success stays a success: a reference host that misses a scan later does not take it back.
    if (earlier !== undefined && earlier <= input.now) {
      state = "passed";
      passedAt = earlier;
    } else if (total === 0) continue;
    else if (ok / total >= required) {
      state = "passed";
      passedAt = input.now;
    } else if ((total - failedHosts.length) / total < required) {
      // Even if every reference host still in its window succeeded, the ratio could not be met.
      state = pilotOverride(e) ? "overridden" : "failed";
    } else state = "running";
    out.set(e.id, { state, hosts: total, installed: ok, ratio, required, failedHosts, awaitingHosts, passedAt });
  }
  return out;
}

/** Whether the verdict keeps this host's job back: a running pilot holds the broad wave, a failed one holds everyone. */
export function pilotHolds(v: PilotVerdict | undefined, isReferenceHost: boolean): boolean {
  if (!v) return false;
  if (v.state === "failed") return true;
  return v.state === "running" && !isReferenceHost;
}

export function pilotHoldNote(v: PilotVerdict): string {
  if (v.state === "failed")
    return `held: the pilot failed on ${v.failedHosts.join(", ")} (${v.installed} of ${v.hosts} reference hosts patched, ${v.required} required); a person decides in a pull request (pilot: {override: proceed, reason: …} on the Update file)`;
  const awaiting =
    v.awaitingHosts.length > 0
      ? `; past the pilot window, ${v.awaitingHosts.join(", ")} still ${v.awaitingHosts.length === 1 ? "needs" : "need"} a restart or a scan newer than the window's end`
      : "";
  return `held: the pilot wave has ${v.installed} of ${v.hosts} reference hosts patched (${v.ratio}), below ${v.required}${awaiting}`;
}

/** The trail line of a wave that proceeds after a failed pilot: who decided, in which reviewed change, and why. */
export function pilotOverrideNote(v: PilotVerdict, e: CatalogEntry): string {
  const o = pilotSummary(v, e).override;
  if (!o) return "the pilot failed and the wave proceeds by override";
  const change = o.commit
    ? ` in ${o.pull === null ? `commit ${o.commit.slice(0, 12)}` : `PR #${o.pull} (commit ${o.commit.slice(0, 12)})`}${o.author ? ` by ${o.author}` : ""}${o.approvers.length ? `, approved by ${o.approvers.join(", ")}` : ""}${o.at ? `, merged ${o.at}` : ""}`
    : " (the approval was not verified, so who decided is not known)";
  return `the pilot failed on ${v.failedHosts.join(", ")}; the wave proceeds by override${change}: ${o.reason}`;
}

/** Findings the CAB must see: a failed pilot, an override in force, a reference host that failed in a passing or running pilot. */
export function pilotFindings(verdicts: ReadonlyMap<string, PilotVerdict>, catalog: ReadonlyMap<string, CatalogEntry>) {
  const out: Diagnostic[] = [];
  for (const [id, v] of [...verdicts].sort(([a], [b]) => compareText(a, b))) {
    const e = catalog.get(id)!;
    const where = e.doc ? e.doc.at(["spec", "pilot"]) : { file: e.decisionFile };
    const hosts = v.failedHosts.join(", ");
    if (v.state === "failed")
      out.push(
        diagnostic(
          "pilot-failed",
          "warning",
          `${id}: the pilot failed: ${hosts} did not report it installed after the pilot window (${v.installed} of ${v.hosts} reference hosts, ${v.required} required); every host is held until a pull request sets pilot: {override: proceed, reason: …} or rejects the update`,
          where,
        ),
      );
    else if (v.state === "overridden")
      out.push(
        diagnostic(
          "pilot-overridden",
          "warning",
          `${id}: the pilot failed on ${hosts}, and the broad wave proceeds by override (${pilotOverride(e)!.reason})`,
          where,
        ),
      );
    else if (v.failedHosts.length > 0)
      out.push(
        diagnostic(
          "pilot-host-failed",
          "warning",
          `${id}: ${hosts} did not report it installed after the pilot window; the pilot ${v.state === "passed" ? "still passed" : `is still running, and can still pass (${v.required} required)`} (${v.installed} of ${v.hosts}); investigate ${v.failedHosts.length === 1 ? "that host" : "those hosts"}`,
          where,
        ),
      );
  }
  return out;
}

/** The verdict as plan.json carries it; an overridden pilot names who decided, where, and why. */
export function pilotSummary(v: PilotVerdict, e?: CatalogEntry) {
  const o = e ? pilotOverride(e) : null;
  const override =
    v.state === "overridden" && o
      ? {
          reason: o.reason,
          commit: e!.override?.commit ?? null,
          pull: e!.override?.pull ?? null,
          author: e!.override?.author ?? null,
          approvers: e!.override?.approvers ?? [],
          at: e!.override?.at ?? null,
        }
      : null;
  return {
    state: v.state,
    hosts: v.hosts,
    installed: v.installed,
    failedHosts: v.failedHosts,
    ...(v.awaitingHosts.length > 0 ? { awaitingHosts: v.awaitingHosts } : {}),
    passedAt: v.passedAt === null ? null : isoUtc(v.passedAt),
    ...(override ? { override } : {}),
  };
}
