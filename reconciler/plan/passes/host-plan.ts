// Pass two for one host: windows, deadlines, overdue states and its jobs, then its final status and host line.
import { diagnostic } from "../../diagnostics.js";
import { COMPLIANT, SETTLED } from "../../policy/states.js";
import { UpdateState, type HostResult, type Job, type PlanDetail } from "../../model/plan.js";
import { compareText } from "../../order.js";
import { isoUtc } from "../../schedule/wall-clock.js";
import type { BaselineShortfall } from "../baseline-conformance.js";
import { lineOf } from "../catalog.js";
import { isEstimated } from "../evidence.js";
import type { EscalationRequest } from "../escalation.js";
import { periodPath, type HostContext } from "../hosts.js";
import { backoffMs } from "../job-results.js";
import { failureCause, needsPerson } from "../../policy/failure-classes.js";
import type { SlaWatch } from "../late-approval.js";
import { windowStartingFrom } from "../next-window.js";
import { pilotHoldNote, pilotHolds, pilotOverrideNote, usesPilotWave } from "../pilot.js";
import { slotFor } from "../timing.js";
import { removalSlot } from "../uninstall.js";
import type { PlanContext } from "./context.js";
import type { Evaluation } from "./evaluate-host.js";
import type { HostStanding } from "./host-status.js";
import {
  hostFiles,
  installJobs,
  makeJob,
  NO_HOOKS,
  NOT_FORCED,
  sortIds,
  type HostJobFacts,
  type Need,
} from "./jobs.js";
import type { PilotFacts } from "./pilot-pass.js";
import type { Trail } from "./trail.js";

const HOUR = 3_600_000;

export interface HostPlan {
  result: HostResult;
  jobs: Job[];
  escalation: EscalationRequest | null;
  below: BaselineShortfall[];
}

export interface HostPlanInput {
  h: HostContext;
  standing: HostStanding;
  ev: Evaluation;
  pilot: PilotFacts;
  trail: Trail;
  slaWatch: SlaWatch;
}

export function planHost(ctx: PlanContext, { h, standing, ev, pilot, trail, slaWatch }: HostPlanInput): HostPlan {
  const { policy, now, catalog } = ctx;
  const note = trail.forHost(h.name);
  const notes = [...standing.notes];
  let status = standing.status;
  const held: string[] = [];
  const needs: Need[] = [];
  // mild: why the action is milder than the policy's; strict: an escalated update with no such reason.
  const escalate: { ids: string[]; files: string[]; mild: string | null; strict: boolean } = {
    ids: [],
    files: [],
    mild: null,
    strict: false,
  };
  const assignmentProblem = h.assignment ? ctx.input.unverifiedAssignments?.get(h.assignment.file) : undefined;
  if (assignmentProblem) notes.push(`no install jobs: ${assignmentProblem}`);
  const operational =
    (status === "compliant" || status === "noncompliant") && h.entry && h.timetable && !assignmentProblem;
  if (operational) {
    for (const [id, m] of ev.missing) {
      const e = m.entry;
      const isPilot = pilot.hosts.has(h.name);
      const usesPilot = usesPilotWave(e) && pilot.hosts.size > 0 && !pilot.skipped.has(id);
      const verdict = pilot.verdicts.get(id);
      if (pilotHolds(verdict, isPilot)) {
        held.push(id);
        note(id, () => pilotHoldNote(verdict!));
        continue;
      }
      if (verdict?.state === "overridden") note(id, () => pilotOverrideNote(verdict, e));
      let slot = slotFor(
        {
          tt: h.timetable!.spec,
          period: h.entry!.period,
          timeline: e.timeline,
          approvedAt: e.approvedAt ?? now,
          pilot: isPilot && usesPilot,
          usesPilot,
        },
        policy,
        now,
      );
      if (!slot) continue;
      const failure = ev.failures.get(id);
      // A deterministic failure fails the same way again: no retry (and no forced restart loop) until a person acts.
      const manual = failure && needsPerson(failure.code, failure.attempts) ? failure : null;
      if (manual) {
        const cause = failureCause(manual.code);
        note(
          id,
          () =>
            `no retry: ${manual.code ?? "the failure"} ${cause ? `is deterministic (${cause.meaning})` : `has no known cause and failed ${manual.attempts} times`}; a person must fix the cause (a later scan or job result that shows it installed clears it)`,
        );
      } else if (failure) {
        // A failed update is retried in the host's first window after the backoff, never again in the same one.
        const notBefore = failure.at + backoffMs(policy.retry.backoffHours, failure.attempts);
        if (slot.window.start < notBefore) {
          const later = windowStartingFrom(h.timetable!.spec, h.entry!.period, slot.timeline, notBefore);
          if (!later) {
            note(id, () => `no window of period ${h.entry!.period} after the retry backoff: no job`);
            continue;
          }
          slot = { ...slot, timeline: later.timeline, window: later.window };
        }
        note(id, () => `retry ${failure.attempts + 1} after the failure at ${failure.atText}`);
      }
      slaWatch.record(e, h.name, slot);
      const s = slot;
      if (s.overdue) {
        if (ev.states.get(id) !== "failed") ev.states.set(id, "overdue");
        note(id, () => `overdue: it was due by ${isoUtc(s.dueBy)}`);
        // A synthetic payload is inert: a late one is a distribution problem, never a reason to isolate.
        if (e.spec.classification !== "synthetic" && now > s.slaBy + policy.escalation.afterHours * HOUR) {
          escalate.ids.push(id);
          escalate.files.push(...hostFiles(m.files, e));
          // The wave waited for a failed pilot and a person's override: the owner hears of it, the host stays up.
          if (verdict?.state === "overridden") escalate.mild ??= `the pilot of ${id} failed and was overridden`;
          // Automation cannot install it: the owner hears of it, the host stays up.
          else if (manual)
            escalate.mild ??= `${id} failed with ${manual.code ?? "an unknown error"} and needs a person`;
          else escalate.strict = true;
        }
      }
      if (manual) continue;
      note(
        id,
        () =>
          `scheduled on the ${s.timeline} timeline in ${isoUtc(s.window.start)} – ${isoUtc(s.window.end)} (period ${h.entry!.period} at ${lineOf(h.assignment!.at(periodPath(h)))}, timetable ${h.timetable!.file})${isPilot && s.timeline === "pilot" ? "; this host is in the reference collection" : ""}`,
      );
      needs.push({
        entry: e,
        slot,
        noForce: m.noForce,
        files: [...hostFiles(m.files, e), h.assignment!.file],
        ...(failure ? { retry: failure } : {}),
      });
    }
    // A prerequisite must not come later than what needs it: move it into the earliest job that needs it.
    for (const n of needs) {
      for (const r of n.entry.requires) {
        const dep = needs.find((x) => x.entry.id === r);
        if (dep && dep.slot.window.start > n.slot.window.start) dep.slot = n.slot;
      }
    }
  }
  const facts: HostJobFacts = {
    host: h.name,
    owner: h.assignment?.spec.owner ?? null,
    period: h.entry?.period ?? null,
    revision: ctx.input.revision,
    catalog,
    policy,
  };
  const jobs = installJobs(needs, facts);
  if (operational && ev.removals.length > 0) {
    const job = removalJob(ctx, h, ev, facts);
    if (job) jobs.push(job);
  }
  if (operational) {
    const job = restartJob(ctx, h, ev, jobs, facts, trail, escalate);
    if (job) jobs.push(job);
  }
  const escalation: EscalationRequest | null =
    escalate.ids.length > 0
      ? {
          host: h.name,
          cluster: h.entry?.cluster ?? null,
          action: escalate.mild && !escalate.strict ? "notify" : policy.escalation.action,
          ids: sortIds(new Set(escalate.ids), catalog),
          files: [...new Set([...escalate.files, ctx.set.policy!.file])].sort(compareText),
          why: escalate.strict ? null : escalate.mild,
        }
      : null;
  if (h.assignment && (status === "stale" || status === "unscanned")) {
    const job = makeJob({
      type: "healthcheck",
      host: h.name,
      owner: facts.owner,
      updates: [],
      timeline: "immediate",
      period: facts.period,
      window: { start: now, end: now + 4 * HOUR },
      enforcement: NOT_FORCED,
      priority: "normal",
      hooks: NO_HOOKS,
      reason: { summary: `${status}: ${notes.join("; ")}`, files: [h.assignment.file], commit: facts.revision },
    });
    if (policy.hooks.healthcheck.length > 0) job.commands = policy.hooks.healthcheck;
    jobs.push(job);
  }
  if (status === "compliant") {
    for (const s of ev.states.values()) if (!COMPLIANT.has(s)) status = "noncompliant";
  }
  if (held.length > 0 && status === "compliant") status = "noncompliant";
  // Below its baseline (an older OS build, a product below the required version), a host is not compliant.
  if (standing.below.length > 0 && status === "compliant") status = "noncompliant";
  return {
    result: hostResult(h, { ...standing, status, notes }, ev, held, ctx.input.detail ?? "compact"),
    jobs,
    escalation,
    below: standing.below,
  };
}

function removalJob(ctx: PlanContext, h: HostContext, ev: Evaluation, f: HostJobFacts): Job | null {
  const { policy } = ctx;
  const slot = removalSlot(
    h.timetable!.spec,
    h.entry!.period,
    ev.removals,
    ev.failures,
    policy.retry.backoffHours,
    ctx.now,
  );
  if (!slot) return null;
  const job = makeJob({
    type: "uninstall",
    host: h.name,
    owner: f.owner,
    updates: ev.removals,
    timeline: slot.timeline,
    period: f.period,
    window: slot.window,
    enforcement: { forceInstall: policy.enforcement.forceInstall, forceRestart: policy.enforcement.forceRestart },
    priority: "normal",
    hooks: policy.hooks,
    reason: {
      summary: `${ev.removals.length} rejected update${ev.removals.length === 1 ? "" : "s"} to remove (remove: true)`,
      // Each update's file is in plan.json (summary.updates[id].file), once.
      files: [h.assignment!.file],
      commit: f.revision,
    },
  });
  if (slot.retry) job.retry = { attempt: slot.retry.attempts + 1, after: slot.retry.atText };
  return job;
}

/** Entries as an object in id order; the evaluation writes them in that order, so sorting is rarely needed. */
function sortedRecord<V>(entries: readonly [string, V][]): Record<string, V> {
  let sorted = true;
  for (let i = 1; i < entries.length; i++)
    if (compareText(entries[i - 1]![0], entries[i]![0]) >= 0) {
      sorted = false;
      break;
    }
  // fromEntries, not assignment: an id such as "__proto__" stays an own key.
  return Object.fromEntries(sorted ? entries : [...entries].sort(([a], [b]) => compareText(a, b)));
}

const STATE_INDEX = new Map(UpdateState.options.map((s, i) => [s, i]));

/**
 * The host line's `counts` (per state, in the order of the state list, zero counts left out) and `updates`: every
 * state for a full plan, only the unsettled ones for a compact plan (docs/plan-format.md).
 */
export function hostUpdates(
  states: ReadonlyMap<string, UpdateState>,
  detail: PlanDetail,
): Pick<HostResult, "counts" | "updates"> {
  const tally = new Array<number>(STATE_INDEX.size).fill(0);
  const listed: [string, UpdateState][] = [];
  for (const [id, s] of states) {
    const i = STATE_INDEX.get(s)!;
    tally[i] = tally[i]! + 1;
    if (detail === "full" || !SETTLED.has(s)) listed.push([id, s]);
  }
  const counts: HostResult["counts"] = {};
  UpdateState.options.forEach((s, i) => {
    if (tally[i]! > 0) counts[s] = tally[i]!;
  });
  return { counts, updates: sortedRecord(listed) };
}

function hostResult(
  h: HostContext,
  standing: HostStanding,
  ev: Evaluation,
  held: string[],
  detail: PlanDetail,
): HostResult {
  const { counts, updates } = hostUpdates(ev.states, detail);
  const result: HostResult = {
    host: h.name,
    status: standing.status,
    owner: h.assignment?.spec.owner ?? null,
    period: h.entry?.period ?? null,
    cluster: h.entry?.cluster ?? null,
    role: h.entry?.role ?? null,
    scannedAt: h.record?.scannedAtText ?? null,
    baselines: h.baselines.map((b) => b.name),
    counts,
    updates,
  };
  // A compact line counts them: the ids are the inventory's installed list minus what the policy names. sort()
  // without a comparer orders by UTF-16 code units, as compareText does.
  if (detail === "full") result.aboveBaseline = [...ev.aboveBaseline].sort();
  else if (ev.aboveBaseline.length > 0) result.aboveBaselineCount = ev.aboveBaseline.length;
  if (standing.below.length > 0) result.belowBaseline = standing.below;
  if (ev.blockedBy.size > 0)
    result.blockedBy = Object.fromEntries([...ev.blockedBy].sort(([a], [b]) => compareText(a, b)));
  if (held.length > 0) result.held = held.sort(compareText);
  if (ev.exemptions.length > 0) result.exemptions = ev.exemptions;
  if (standing.notes.length > 0) result.notes = standing.notes;
  if (ev.failures.size > 0)
    result.failures = Object.fromEntries(
      [...ev.failures]
        .sort(([a], [b]) => compareText(a, b))
        .map(([id, f]) => [id, { code: f.code, at: f.atText, attempts: f.attempts }]),
    );
  if (h.record) result.os = h.record.os;
  if (h.record && isEstimated(h.record)) result.estimated = true;
  return result;
}

/**
 * A host that waits for a restart to finish installing approved updates gets a restart in its period's next window,
 * when the policy forces restarts and no no-force exemption covers those updates; otherwise its owner is told.
 */
function restartJob(
  ctx: PlanContext,
  h: HostContext,
  ev: Evaluation,
  jobs: readonly Job[],
  facts: HostJobFacts,
  trail: Trail,
  escalate: { ids: string[]; files: string[]; mild: string | null },
): Job | null {
  const pending = [...ev.states]
    .filter(([, s]) => s === "pending-reboot")
    .map(([id]) => id)
    .sort(compareText);
  if (pending.length === 0) return null;
  // An install job of this host restarts it anyway.
  if (jobs.some((j) => j.enforcement.forceRestart)) return null;
  const note = trail.forHost(h.name);
  const noForce = ctx.liveExemptions.filter(
    (e) =>
      ev.exemptions.includes(e.name) &&
      e.spec.type === "no-force" &&
      (e.spec.updates.includes("*") || e.spec.updates.some((u) => pending.includes(u.toUpperCase()))),
  );
  if (!ctx.policy.enforcement.forceRestart || noForce.length > 0) {
    const why =
      noForce.length > 0
        ? `the owner controls restarts (${noForce.map((e) => e.name).join(", ")})`
        : "the policy never forces a restart (enforcement.forceRestart: false)";
    ctx.findings.push(
      diagnostic(
        "restart-needed",
        "warning",
        `${h.name} (owner ${facts.owner ?? "none"}) waits for a restart to finish installing ${pending.join(", ")}; ${why}, so the owner must restart it`,
      ),
    );
    for (const id of pending) note(id, () => `pending a restart; ${why}: no restart job, the owner is told`);
    // Past the SLA plus escalation.afterHours the owner is escalated to (a notify job, never an isolation: the host
    // installed what it was asked to, and its owner controls when it restarts).
    const { policy, now } = ctx;
    for (const id of pending) {
      const e = ctx.catalog.get(id);
      if (!e || e.approvedAt === null) continue;
      const sla = e.timeline === "emergency" ? policy.sla.emergencyHours * HOUR : policy.sla.standardDays * 24 * HOUR;
      if (now <= e.approvedAt + sla + policy.escalation.afterHours * HOUR) continue;
      escalate.ids.push(id);
      escalate.files.push(h.assignment!.file, ...noForce.map((x) => x.file));
      escalate.mild ??= `${id} waits for a restart past its SLA; ${why}`;
      note(
        id,
        () => `still pending a restart past the SLA and escalation.afterHours: the owner is escalated to (notify)`,
      );
    }
    return null;
  }
  const next = windowStartingFrom(h.timetable!.spec, h.entry!.period, "standard", ctx.now);
  if (!next) return null;
  for (const id of pending)
    note(id, () => `pending a restart: restart job in ${isoUtc(next.window.start)} – ${isoUtc(next.window.end)}`);
  return makeJob({
    type: "restart",
    host: h.name,
    owner: facts.owner,
    updates: pending,
    timeline: next.timeline,
    period: facts.period,
    window: next.window,
    enforcement: { forceInstall: false, forceRestart: true },
    priority: "normal",
    hooks: { pre: ctx.policy.hooks.pre, post: ctx.policy.hooks.post },
    reason: {
      summary: `restart to finish installing ${pending.join(", ")} (the scan reports a pending restart)`,
      files: [h.assignment!.file],
      commit: facts.revision,
    },
  });
}
