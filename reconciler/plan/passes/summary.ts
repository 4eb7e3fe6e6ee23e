// The summary pass: plan.json from counters kept while hosts and jobs flow past, never from held results.
import type { Diagnostic } from "../../diagnostics.js";
import type { HostResult, HostStatus, Job, JobType, Plan, PlanDetail, UpdateState } from "../../model/plan.js";
import { compareText } from "../../order.js";
import { PatchStates } from "../../policy/patch-states.js";
import { isoUtc } from "../../schedule/wall-clock.js";
import type { CatalogEntry } from "../catalog.js";
import { pilotSummary } from "../pilot.js";
import type { ReconcileInput } from "./context.js";
import { updateFile } from "./jobs.js";
import type { PilotFacts } from "./pilot-pass.js";

type Finding = Plan["findings"][number];
type SlaAtRisk = NonNullable<Plan["summary"]["updates"][string]["slaAtRisk"]>;

/** The order of jobs.ndjson: by window, host, type, id. */
export function compareJobs(a: Job, b: Job): number {
  return (
    compareText(a.window.start, b.window.start) ||
    compareText(a.host, b.host) ||
    compareText(a.type, b.type) ||
    compareText(a.id, b.id)
  );
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.code, b.code) ||
    compareText(a.file ?? "", b.file ?? "") ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareText(a.message, b.message)
  );
}

/** Counts by host status, job type and per-update state; the first pilot job's window. */
export class SummaryCounters {
  hosts = 0;
  readonly byStatus: Record<HostStatus, number> = {
    compliant: 0,
    noncompliant: 0,
    stale: 0,
    unmanaged: 0,
    unscanned: 0,
  };
  readonly jobs: Record<JobType, number> = {
    install: 0,
    synthetic: 0,
    healthcheck: 0,
    isolate: 0,
    notify: 0,
    uninstall: 0,
    restart: 0,
  };
  private readonly states = new Map<string, Partial<Record<UpdateState, number>>>();
  /** Each host's states of Linux package versions (ids NAME=VERSION), for the patches that group them. */
  private readonly packageStates: Record<string, UpdateState>[] = [];
  /** The shards' patch counts (merge). */
  private readonly shardPatches: Record<string, Partial<Record<UpdateState, number>>>[] = [];
  /** The first pilot job in jobs.ndjson order: its window is the plan's pilot window. */
  firstPilotJob: Job | null = null;

  /** A host line: its status. Its updates' states come apart (addStates, addShard): a compact line lists only some. */
  addHost(h: HostResult): void {
    this.hosts++;
    this.byStatus[h.status]++;
  }

  /** One host's state of every update it is measured against (the evaluation's, whatever its line lists). */
  addStates(states: Iterable<[string, UpdateState]>): void {
    let packages: Record<string, UpdateState> | null = null;
    for (const [id, st] of states) {
      this.addState(id, st, 1);
      if (id.indexOf("=") > 0) (packages ??= {})[id] = st;
    }
    if (packages) this.packageStates.push(packages);
  }

  /** A shard's per-update state counts (its plan.json): merged plans sum them, as their hosts are disjoint. */
  addShard(summary: Pick<Plan["summary"], "updates" | "patches">): void {
    for (const [id, u] of Object.entries(summary.updates))
      for (const [st, n] of Object.entries(u.states)) this.addState(id, st as UpdateState, n ?? 0);
    if (summary.patches) this.shardPatches.push(summary.patches);
  }

  private addState(id: string, st: UpdateState, n: number): void {
    let c = this.states.get(id);
    if (!c) this.states.set(id, (c = {}));
    c[st] = (c[st] ?? 0) + n;
  }

  addJob(j: Job): void {
    this.jobs[j.type]++;
    if (j.timeline === "pilot" && (!this.firstPilotJob || compareJobs(j, this.firstPilotJob) < 0))
      this.firstPilotJob = j;
  }

  /** The summary of plan.json; `updates` gives each update's entry, whose state counts are filled in here. */
  summary(updates: Plan["summary"]["updates"]): Plan["summary"] {
    const out: Plan["summary"]["updates"] = {};
    for (const id of Object.keys(updates).sort(compareText)) {
      out[id] = {
        ...updates[id]!,
        states: Object.fromEntries(Object.entries(this.states.get(id) ?? {}).sort(([a], [b]) => compareText(a, b))),
      };
    }
    // Patches of several package versions: each host once, at the worst state of the patch's approved versions.
    const patches = new PatchStates(out);
    for (const states of this.packageStates) patches.addHost({ updates: states });
    for (const shard of this.shardPatches) patches.addCounts(shard);
    const counted = Object.entries(patches.result()).map(
      ([patch, states]) =>
        [patch, Object.fromEntries(Object.entries(states).sort(([a], [b]) => compareText(a, b)))] as const,
    );
    return {
      hosts: this.hosts,
      byStatus: { ...this.byStatus },
      jobs: { ...this.jobs },
      updates: out,
      ...(counted.length > 0 ? { patches: Object.fromEntries(counted) } : {}),
    };
  }
}

export interface SummaryInput {
  input: ReconcileInput;
  detail: PlanDetail;
  catalog: Map<string, CatalogEntry>;
  counters: SummaryCounters;
  pilot: PilotFacts;
  slaAtRisk: ReadonlyMap<string, SlaAtRisk>;
  /** Update id → its patch (plan/patches.ts), where that is not the update itself. */
  patches: ReadonlyMap<string, string>;
  findings: readonly Diagnostic[];
}

export function summarize({
  input,
  detail,
  catalog,
  counters,
  pilot,
  slaAtRisk,
  patches,
  findings,
}: SummaryInput): Plan {
  const updates: Plan["summary"]["updates"] = {};
  for (const e of [...catalog.values()].sort((a, b) => compareText(a.id, b.id))) {
    updates[e.id] = {
      decision: e.decision,
      decidedBy: e.decidedBy,
      file: updateFile(e),
      timeline: e.timeline,
      approvedAt: e.approvedAt === null ? null : isoUtc(e.approvedAt),
      ...(patches.has(e.id) ? { patch: patches.get(e.id)! } : {}),
      states: {},
      held: pilot.holds.get(e.id) ?? null,
      ...(e.unverified && e.decision === "approved" ? { unverified: e.unverified } : {}),
      ...(pilot.verdicts.has(e.id) ? { pilot: pilotSummary(pilot.verdicts.get(e.id)!, e) } : {}),
      ...(slaAtRisk.has(e.id) ? { slaAtRisk: slaAtRisk.get(e.id)! } : {}),
    };
  }
  const pilotJob = counters.firstPilotJob;
  return {
    apiVersion: "patchops/v1",
    kind: "Plan",
    now: isoUtc(input.now),
    policyRevision: input.revision,
    approvalVerification: input.verification,
    inputs: input.inputs ?? null,
    shard: input.shard ? `${input.shard.index}/${input.shard.count}` : null,
    detail,
    ...(input.set.policy?.spec.rollout ? { rollout: input.set.policy.spec.rollout } : {}),
    summary: counters.summary(updates),
    pilot: { hosts: [...pilot.hosts].sort(compareText), window: pilotJob ? pilotJob.window : null },
    findings: findings
      .map((f) => ({ code: f.code, severity: f.severity, message: f.message, file: f.file, line: f.line }))
      .sort(compareFindings),
  };
}
