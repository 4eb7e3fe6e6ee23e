// The pure reconcile: desired state (policy) against observed state (inventory) gives host states and jobs.
// A short driver over named passes (passes/): context → host status → pilot → per unit (evaluate, jobs, cluster
// safety, escalation) → summary. Hosts and jobs go to a sink as each unit is done, so nothing fleet-sized is held.
import { diagnostic } from "../diagnostics.js";
import type { ExposureLine, HostResult, Job, Plan, UpdateState } from "../model/plan.js";
import type { CatalogEntry } from "./catalog.js";
import type { EscalationRequest } from "./escalation.js";
import { ExposureLines } from "./exposure.js";
import type { HostContext } from "./hosts.js";
import { SlaWatch } from "./late-approval.js";
import { addPackageLists } from "./linux-updates.js";
import { patchKeys } from "./patches.js";
import { clusterSafetyPass } from "./passes/cluster-safety-pass.js";
import { buildContext, type PlanContext, type ReconcileInput } from "./passes/context.js";
import { emptyEvaluation, evaluateHost } from "./passes/evaluate-host.js";
import { escalationPass } from "./passes/escalation-pass.js";
import { FleetFindings } from "./passes/fleet-findings.js";
import { planHost } from "./passes/host-plan.js";
import { hostStanding } from "./passes/host-status.js";
import { pilotPass, type PilotFacts } from "./passes/pilot-pass.js";
import type { PlanSink } from "./passes/sink.js";
import { compareJobs, summarize, SummaryCounters } from "./passes/summary.js";
import { Trail } from "./passes/trail.js";
import { planUnits } from "./passes/units.js";

export type { ReconcileInput } from "./passes/context.js";
export type { PlanSink } from "./passes/sink.js";
export { Trail } from "./passes/trail.js";
export { compareFindings, compareJobs } from "./passes/summary.js";

/** What a streaming reconcile returns besides what went to the sink. */
export interface Reconciled {
  plan: Plan;
  /** Why each host got what it got, for the hosts in `explainHosts`. */
  trail: Trail;
  catalog: Map<string, CatalogEntry>;
}

/** The in-memory result, in file order: for tests, diff and small fleets. */
export interface ReconcileResult extends Reconciled {
  hosts: HostResult[];
  jobs: Job[];
  /** exposure.ndjson: the hosts exposed to an exploited CVE, in host order. */
  exposure: ExposureLine[];
}

export interface ReconcileScope {
  /** Plan only the units (a host, or a cluster's nodes) holding these hosts (lower-case names); the summary then covers only them. */
  hosts?: ReadonlySet<string>;
}

/** The streaming reconcile: each host's line and jobs go to `sink` as soon as its unit is planned. */
export function reconcileInto(given: ReconcileInput, sink: PlanSink, scope: ReconcileScope = {}): Reconciled {
  const input: ReconcileInput = { ...given, detail: given.detail ?? "compact" };
  const ctx = buildContext(input);
  const trail = new Trail(input.explainHosts);
  const pilot = pilotPass(ctx, (h) => hostStanding(h, ctx.policy, ctx.now), trail);
  const fleet = new FleetFindings();
  for (const [host, ev] of pilot.evaluated) for (const id of ev.cannotRemove) fleet.cannotRemoveFrom(host, id);
  const slaWatch = new SlaWatch();
  const counters = new SummaryCounters();
  const wanted = scope.hosts;
  const exposure = new ExposureLines(ctx.catalog);
  for (const unit of planUnits(ctx.hosts)) {
    if (!ctx.inShard(unit[0]!)) continue;
    if (wanted && !unit.some((h) => wanted.has(h.name.toLowerCase()))) continue;
    const planned = planUnit(ctx, unit, { pilot, trail, slaWatch, fleet });
    for (const [r, states, above] of planned.results) {
      counters.addHost(r);
      counters.addStates(states);
      sink.onHost(r, above);
      const exposed = sink.onExposure ? exposure.lineOf(r, states) : null;
      if (exposed) sink.onExposure!(exposed);
    }
    for (const job of planned.jobs) {
      counters.addJob(job);
      sink.onJob(job);
    }
  }
  const { findings } = ctx;
  findings.push(...fleet.findings(ctx.catalog));
  const patches = patchKeys(ctx.catalog, ctx.inventory);
  findings.push(...slaWatch.findings(ctx.policy.sla.standardDays, pilot.skipped, patches));
  for (const [file, reason] of input.unverifiedAssignments ?? [])
    findings.push(
      diagnostic("approval-unverified", "error", `${file}: its hosts get no install jobs: ${reason}`, { file }),
    );
  const plan = summarize({
    input,
    detail: input.detail!,
    catalog: ctx.catalog,
    counters,
    pilot,
    slaAtRisk: slaWatch.summaries(),
    patches,
    findings,
  });
  return { plan, trail, catalog: ctx.catalog };
}

interface UnitState {
  pilot: PilotFacts;
  trail: Trail;
  slaWatch: SlaWatch;
  fleet: FleetFindings;
}

/**
 * A host line with the state of every update the host is measured against (a compact line lists only some) and its
 * ids above the baseline (a compact line counts them).
 */
type PlannedHost = [result: HostResult, states: ReadonlyMap<string, UpdateState>, aboveBaseline: readonly string[]];

/** Pass two for one unit: evaluate and plan each host, keep the cluster safe, escalate. */
function planUnit(
  ctx: PlanContext,
  unit: readonly HostContext[],
  s: UnitState,
): { results: PlannedHost[]; jobs: Job[] } {
  const results: PlannedHost[] = [];
  const jobs: Job[] = [];
  const requests: EscalationRequest[] = [];
  for (const h of unit) {
    let ev = s.pilot.evaluated.get(h.name);
    if (!ev) {
      ev = h.record ? evaluateHost(ctx, h, s.trail) : emptyEvaluation();
      for (const id of ev.cannotRemove) s.fleet.cannotRemoveFrom(h.name, id);
    }
    const planned = planHost(ctx, {
      h,
      standing: hostStanding(h, ctx.policy, ctx.now),
      ev,
      pilot: s.pilot,
      trail: s.trail,
      slaWatch: s.slaWatch,
    });
    if (planned.below.length > 0) s.fleet.belowBaseline(h.name, planned.below);
    results.push([planned.result, ev.states, ev.aboveBaseline]);
    jobs.push(...planned.jobs);
    if (planned.escalation) requests.push(planned.escalation);
  }
  const kept = clusterSafetyPass(
    unit,
    jobs,
    results.map(([r]) => r),
    ctx.findings,
  );
  const all = [...kept, ...escalationPass(ctx, requests, kept, ctx.findings)];
  addPackageLists(all, ctx.catalog, ctx.inventory);
  return { results, jobs: all };
}

/** The whole plan in memory, hosts and jobs in file order; every update on each host line unless asked for compact. */
export function reconcile(input: ReconcileInput, scope: ReconcileScope = {}): ReconcileResult {
  const hosts: HostResult[] = [];
  const jobs: Job[] = [];
  const exposure: ExposureLine[] = [];
  const r = reconcileInto(
    { ...input, detail: input.detail ?? "full" },
    { onHost: (h) => hosts.push(h), onJob: (j) => jobs.push(j), onExposure: (x) => exposure.push(x) },
    scope,
  );
  hosts.sort(compareHosts);
  jobs.sort(compareJobs);
  exposure.sort(compareHosts);
  return { ...r, hosts, jobs, exposure };
}

/** The order of hosts.ndjson: by lower-case name. */
export function compareHosts<T extends Pick<HostResult, "host">>(a: T, b: T): number {
  const x = a.host.toLowerCase();
  const y = b.host.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
