// The pilot pass: the reference collection, its hosts' evaluations, and the pilot's verdict and holds per update.
import type { CatalogEntry } from "../catalog.js";
import type { HostContext } from "../hosts.js";
import { compareText } from "../../order.js";
import {
  pilotFindings,
  pilotSkipped,
  pilotVerdicts,
  pilotWindowEnd,
  usesPilotWave,
  type PilotVerdict,
} from "../pilot.js";
import { referenceCollection } from "../reference-collection.js";
import type { PlanContext } from "./context.js";
import { evaluateHost, type Evaluation } from "./evaluate-host.js";
import type { HostStanding } from "./host-status.js";
import type { Trail } from "./trail.js";

export interface PilotHold {
  pilotHosts: number;
  installed: number;
  ratio: number;
  required: number;
}

/** The fleet-wide facts of the pilot: what every host's job needs to know about the wave. */
export interface PilotFacts {
  /** The reference collection (host names). */
  hosts: Set<string>;
  /** The reference hosts' evaluations, reused when those hosts are planned (they are evaluated once). */
  evaluated: Map<string, Evaluation>;
  /** Updates approved too late for every reference host's pilot window. */
  skipped: Set<string>;
  verdicts: Map<string, PilotVerdict>;
  holds: Map<string, PilotHold>;
}

/** `standingOf` gives each host's status from pass one; only the reference hosts are evaluated here. */
export function pilotPass(ctx: PlanContext, standingOf: (h: HostContext) => HostStanding, trail: Trail): PilotFacts {
  const { policy, now } = ctx;
  const hosts = referenceCollection(
    ctx.hosts,
    policy,
    ctx.productNames,
    (h) => standingOf(h).status === "compliant" && !!h.assignment,
  );
  const reference = [...hosts].sort(compareText).map((n) => ctx.hostNamed(n)!);
  const evaluated = new Map<string, Evaluation>();
  for (const h of reference) evaluated.set(h.name, evaluateHost(ctx, h, trail));
  const standardDays = policy.sla.standardDays;
  const pilotTimetables = new Set(reference.flatMap((h) => h.timetable?.spec ?? []));
  const skipped = new Set(
    ctx.approved
      .filter((e) => usesPilotWave(e) && pilotSkipped(pilotTimetables, e.approvedAt ?? now, standardDays))
      .map((e) => e.id),
  );
  const verdicts = pilotVerdicts({
    updates: ctx.approved.filter((e) => !skipped.has(e.id)),
    referenceHosts: reference.map((h) => h.name),
    stateOf: (host, id) => evaluated.get(host)!.states.get(id),
    windowEndOf: (host: string, e: CatalogEntry) => {
      const h = ctx.hostNamed(host)!;
      return h.timetable && h.entry
        ? pilotWindowEnd(h.timetable.spec, h.entry.period, e.approvedAt ?? now, standardDays)
        : null;
    },
    evidenceAt: (host: string, id: string) => {
      const scanned = ctx.hostNamed(host)?.record?.scannedAt ?? Number.NEGATIVE_INFINITY;
      const outcomes = ctx.resultIndex.get(host.toLowerCase())?.get(id);
      const result = outcomes && outcomes.length > 0 ? outcomes[outcomes.length - 1]!.at : Number.NEGATIVE_INFINITY;
      return Math.max(scanned, result);
    },
    passedBefore: ctx.input.pilotPassed ?? new Map(),
    minSuccessRatio: policy.pilot.minSuccessRatio,
    now,
  });
  ctx.findings.push(...pilotFindings(verdicts, ctx.catalog));
  const holds = new Map<string, PilotHold>();
  for (const [id, v] of verdicts)
    if (v.state === "running" || v.state === "failed")
      holds.set(id, { pilotHosts: v.hosts, installed: v.installed, ratio: v.ratio, required: v.required });
  return { hosts, evaluated, skipped, verdicts, holds };
}
