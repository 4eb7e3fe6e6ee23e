// The pure reconcile: desired state (policy) against observed state (inventory) gives host states and jobs.
import { pushTo } from "../multimap.js";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import type { Inventory } from "../inventory/host-record.js";
import type { LoadedDoc, PolicySet } from "../load/policy-set.js";
import type { ExemptionSpec } from "../model/exemption.js";
import type { HostResult, HostStatus, Job, JobType, Plan, UpdateState } from "../model/plan.js";
import type { Window } from "../schedule/cycle.js";
import { isoUtc } from "../schedule/wall-clock.js";
import { exemptionEnd } from "../policy/exemptions.js";
import { applicability } from "./applicability.js";
import { CandidateIndex } from "./candidates.js";
import { buildCatalog, lineOf, type ApprovalEvidence, type CatalogEntry } from "./catalog.js";
import { hostContexts, type HostContext } from "./hosts.js";
import { jobId, shardOf } from "./job-id.js";
import { addLinuxUpdates, addPackageLists, PackageIndex, withSatisfiedPackages } from "./linux-updates.js";
import { referenceCollection } from "./reference-collection.js";
import { matchesSelector } from "../policy/selector.js";
import { unrecognisedOsFindings, unrecognisedOsNote } from "./os-recognition.js";
import { belowBaseline, belowBaselineFindings, type BaselineShortfall } from "./baseline-conformance.js";
import { slotFor, type Slot } from "./timing.js";
import { jobEnforcement } from "./enforcement.js";
import { SlaWatch } from "./late-approval.js";
import { clusterHoldFindings, holdClusterOverlaps } from "./cluster-safety.js";
import { installWindowsByHost, placeEscalations, type EscalationRequest } from "./escalation.js";
import {
  pilotFindings,
  pilotHoldNote,
  pilotHolds,
  pilotSummary,
  pilotVerdicts,
  pilotSkipped,
  pilotWindowEnd,
  usesPilotWave,
  type PilotVerdict,
} from "./pilot.js";
import { compareText } from "../order.js";
import type { JobResult } from "../model/job-result.js";
import { installDetails } from "./install-details.js";
import { backoffMs, indexResults, type Failure } from "./job-results.js";
import { windowStartingFrom } from "./next-window.js";
import { overlayResults } from "./overlay-results.js";
import { removalSlot, removalsOf } from "./uninstall.js";
import { baselineRequirementFindings } from "./baseline-requirements.js";

const HOUR = 3_600_000;

export interface ReconcileInput {
  set: PolicySet;
  inventory: Inventory;
  now: number;
  /** Approval evidence per update id (upper-case). */
  approvals: ReadonlyMap<string, ApprovalEvidence>;
  /** "off" deploys what the files say (demos); otherwise ids in `unverified` get no jobs. */
  verification: Plan["approvalVerification"];
  unverified: ReadonlyMap<string, string>;
  /** Verification on: rules whose own CAB approval was verified (name → when it took effect); others approve no scanned update. */
  verifiedRules?: ReadonlyMap<string, number>;
  /** Assignment files whose latest change the owner team did not approve: their hosts get no install jobs. */
  unverifiedAssignments?: ReadonlyMap<string, string>;
  /** Findings of approval verification (unverified files and what they mean), reported with the plan's own. */
  approvalFindings?: readonly Diagnostic[];
  revision: string | null;
  /** Hosts whose decision trail to keep for explain (lower-case names); none by default, since it costs memory. */
  explainHosts?: ReadonlySet<string>;
  /** Updates whose pilot passed in an earlier run, from the status branch (id → instant): a success is not withdrawn. */
  pilotPassed?: ReadonlyMap<string, number>;
  /** Plan only the hosts of shard `index` (1-based) of `count`; fleet-wide facts (pilot wave, holds) stay fleet-wide. */
  shard?: { index: number; count: number };
  /** Job results read with --results: failures, successes awaiting a scan, removals. */
  results?: readonly JobResult[];
}

export interface ReconcileResult {
  plan: Plan;
  hosts: HostResult[];
  jobs: Job[];
  /** Why each host got what it got, for explain: host → update → lines of reasoning. */
  trail: Map<string, Map<string, string[]>>;
  catalog: Map<string, CatalogEntry>;
}

interface Need {
  entry: CatalogEntry;
  slot: Slot;
  noForce: boolean;
  files: string[];
  retry?: Failure;
}

const COMPLIANT_STATES = new Set<UpdateState>(["installed", "superseded", "not-applicable", "deferred"]);

function sortIds(ids: Iterable<string>, catalog: Map<string, CatalogEntry>): string[] {
  const rank = (id: string) => (catalog.get(id)?.spec.classification === "service-pack" ? 0 : 1);
  return [...ids].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      compareText(catalog.get(a)?.spec.released ?? "", catalog.get(b)?.spec.released ?? "") ||
      compareText(a, b),
  );
}

/** Orders a job's updates so every prerequisite comes before what needs it. */
function installOrder(ids: string[], catalog: Map<string, CatalogEntry>): string[] {
  const inJob = new Set(ids);
  const out: string[] = [];
  const done = new Set<string>();
  const visit = (id: string, stack: Set<string>) => {
    if (done.has(id) || stack.has(id)) return;
    stack.add(id);
    for (const r of catalog.get(id)?.requires ?? []) if (inJob.has(r)) visit(r, stack);
    stack.delete(id);
    done.add(id);
    out.push(id);
  };
  for (const id of sortIds(ids, catalog)) visit(id, new Set());
  return out;
}

function exemptionsFor(h: HostContext, exemptions: readonly LoadedDoc<ExemptionSpec>[]): LoadedDoc<ExemptionSpec>[] {
  return exemptions.filter(
    (e) =>
      (e.spec.hosts ?? []).some((n) => n.toLowerCase() === h.name.toLowerCase()) ||
      (e.spec.selector !== undefined && matchesSelector(e.spec.selector, h.facts)),
  );
}

function covers(e: ExemptionSpec, id: string): boolean {
  return e.updates.some((u) => u === "*" || u.toUpperCase() === id);
}

export function reconcile(input: ReconcileInput): ReconcileResult {
  const { set, inventory, now } = input;
  const policy = set.policy!.spec;
  const catalog = buildCatalog({
    set,
    now,
    approvals: input.approvals,
    unverified: input.verification === "off" ? new Map() : input.unverified,
  });
  addLinuxUpdates(catalog, {
    set,
    inventory,
    now,
    verifiedRules: input.verification === "off" ? null : (input.verifiedRules ?? new Map()),
  });
  const packageIndex = new PackageIndex(catalog);
  const hosts = hostContexts(set, inventory);
  const findings: Diagnostic[] = [...(input.approvalFindings ?? []), ...baselineRequirementFindings(set, catalog)];
  const trail = new Map<string, Map<string, string[]>>();
  const explainHosts = input.explainHosts;
  // The trail is for explain only: lines are built lazily, and only for the hosts asked about.
  const note = (host: string, id: string, line: () => string) => {
    if (!explainHosts?.has(host.toLowerCase())) return;
    let m = trail.get(host);
    if (!m) trail.set(host, (m = new Map()));
    pushTo(m, id, line());
  };

  const productNames = new Set<string>();
  for (const e of catalog.values())
    for (const p of e.spec.appliesTo.products ?? []) productNames.add(p.name.toLowerCase());
  const resultIndex = indexResults(input.results ?? []);
  const cannotRemove = new Map<string, string[]>();
  const known = new Set(hosts.map((h) => h.name.toLowerCase()));
  for (const host of [...resultIndex.keys()].sort())
    if (!known.has(host))
      findings.push(
        diagnostic(
          "results-unknown-host",
          "warning",
          `job results name host '${host}', which is neither assigned nor scanned`,
        ),
      );
  const expiredSeen = new Set<string>();
  const liveExemptions = set.exemptions.filter((e) => {
    if (exemptionEnd(e.spec.expires) > now) return true;
    if (!expiredSeen.has(e.name)) {
      expiredSeen.add(e.name);
      findings.push(
        diagnostic(
          "exemption-expired-ignored",
          "warning",
          `exemption '${e.name}' expired on ${e.spec.expires} and was ignored`,
          e.at(["spec", "expires"]),
        ),
      );
    }
    return false;
  });

  // Pass 1: status and per-update state of every host from its scan.
  interface Evaluated {
    h: HostContext;
    status: HostStatus;
    states: Map<string, UpdateState>;
    missing: Map<string, { entry: CatalogEntry; noForce: boolean; files: string[] }>;
    blockedBy: Map<string, string[]>;
    aboveBaseline: string[];
    below: BaselineShortfall[];
    exemptions: string[];
    notes: string[];
    failures: Map<string, Failure>;
    removals: string[];
  }
  const evaluated: Evaluated[] = [];
  const approved = [...catalog.values()].filter((e) => e.decision === "approved");
  // An approved update superseded by another approved one is represented by the newer one: hosts are measured against
  // the newest approved member of each chain (the older ones still show as installed where they are).
  const candidates = new CandidateIndex(approved.filter((e) => !e.supersededByApproved));
  // Many hosts share an installed set (same build, same month): what it supersedes is computed once per set.
  const coveredMemo = new Map<string, Set<string>>();
  const coveredBy = (installed: ReadonlySet<string>): Set<string> => {
    const key = [...installed].sort().join(",");
    let hit = coveredMemo.get(key);
    if (!hit) {
      hit = new Set<string>();
      for (const i of installed) for (const old of catalog.get(i)?.supersedesAll ?? []) hit.add(old);
      if (coveredMemo.size > 50_000) coveredMemo.clear();
      coveredMemo.set(key, hit);
    }
    return hit;
  };
  for (const h of hosts) {
    const ev: Evaluated = {
      h,
      status: "compliant",
      states: new Map(),
      missing: new Map(),
      blockedBy: new Map(),
      aboveBaseline: [],
      below: [],
      exemptions: [],
      notes: [],
      failures: new Map(),
      removals: [],
    };
    evaluated.push(ev);
    const rec = h.record;
    if (!h.assignment && (rec || h.malformed)) {
      ev.status = "unmanaged";
      ev.notes.push("scanned but in no assignment: a rogue or unregistered system");
    } else if (!rec && !h.malformed) {
      ev.status = "unscanned";
      ev.notes.push("assigned but absent from the inventory: its agent is not reporting");
    }
    if (h.malformed) {
      if (ev.status !== "unmanaged") ev.status = "stale";
      ev.notes.push(`unusable inventory record (${h.malformed})`);
    }
    if (!rec) continue;
    if (ev.status === "compliant" && rec.scannedAt < now - policy.staleAfterHours * HOUR) {
      ev.status = "stale";
      ev.notes.push(`last scan ${rec.scannedAtText} is older than staleAfterHours (${policy.staleAfterHours})`);
    } else if (ev.status === "compliant" && rec.scannedAt > now + HOUR) {
      ev.status = "stale";
      ev.notes.push(`last scan ${rec.scannedAtText} lies in the future; the scanner's clock is wrong`);
    } else if (ev.status === "compliant" && !rec.agentHealthy) {
      ev.status = "stale";
      ev.notes.push("the scanning agent reports itself unhealthy");
    }
    ev.below = belowBaseline(rec, h.baselines);
    const osNote = unrecognisedOsNote(rec);
    if (osNote) {
      if (ev.status === "compliant") ev.status = "noncompliant";
      ev.notes.push(osNote);
    }
  }
  findings.push(...unrecognisedOsFindings(inventory.records.values()));

  // The reference collection needs every host's status and facts, but only the pilot hosts' states.
  const evByHost = new Map(evaluated.map((e) => [e.h.name, e]));
  const hostByName = new Map(hosts.map((h) => [h.name, h]));
  const pilotHosts = referenceCollection(hosts, policy, productNames, (h) => {
    const ev = evByHost.get(h.name)!;
    return ev.status === "compliant" && !!h.assignment;
  });
  const shard = input.shard;
  const inShard = (h: HostContext) => !shard || shardOf(h.entry?.cluster ?? h.name, shard.count) === shard.index;

  for (const ev of evaluated) {
    const { h } = ev;
    const rec = withSatisfiedPackages(h.record, packageIndex);
    if (!rec || !(inShard(h) || pilotHosts.has(h.name))) continue;
    const hostExemptions = exemptionsFor(h, liveExemptions);
    ev.exemptions = hostExemptions.map((e) => e.name);
    const required = new Map<string, string>();
    for (const b of h.baselines)
      for (const id of b.spec.requiredUpdates)
        if (!required.has(id.toUpperCase())) required.set(id.toUpperCase(), b.file);
    // What the host is measured against: approved updates that may apply (indexed), its baselines' requirements,
    // and known updates it has installed (to catch rejected or superseded ones).
    const relevant = new Set<string>(required.keys());
    for (const e of candidates.candidates(rec)) relevant.add(e.id);
    for (const id of rec.installed) if (catalog.has(id)) relevant.add(id);
    const coveredByInstalled = coveredBy(rec.installed);
    for (const id of [...relevant].sort()) {
      const entry = catalog.get(id)!;
      const file = entry.doc?.file ?? entry.decisionFile ?? "";
      // A baseline's requirement is obligatory only through its own approved Update file.
      const obligatory = entry.decision === "approved" && !entry.unverified;
      if (rec.installed.has(id)) {
        if (entry.decision === "rejected") {
          ev.states.set(id, "rejected-installed");
          note(h.name, id, () => `installed, but rejected at ${entry.decisionAt ?? file}`);
        } else if (
          rec.pendingReboot &&
          (obligatory || entry.decision === "approved") &&
          (rec.pendingRebootUpdates ? rec.pendingRebootUpdates.has(id) : entry.spec.restart !== "never")
        ) {
          ev.states.set(id, "pending-reboot");
          note(h.name, id, () => `installed and waiting for a restart (${rec.origin})`);
        } else if (obligatory || entry.decision !== "pending" || required.has(id)) {
          ev.states.set(id, "installed");
          note(h.name, id, () => `installed according to the scan at ${rec.origin}`);
        }
        continue;
      }
      if (entry.decision === "rejected" || (!obligatory && entry.decision !== "approved")) continue;
      const app = applicability(entry.spec.appliesTo, rec);
      if (!app.applies) {
        // Only a baseline's requirement is worth listing as not applicable; any other update simply does not concern the host.
        if (!required.has(id)) continue;
        ev.states.set(id, "not-applicable");
        note(
          h.name,
          id,
          () =>
            `not applicable: ${app.why} (appliesTo at ${entry.doc ? lineOf(entry.doc.at(["spec", "appliesTo"])) : file})`,
        );
        continue;
      }
      if (coveredByInstalled.has(id)) {
        ev.states.set(id, "superseded");
        note(
          h.name,
          id,
          () =>
            `superseded by installed ${[...entry.supersededBy]
              .filter((s) => rec.installed.has(s))
              .sort()
              .join(", ")}`,
        );
        continue;
      }
      if (entry.unverified) {
        // Unverified is not compliant: the update stays missing, and gets no job.
        ev.states.set(id, "missing");
        note(
          h.name,
          id,
          () =>
            `approved in ${file}, but the CAB approval could not be verified (${entry.unverified}): missing, no job`,
        );
        continue;
      }
      note(
        h.name,
        id,
        () =>
          `missing; ${entry.decidedBy === "file" ? "approved" : entry.decidedBy?.startsWith("rule:") ? `approved by ${entry.decidedBy}` : `required by ${entry.decidedBy}`} at ${entry.decisionAt ?? file}${entry.approvedEvidence ? ` (${entry.approvedEvidence})` : ""}`,
      );
      const exemption = hostExemptions.find((e) => covers(e.spec, id));
      const files = [file];
      if (required.has(id)) files.push(required.get(id)!);
      if (exemption?.spec.type === "defer") {
        ev.states.set(id, "deferred");
        note(
          h.name,
          id,
          () =>
            `deferred until ${exemption.spec.expires} by ${lineOf(exemption.at(["spec", "type"]))} (${exemption.spec.ticket})`,
        );
        continue;
      }
      if (exemption) {
        files.push(exemption.file);
        note(
          h.name,
          id,
          () =>
            `never forced: ${lineOf(exemption.at(["spec", "type"]))} (${exemption.spec.ticket}); still due by the deadline`,
        );
      }
      ev.states.set(id, exemption ? "exempt" : "missing");
      ev.missing.set(id, { entry, noForce: !!exemption, files });
    }
    // Only the newest approved update of a chain is deployed: drop what a deployable superseder covers.
    if (ev.missing.size > 1) {
      const coveredByMissing = new Map<string, string>();
      for (const m of ev.missing.keys())
        for (const old of catalog.get(m)!.supersedesAll) if (!coveredByMissing.has(old)) coveredByMissing.set(old, m);
      for (const id of [...ev.missing.keys()]) {
        const covering = coveredByMissing.get(id);
        if (covering && ev.missing.has(covering)) {
          ev.missing.delete(id);
          note(h.name, id, () => `covered by ${covering}, which supersedes it and is deployed instead`);
        }
      }
    }
    // Prerequisites: approved ones join the job; otherwise the update is blocked.
    for (const [id, m] of [...ev.missing]) {
      const absent: string[] = [];
      for (const r of m.entry.requires) {
        const dep = catalog.get(r);
        const satisfied = rec.installed.has(r) || coveredByInstalled.has(r);
        if (satisfied) continue;
        // A prerequisite that does not apply (e.g. a service pack the product's version is already past) is met.
        if (dep && !applicability(dep.spec.appliesTo, rec).applies) continue;
        if (ev.missing.has(r)) continue;
        // A deferred prerequisite stays deferred: what needs it waits (blocked) rather than dragging it in.
        if (ev.states.get(r) === "deferred") {
          absent.push(r);
          continue;
        }
        if (dep && dep.decision === "approved" && !dep.unverified && applicability(dep.spec.appliesTo, rec).applies) {
          ev.missing.set(r, { entry: dep, noForce: m.noForce, files: [dep.doc?.file ?? dep.decisionFile ?? ""] });
          ev.states.set(r, "missing");
          note(h.name, r, () => `missing; pulled in as a prerequisite of ${id}`);
          continue;
        }
        absent.push(r);
      }
      if (absent.length > 0) {
        ev.missing.delete(id);
        ev.states.set(id, "blocked");
        ev.blockedBy.set(id, absent);
        note(h.name, id, () => `blocked: prerequisite ${absent.join(", ")} is neither installed nor approved here`);
      }
    }
    overlayResults({
      host: h.name,
      owner: h.assignment?.spec.owner ?? null,
      rec,
      states: ev.states,
      missing: ev.missing,
      outcomes: resultIndex.get(h.name.toLowerCase()),
      maxFailures: policy.retry.maxFailures,
      note: (id, line) => note(h.name, id, line),
      findings,
      failures: ev.failures,
    });
    const removals = removalsOf(ev.states, catalog);
    ev.removals = removals.remove;
    for (const id of removals.cannot) pushTo(cannotRemove, id, h.name);
    const allowed = (id: string) => {
      const e = catalog.get(id);
      return (e !== undefined && (e.decision === "approved" || e.supersededByApproved)) || required.has(id);
    };
    ev.aboveBaseline = [...rec.installed].filter((id) => !allowed(id)).sort();
  }

  // Pass 2: the pilot's verdict per update, from the reference hosts' states and windows.
  const standardDays = policy.sla.standardDays;
  const pilotTimetables = new Set([...pilotHosts].flatMap((n) => evByHost.get(n)!.h.timetable?.spec ?? []));
  const skipped = new Set(
    approved
      .filter((e) => usesPilotWave(e) && pilotSkipped(pilotTimetables, e.approvedAt ?? now, standardDays))
      .map((e) => e.id),
  );
  const verdicts = pilotVerdicts({
    updates: approved.filter((e) => !skipped.has(e.id)),
    referenceHosts: [...pilotHosts].sort(compareText),
    stateOf: (host, id) => evByHost.get(host)!.states.get(id),
    windowEndOf: (host, e) => {
      const h = evByHost.get(host)!.h;
      return h.timetable && h.entry
        ? pilotWindowEnd(h.timetable.spec, h.entry.period, e.approvedAt ?? now, standardDays)
        : null;
    },
    passedBefore: input.pilotPassed ?? new Map(),
    minSuccessRatio: policy.pilot.minSuccessRatio,
    now,
  });
  findings.push(...pilotFindings(verdicts, catalog));
  const holds = new Map<string, { pilotHosts: number; installed: number; ratio: number; required: number }>();
  for (const [id, v] of verdicts)
    if (v.state === "running" || v.state === "failed")
      holds.set(id, { pilotHosts: v.hosts, installed: v.installed, ratio: v.ratio, required: v.required });

  // Pass 3: windows, deadlines, overdue states and jobs.
  const jobs: Job[] = [];
  const shortfalls = new Map<string, BaselineShortfall[]>();
  const escalations: EscalationRequest[] = [];
  const slaWatch = new SlaWatch();
  const results: HostResult[] = [];
  const hooks = policy.hooks;
  const revision = input.revision;
  for (const ev of evaluated) {
    const { h } = ev;
    if (!inShard(h)) continue;
    const held: string[] = [];
    const needs: Need[] = [];
    const escalate: { ids: string[]; files: string[]; mild: string | null } = { ids: [], files: [], mild: null };
    const assignmentProblem = h.assignment ? input.unverifiedAssignments?.get(h.assignment.file) : undefined;
    if (assignmentProblem) ev.notes.push(`no install jobs: ${assignmentProblem}`);
    const operational =
      (ev.status === "compliant" || ev.status === "noncompliant") && h.entry && h.timetable && !assignmentProblem;
    if (operational) {
      for (const [id, m] of ev.missing) {
        const e = m.entry;
        const isPilot = pilotHosts.has(h.name);
        const usesPilot = usesPilotWave(e) && pilotHosts.size > 0 && !skipped.has(id);
        const verdict = verdicts.get(id);
        if (pilotHolds(verdict, isPilot)) {
          held.push(id);
          note(h.name, id, () => pilotHoldNote(verdict!));
          continue;
        }
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
        if (failure) {
          // A failed update is retried in the host's first window after the backoff, never again in the same one.
          const notBefore = failure.at + backoffMs(policy.retry.backoffHours, failure.attempts);
          if (slot.window.start < notBefore) {
            const later = windowStartingFrom(h.timetable!.spec, h.entry!.period, slot.timeline, notBefore);
            if (!later) {
              note(h.name, id, () => `no window of period ${h.entry!.period} after the retry backoff: no job`);
              continue;
            }
            slot = { ...slot, timeline: later.timeline, window: later.window };
          }
          note(h.name, id, () => `retry ${failure.attempts + 1} after the failure at ${failure.atText}`);
        }
        slaWatch.record(e, h.name, slot);
        if (slot.overdue) {
          if (ev.states.get(id) !== "failed") ev.states.set(id, "overdue");
          note(h.name, id, () => `overdue: it was due by ${isoUtc(slot.dueBy)}`);
          // A synthetic payload is inert: a late one is a distribution problem, never a reason to isolate.
          if (e.spec.classification !== "synthetic" && now > slot.slaBy + policy.escalation.afterHours * HOUR) {
            escalate.ids.push(id);
            escalate.files.push(...m.files);
            // The wave waited for a failed pilot and a person's override: the owner hears of it, the host stays up.
            if (verdict?.state === "overridden") escalate.mild ??= `the pilot of ${id} failed and was overridden`;
          }
        }
        note(
          h.name,
          id,
          () =>
            `scheduled on the ${slot.timeline} timeline in ${isoUtc(slot.window.start)} – ${isoUtc(slot.window.end)} (period ${h.entry!.period} at ${lineOf(h.assignment!.at(h.periodAt))}, timetable ${h.timetable!.file})${isPilot && slot.timeline === "pilot" ? "; this host is in the reference collection" : ""}`,
        );
        needs.push({
          entry: e,
          slot,
          noForce: m.noForce,
          files: [...m.files, h.assignment!.file],
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
    // Group into jobs: one per host, type and window. A no-force exemption on any update in the window means the
    // owner controls that window's restart, so nothing in it is forced.
    const groups = new Map<
      string,
      {
        type: JobType;
        slot: Slot;
        noForce: boolean;
        ids: string[];
        files: Set<string>;
        overdue: boolean;
        retry?: Failure;
      }
    >();
    for (const n of needs) {
      const type: JobType = n.entry.spec.classification === "synthetic" ? "synthetic" : "install";
      const key = `${type}|${n.slot.timeline}|${n.slot.window.start}|${n.slot.window.end}`;
      const g = groups.get(key) ?? {
        type,
        slot: n.slot,
        noForce: false,
        ids: [],
        files: new Set<string>(),
        overdue: false,
      };
      g.ids.push(n.entry.id);
      n.files.forEach((f) => g.files.add(f));
      g.overdue ||= n.slot.overdue;
      g.noForce ||= n.noForce;
      if (n.retry && (!g.retry || n.retry.attempts > g.retry.attempts)) g.retry = n.retry;
      groups.set(key, g);
    }
    const owner = h.assignment?.spec.owner ?? null;
    const period = h.entry?.period ?? null;
    for (const g of groups.values()) {
      const updates = installOrder(g.ids, catalog);
      const enforcement = jobEnforcement(g, policy.enforcement);
      const timeline = g.slot.timeline;
      const job = makeJob(
        g.type,
        h.name,
        owner,
        updates,
        timeline,
        period,
        g.slot.window,
        enforcement,
        timeline === "emergency" || g.overdue ? "high" : "normal",
        g.type === "install" ? hooks : { pre: [], post: [] },
        {
          summary: `${updates.length} ${g.type === "synthetic" ? "synthetic" : "approved"} update${updates.length === 1 ? "" : "s"} missing${g.overdue ? " (overdue)" : ""}${g.noForce ? "; exemption: not forced" : ""}`,
          files: [...g.files].sort(),
          commit: revision,
        },
      );
      if (g.type === "install") Object.assign(job, installDetails(updates, catalog));
      if (g.retry) job.retry = { attempt: g.retry.attempts + 1, after: g.retry.atText };
      jobs.push(job);
    }
    if (operational && ev.removals.length > 0) {
      const slot = removalSlot(
        h.timetable!.spec,
        h.entry!.period,
        ev.removals,
        ev.failures,
        policy.retry.backoffHours,
        now,
      );
      if (slot) {
        const job = makeJob(
          "uninstall",
          h.name,
          owner,
          ev.removals,
          slot.timeline,
          period,
          slot.window,
          { forceInstall: policy.enforcement.forceInstall, forceRestart: policy.enforcement.forceRestart },
          "normal",
          hooks,
          {
            summary: `${ev.removals.length} rejected update${ev.removals.length === 1 ? "" : "s"} to remove (remove: true)`,
            files: [...new Set(ev.removals.map((id) => catalog.get(id)?.doc?.file ?? ""))].filter(Boolean).sort(),
            commit: revision,
          },
        );
        if (slot.retry) job.retry = { attempt: slot.retry.attempts + 1, after: slot.retry.atText };
        jobs.push(job);
      }
    }
    if (escalate.ids.length > 0)
      escalations.push({
        host: h.name,
        cluster: h.entry?.cluster ?? null,
        action: escalate.mild ? "notify" : policy.escalation.action,
        ids: sortIds(new Set(escalate.ids), catalog),
        files: [...new Set([...escalate.files, set.policy!.file])].sort(),
        why: escalate.mild,
      });
    if (h.assignment && (ev.status === "stale" || ev.status === "unscanned")) {
      jobs.push(
        makeJob(
          "healthcheck",
          h.name,
          owner,
          [],
          "immediate",
          period,
          { start: now, end: now + 4 * HOUR },
          { forceInstall: false, forceRestart: false },
          "normal",
          { pre: [], post: [] },
          {
            summary: `${ev.status}: ${ev.notes.join("; ")}`,
            files: [h.assignment.file],
            commit: revision,
          },
        ),
      );
      if (hooks.healthcheck.length > 0) jobs[jobs.length - 1]!.commands = hooks.healthcheck;
    }
    if (ev.status === "compliant") {
      for (const s of ev.states.values()) if (!COMPLIANT_STATES.has(s)) ev.status = "noncompliant";
    }
    if (held.length > 0 && ev.status === "compliant") ev.status = "noncompliant";
    // Below its baseline (an older OS build, a product below the required version), a host is not compliant.
    if (ev.below.length > 0) {
      if (ev.status === "compliant") ev.status = "noncompliant";
      shortfalls.set(h.name, ev.below);
    }
    const result: HostResult = {
      host: h.name,
      status: ev.status,
      owner,
      period,
      cluster: h.entry?.cluster ?? null,
      role: h.entry?.role ?? null,
      scannedAt: h.record?.scannedAtText ?? null,
      baselines: h.baselines.map((b) => b.name),
      updates: Object.fromEntries([...ev.states].sort(([a], [b]) => compareText(a, b))),
      aboveBaseline: ev.aboveBaseline,
    };
    if (ev.below.length > 0) result.belowBaseline = ev.below;
    if (ev.blockedBy.size > 0)
      result.blockedBy = Object.fromEntries([...ev.blockedBy].sort(([a], [b]) => compareText(a, b)));
    if (held.length > 0) result.held = held.sort();
    if (ev.exemptions.length > 0) result.exemptions = ev.exemptions;
    if (ev.notes.length > 0) result.notes = ev.notes;
    if (ev.failures.size > 0)
      result.failures = Object.fromEntries(
        [...ev.failures]
          .sort(([a], [b]) => compareText(a, b))
          .map(([id, f]) => [id, { code: f.code, at: f.atText, attempts: f.attempts }]),
      );
    if (h.record) result.os = h.record.os;
    results.push(result);
    // The result now carries what the host needs; free the working state (it is the bulk of memory at fleet scale).
    ev.states.clear();
    ev.missing.clear();
    ev.blockedBy.clear();
  }

  for (const [id, names] of [...cannotRemove].sort(([a], [b]) => compareText(a, b))) {
    const e = catalog.get(id);
    findings.push(
      diagnostic(
        "rejected-not-uninstallable",
        "warning",
        `${id} is rejected with remove: true but cannot be uninstalled (uninstallable: false); installed on ${names.length} host${names.length === 1 ? "" : "s"}: ${names.sort().slice(0, 20).join(", ")}${names.length > 20 ? ", …" : ""}`,
        e?.doc ? e.doc.at(["spec", "uninstallable"]) : {},
      ),
    );
  }
  findings.push(...belowBaselineFindings(shortfalls));
  findings.push(...slaWatch.findings(standardDays, skipped));

  // Cluster safety: no two nodes of one cluster in overlapping windows; the later node waits, the fleet goes on.
  const clusterOf = new Map(hosts.filter((h) => h.entry?.cluster).map((h) => [h.name, h.entry!.cluster!]));
  const safe = holdClusterOverlaps(jobs, clusterOf);
  jobs.splice(0, jobs.length, ...safe.kept);
  findings.push(...clusterHoldFindings(safe.held, results, (host) => hostByName.get(host)?.assignment?.file ?? null));

  const placed = placeEscalations(escalations, installWindowsByHost(jobs), now);
  findings.push(...placed.findings);
  for (const d of placed.decisions) {
    const r = d.request;
    const h = hostByName.get(r.host)!;
    jobs.push(
      makeJob(
        d.action,
        r.host,
        h.assignment?.spec.owner ?? null,
        r.ids,
        "immediate",
        h.entry?.period ?? null,
        d.window,
        { forceInstall: false, forceRestart: false },
        "high",
        { pre: [], post: [] },
        {
          summary: `${d.action === "isolate" ? "isolate until patched" : "notify the owner"}: past the SLA by more than escalation.afterHours (${policy.escalation.afterHours})${d.why ? `; ${d.why}` : ""}`,
          files: r.files,
          commit: revision,
        },
      ),
    );
    if (policy.hooks[d.action].length > 0) jobs[jobs.length - 1]!.commands = policy.hooks[d.action];
  }

  for (const [file, reason] of input.unverifiedAssignments ?? []) {
    findings.push(
      diagnostic("approval-unverified", "error", `${file}: its hosts get no install jobs: ${reason}`, { file }),
    );
  }

  addPackageLists(jobs, catalog, inventory);
  jobs.sort(compareJobs);
  return {
    plan: summarize(input, catalog, results, jobs, holds, verdicts, slaWatch.summaries(), pilotHosts, findings),
    hosts: results,
    jobs,
    trail,
    catalog,
  };
}

/** The order of jobs.ndjson: by window, host, type, id. */
export function compareJobs(a: Job, b: Job): number {
  return (
    compareText(a.window.start, b.window.start) ||
    compareText(a.host, b.host) ||
    compareText(a.type, b.type) ||
    compareText(a.id, b.id)
  );
}

/** The order of hosts.ndjson: by lower-case name. */
export function compareHosts(a: HostResult, b: HostResult): number {
  const x = a.host.toLowerCase();
  const y = b.host.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

type Finding = Plan["findings"][number];
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.code, b.code) ||
    compareText(a.file ?? "", b.file ?? "") ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareText(a.message, b.message)
  );
}

/** Counts by status, by job type and per update state, recomputed from host and job lines (also by merge). */
export function tally(
  hosts: readonly HostResult[],
  jobs: readonly Job[],
  updates: Plan["summary"]["updates"],
): Plan["summary"] {
  const byStatus = { compliant: 0, noncompliant: 0, stale: 0, unmanaged: 0, unscanned: 0 } as Record<
    HostStatus,
    number
  >;
  for (const h of hosts) byStatus[h.status]++;
  const jobCounts = { install: 0, synthetic: 0, healthcheck: 0, isolate: 0, notify: 0, uninstall: 0 } as Record<
    JobType,
    number
  >;
  for (const j of jobs) jobCounts[j.type]++;
  const stateCounts = new Map<string, Record<string, number>>();
  for (const h of hosts) {
    for (const [id, st] of Object.entries(h.updates)) {
      const c = stateCounts.get(id) ?? {};
      c[st] = (c[st] ?? 0) + 1;
      stateCounts.set(id, c);
    }
  }
  const out: Plan["summary"]["updates"] = {};
  for (const id of Object.keys(updates).sort()) {
    out[id] = {
      ...updates[id]!,
      states: Object.fromEntries(Object.entries(stateCounts.get(id) ?? {}).sort(([a], [b]) => compareText(a, b))),
    };
  }
  return { hosts: hosts.length, byStatus, jobs: jobCounts, updates: out };
}

function makeJob(
  type: JobType,
  host: string,
  owner: string | null,
  updates: string[],
  timeline: Job["timeline"],
  period: string | null,
  window: Window,
  enforcement: Job["enforcement"],
  priority: Job["priority"],
  hooks: { pre: Job["pre"]; post: Job["post"] },
  reason: Job["reason"],
): Job {
  const w = { start: isoUtc(window.start), end: isoUtc(window.end) };
  return {
    id: jobId([type, host, updates, timeline, w.start, w.end, enforcement]),
    type,
    host,
    owner,
    updates,
    timeline,
    period,
    window: w,
    deadline: w.end,
    enforcement,
    priority,
    pre: hooks.pre,
    post: hooks.post,
    reason,
  };
}

function summarize(
  input: ReconcileInput,
  catalog: Map<string, CatalogEntry>,
  hosts: HostResult[],
  jobs: Job[],
  holds: Map<string, { pilotHosts: number; installed: number; ratio: number; required: number }>,
  verdicts: ReadonlyMap<string, PilotVerdict>,
  slaAtRisk: ReadonlyMap<string, NonNullable<Plan["summary"]["updates"][string]["slaAtRisk"]>>,
  pilotHosts: Set<string>,
  findings: Diagnostic[],
): Plan {
  const updates: Plan["summary"]["updates"] = {};
  for (const e of [...catalog.values()].sort((a, b) => compareText(a.id, b.id))) {
    updates[e.id] = {
      decision: e.decision,
      decidedBy: e.decidedBy,
      timeline: e.timeline,
      approvedAt: e.approvedAt === null ? null : isoUtc(e.approvedAt),
      states: {},
      held: holds.get(e.id) ?? null,
      ...(e.unverified ? { unverified: e.unverified } : {}),
      ...(verdicts.has(e.id) ? { pilot: pilotSummary(verdicts.get(e.id)!) } : {}),
      ...(slaAtRisk.has(e.id) ? { slaAtRisk: slaAtRisk.get(e.id)! } : {}),
    };
  }
  const pilotJob = jobs.find((j) => j.timeline === "pilot");
  return {
    apiVersion: "patchops/v1",
    kind: "Plan",
    now: isoUtc(input.now),
    policyRevision: input.revision,
    approvalVerification: input.verification,
    shard: input.shard ? `${input.shard.index}/${input.shard.count}` : null,
    summary: tally(hosts, jobs, updates),
    pilot: { hosts: [...pilotHosts].sort(), window: pilotJob ? pilotJob.window : null },
    findings: findings
      .map((f) => ({ code: f.code, severity: f.severity, message: f.message, file: f.file, line: f.line }))
      .sort(compareFindings),
  };
}
