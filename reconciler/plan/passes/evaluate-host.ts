// Per-host evaluation: the state of each update (installed, superseded, missing, exempt, ...), prerequisites, job
// results overlaid, removals and above-baseline installs. Reads the context, writes the trail; holds nothing.
import { identityOf } from "../../identity.js";
import { wholeRecord, type HostRecord } from "../../inventory/host-record.js";
import { IdSet } from "../../inventory/id-set.js";
import type { LoadedDoc } from "../../model/policy-set.js";
import type { ExemptionSpec } from "../../model/exemption.js";
import type { UpdateState } from "../../model/plan.js";
import { matchesSelector } from "../../policy/selector.js";
import { isKb, managedInstall, relevance, withAgentInstalled } from "../evidence.js";
import { lineOf, type CatalogEntry } from "../catalog.js";
import type { HostContext } from "../hosts.js";
import type { Failure } from "../job-results.js";
import { withSatisfiedPackages } from "../linux-updates.js";
import { overlayResults } from "../overlay-results.js";
import { removalsOf } from "../uninstall.js";
import type { PlanContext } from "./context.js";
import type { Trail } from "./trail.js";

export interface MissingUpdate {
  entry: CatalogEntry;
  noForce: boolean;
  files: string[];
}

export interface Evaluation {
  states: Map<string, UpdateState>;
  missing: Map<string, MissingUpdate>;
  blockedBy: Map<string, string[]>;
  /**
   * Installed ids neither approved, required nor superseded by an approved update, in the record's order: sorted only
   * where they are written (a full line) or shown (the plan summary's few hosts); a compact line carries their count.
   */
  aboveBaseline: readonly string[];
  exemptions: string[];
  failures: Map<string, Failure>;
  removals: string[];
  /** Rejected updates marked for removal that cannot be uninstalled here. */
  cannotRemove: string[];
}

export function emptyEvaluation(): Evaluation {
  return {
    states: new Map(),
    missing: new Map(),
    blockedBy: new Map(),
    aboveBaseline: [],
    exemptions: [],
    failures: new Map(),
    removals: [],
    cannotRemove: [],
  };
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

function approvalLine(entry: CatalogEntry, file: string): string {
  const by =
    entry.decidedBy === "file"
      ? "approved"
      : entry.decidedBy?.startsWith("rule:")
        ? `approved by ${entry.decidedBy}`
        : `required by ${entry.decidedBy}`;
  return `missing; ${by} at ${entry.decisionAt ?? file}${entry.approvedEvidence ? ` (${entry.approvedEvidence})` : ""}`;
}

/**
 * Evaluates one scanned host against the policy; a host without a usable record has nothing to evaluate. Hosts alike
 * in everything the evaluation reads (see `evaluationKey`) get the same answer, computed once.
 */
export function evaluateHost(ctx: PlanContext, h: HostContext, trail: Trail): Evaluation {
  if (!h.record) return emptyEvaluation();
  // A summary record (a streaming plan's pass one) is read again whole here, used, and dropped with the evaluation.
  const whole = wholeRecord(ctx.inventory, h.record);
  const hostExemptions = exemptionsFor(h, ctx.liveExemptions);
  const memo = memoOf(ctx.evaluations);
  const key = trail.keeps(h.name) || !memo.worthIt() ? null : evaluationKey(ctx, h, whole, hostExemptions);
  if (key !== null) {
    const hit = ctx.evaluations.get(key);
    memo.count(hit !== undefined);
    if (hit) return copyOf(hit);
  }
  const ev = evaluate(ctx, h, whole, hostExemptions, trail);
  if (key !== null) {
    if (ctx.evaluations.size >= 5_000) ctx.evaluations.clear();
    ctx.evaluations.set(key, copyOf(ev));
  }
  return ev;
}

/** Lookups after which a memo that rarely hits is given up, and the share of hits it needs to be kept. */
export const MEMO_TRIAL = 2_000;
export const MEMO_HITS = 0.1;

/**
 * Whether sharing evaluations pays in this run. Its key joins every installed id of a host; on a fleet where hosts
 * rarely match (each lists its own few hundred ids) that costs more than it saves, so after `MEMO_TRIAL` lookups with
 * fewer than `MEMO_HITS` hits the run stops keying. The answer depends only on the hosts in plan order, and either
 * way each host gets the same evaluation.
 */
export class MemoUse {
  private lookups = 0;
  private hits = 0;

  worthIt(): boolean {
    return this.lookups < MEMO_TRIAL || this.hits >= MEMO_HITS * this.lookups;
  }

  count(hit: boolean): void {
    if (this.lookups >= MEMO_TRIAL) return;
    this.lookups++;
    if (hit) this.hits++;
  }
}

const memoUse = new WeakMap<Map<string, Evaluation>, MemoUse>();

function memoOf(evaluations: Map<string, Evaluation>): MemoUse {
  let m = memoUse.get(evaluations);
  if (!m) memoUse.set(evaluations, (m = new MemoUse()));
  return m;
}

/** A copy the caller may change: planHost marks overdue updates in `states`; the rest is only read. */
function copyOf(ev: Evaluation): Evaluation {
  return { ...ev, states: new Map(ev.states) };
}

/**
 * Everything the evaluation of a host reads, as text: OS family, name and the version conditions its build meets,
 * products, features, restart state, baselines, exemptions and installed ids. Null when the host is evaluated alone:
 * its decision trail is kept (explain), it has job results or Linux packages, or its sets are not compact ones.
 */
function evaluationKey(
  ctx: PlanContext,
  h: HostContext,
  rec: HostRecord,
  exemptions: readonly LoadedDoc<ExemptionSpec>[],
): string | null {
  if (rec.linux !== null || !(rec.installed instanceof IdSet)) return null;
  if (rec.pendingRebootUpdates !== null && !(rec.pendingRebootUpdates instanceof IdSet)) return null;
  if (ctx.resultIndex.has(h.name.toLowerCase())) return null;
  return [
    rec.os.family,
    rec.os.name ?? "",
    ctx.versionClass(rec.os.version),
    identityOf(rec.products),
    [...rec.features].sort().join(","),
    rec.pendingReboot ? `reboot:${rec.pendingRebootUpdates?.key() ?? "all"}` : "-",
    identityOf(h.baselines),
    exemptions.map((e) => e.name).join(","),
    rec.installed.key(),
    rec.agentScan ? agentKey(rec) : "estimated",
  ].join("\u0000");
}

/** What the evaluation reads from an agent scan: each KB's report (as rules see it) and whether it is installed. */
function agentKey(rec: HostRecord): string {
  return JSON.stringify(
    [...rec.agentScan!.byKb].map(([kb, list]) => [
      kb,
      list.map((u) => [u.installed, u.title, u.classification, u.severity ?? null, u.products, u.released, u.reboot]),
    ]),
  );
}

function evaluate(
  ctx: PlanContext,
  h: HostContext,
  whole: HostRecord,
  hostExemptions: LoadedDoc<ExemptionSpec>[],
  trail: Trail,
): Evaluation {
  const ev = emptyEvaluation();
  const rec = withAgentInstalled(withSatisfiedPackages(whole, ctx.packageIndex)!);
  const { catalog } = ctx;
  const note = trail.forHost(h.name);
  const agent = rec.agentScan;
  ev.exemptions = hostExemptions.map((e) => e.name);
  const required = new Map<string, string>();
  for (const b of h.baselines)
    for (const id of b.spec.requiredUpdates)
      if (!required.has(id.toUpperCase())) required.set(id.toUpperCase(), b.file);
  // Updates only agents report (no Update file) are judged from this host's own report, and only on a host with one.
  const reported = agent
    ? ctx.agentCatalog.entriesFor(agent, (id) => {
        const e = catalog.get(id);
        return e !== undefined && !e.agentReported;
      })
    : new Map<string, CatalogEntry>();
  const entryOf = (id: string): CatalogEntry | undefined => {
    const e = reported.get(id) ?? catalog.get(id);
    return e && (!e.agentReported || reported.has(id)) ? e : undefined;
  };
  // What the host is measured against: approved updates that may apply (indexed; with an agent scan, what the agent
  // offers), its baselines' requirements, and known updates it has installed (to catch rejected or superseded ones).
  const relevant = new Set<string>(required.keys());
  if (agent) {
    for (const [kb, list] of agent.byKb)
      if (!list.some((u) => u.installed) && entryOf(kb)?.decision === "approved") relevant.add(kb);
    for (const e of ctx.candidates.candidates(rec)) if (!isKb(e.id)) relevant.add(e.id);
  } else for (const e of ctx.candidates.candidates(rec)) relevant.add(e.id);
  // Read once: a host lists a few hundred ids, and both this and aboveBaseline go through them all.
  const installedIds = [...rec.installed];
  for (const id of installedIds) if (entryOf(id)) relevant.add(id);
  // Covered by an installed update: one of its superseders is installed (the inverse of each installed update's
  // `supersedesAll`, asked only of the few updates that need it instead of built from every installed id).
  const coveredByInstalled = (id: string): boolean => {
    const by = catalog.get(id)?.supersededBy;
    if (by) for (const s of by) if (rec.installed.has(s)) return true;
    return false;
  };
  // sort() without a comparer orders by UTF-16 code units, as compareText does, without a call per comparison.
  for (const id of [...relevant].sort()) {
    const entry = entryOf(id)!;
    const file = entry.doc?.file ?? entry.decisionFile ?? "";
    // A baseline's requirement is obligatory only through its own approved Update file.
    const obligatory = entry.decision === "approved" && !entry.unverified;
    if (rec.installed.has(id)) {
      if (entry.decision === "rejected") {
        ev.states.set(id, "rejected-installed");
        note(id, () => `installed, but rejected at ${entry.decisionAt ?? file}`);
      } else if (
        rec.pendingReboot &&
        (obligatory || entry.decision === "approved") &&
        (rec.pendingRebootUpdates ? rec.pendingRebootUpdates.has(id) : entry.spec.restart !== "never")
      ) {
        ev.states.set(id, "pending-reboot");
        note(id, () => `installed and waiting for a restart (${rec.origin})`);
      } else if (obligatory || entry.decision !== "pending" || required.has(id) || entry.spec.exploited) {
        // An exploited update is recorded where installed even while pending: exposure reads the plan's states.
        ev.states.set(id, "installed");
        note(id, () => `installed according to the scan at ${rec.origin}`);
      }
      continue;
    }
    if (entry.decision === "rejected" || (!obligatory && entry.decision !== "approved")) continue;
    const app = relevance(entry, rec);
    if (!app.applies) {
      // Only a baseline's requirement is worth listing as not applicable; any other update simply does not concern the host.
      if (!required.has(id)) continue;
      ev.states.set(id, "not-applicable");
      note(id, () =>
        agent && isKb(id)
          ? `not applicable: ${app.why}`
          : `not applicable: ${app.why} (appliesTo at ${entry.doc ? lineOf(entry.doc.at(["spec", "appliesTo"])) : file})`,
      );
      continue;
    }
    if (coveredByInstalled(id)) {
      ev.states.set(id, "superseded");
      note(
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
        id,
        () => `approved in ${file}, but the CAB approval could not be verified (${entry.unverified}): missing, no job`,
      );
      continue;
    }
    note(id, () => approvalLine(entry, file));
    if (agent && isKb(id))
      note(id, () => `the host's update agent offers it, not installed (${agent.source} scan at ${agent.completedAt})`);
    const exemption = hostExemptions.find((e) => covers(e.spec, id));
    const files = [file];
    if (required.has(id)) files.push(required.get(id)!);
    if (exemption?.spec.type === "defer") {
      ev.states.set(id, "deferred");
      note(
        id,
        () =>
          `deferred until ${exemption.spec.expires} by ${lineOf(exemption.at(["spec", "type"]))} (${exemption.spec.ticket})`,
      );
      continue;
    }
    if (exemption) {
      files.push(exemption.file);
      note(
        id,
        () =>
          `never forced: ${lineOf(exemption.at(["spec", "type"]))} (${exemption.spec.ticket}); still due by the deadline`,
      );
    }
    ev.states.set(id, exemption ? "exempt" : "missing");
    ev.missing.set(id, { entry, noForce: !!exemption, files });
  }
  dropSupersededMissing(ev, catalog, note);
  resolvePrerequisites(ev, catalog, rec, coveredByInstalled, note);
  overlayResults({
    host: h.name,
    owner: h.assignment?.spec.owner ?? null,
    rec,
    states: ev.states,
    missing: ev.missing,
    outcomes: ctx.resultIndex.get(h.name.toLowerCase()),
    maxFailures: ctx.policy.retry.maxFailures,
    note,
    findings: ctx.findings,
    failures: ev.failures,
  });
  const removals = removalsOf(ev.states, catalog);
  ev.removals = removals.remove;
  ev.cannotRemove = removals.cannot;
  const allowed = (id: string) => {
    const e = entryOf(id);
    return (
      (e !== undefined && (e.decision === "approved" || e.supersededByApproved)) ||
      required.has(id) ||
      !managedInstall(id, rec, e?.spec.classification, ctx.policy.nonPatchClasses)
    );
  };
  ev.aboveBaseline = installedIds.filter((id) => !allowed(id));
  return ev;
}

type Note = (id: string, line: () => string) => void;

/** Only the newest approved update of a chain is deployed: drop what a deployable superseder covers. */
function dropSupersededMissing(ev: Evaluation, catalog: Map<string, CatalogEntry>, note: Note): void {
  if (ev.missing.size <= 1) return;
  const coveredByMissing = new Map<string, string>();
  for (const m of ev.missing.keys())
    for (const old of catalog.get(m)!.supersedesAll) if (!coveredByMissing.has(old)) coveredByMissing.set(old, m);
  for (const id of [...ev.missing.keys()]) {
    const covering = coveredByMissing.get(id);
    if (covering && ev.missing.has(covering)) {
      ev.missing.delete(id);
      note(id, () => `covered by ${covering}, which supersedes it and is deployed instead`);
    }
  }
}

/** Prerequisites: approved ones join the job; otherwise the update is blocked. */
function resolvePrerequisites(
  ev: Evaluation,
  catalog: Map<string, CatalogEntry>,
  rec: NonNullable<HostContext["record"]>,
  coveredByInstalled: (id: string) => boolean,
  note: Note,
): void {
  for (const [id, m] of [...ev.missing]) {
    const absent: string[] = [];
    for (const r of m.entry.requires) {
      const dep = catalog.get(r);
      const satisfied = rec.installed.has(r) || coveredByInstalled(r);
      if (satisfied) continue;
      // A prerequisite that does not apply (e.g. a service pack the product's version is already past) is met.
      if (dep && !relevance(dep, rec).applies) continue;
      if (ev.missing.has(r)) continue;
      // A deferred prerequisite stays deferred: what needs it waits (blocked) rather than dragging it in.
      if (ev.states.get(r) === "deferred") {
        absent.push(r);
        continue;
      }
      if (dep && dep.decision === "approved" && !dep.unverified && relevance(dep, rec).applies) {
        ev.missing.set(r, { entry: dep, noForce: m.noForce, files: [dep.doc?.file ?? dep.decisionFile ?? ""] });
        ev.states.set(r, "missing");
        note(r, () => `missing; pulled in as a prerequisite of ${id}`);
        continue;
      }
      absent.push(r);
    }
    if (absent.length > 0) {
      ev.missing.delete(id);
      ev.states.set(id, "blocked");
      ev.blockedBy.set(id, absent);
      note(id, () => `blocked: prerequisite ${absent.join(", ")} is neither installed nor approved here`);
    }
  }
}
