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
import { referenceCollection } from "./reference-collection.js";
import { matchesSelector } from "../policy/selector.js";
import { slotFor, type Slot } from "./timing.js";
import { compareText } from "../order.js";

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
  /** Assignment files whose latest change the owner team did not approve: their hosts get no install jobs. */
  unverifiedAssignments?: ReadonlyMap<string, string>;
  revision: string | null;
  /** Hosts whose decision trail to keep for explain (lower-case names); none by default, since it costs memory. */
  explainHosts?: ReadonlySet<string>;
  /** Plan only the hosts of shard `index` (1-based) of `count`; fleet-wide facts (pilot wave, holds) stay fleet-wide. */
  shard?: { index: number; count: number };
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
  const hosts = hostContexts(set, inventory);
  const findings: Diagnostic[] = [];
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
    exemptions: string[];
    notes: string[];
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
      exemptions: [],
      notes: [],
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
  }

  // The reference collection needs every host's status and facts, but only the pilot hosts' states.
  const evByHost = new Map(evaluated.map((e) => [e.h.name, e]));
  const pilotHosts = referenceCollection(hosts, policy, productNames, (h) => {
    const ev = evByHost.get(h.name)!;
    return ev.status === "compliant" && !!h.assignment;
  });
  const shard = input.shard;
  const inShard = (h: HostContext) => !shard || shardOf(h.entry?.cluster ?? h.name, shard.count) === shard.index;

  for (const ev of evaluated) {
    const { h } = ev;
    const rec = h.record;
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
      const obligatory =
        (entry.decision === "approved" && !entry.unverified) || (required.has(id) && entry.decision !== "rejected");
      if (rec.installed.has(id)) {
        if (entry.decision === "rejected") {
          ev.states.set(id, "rejected-installed");
          note(h.name, id, () => `installed, but rejected at ${entry.decisionAt ?? file}`);
        } else if (
          rec.pendingReboot &&
          obligatory &&
          (rec.pendingRebootUpdates ? rec.pendingRebootUpdates.has(id) : entry.spec.restart !== "never")
        ) {
          ev.states.set(id, "pending-reboot");
          note(h.name, id, () => `installed and waiting for a restart (${rec.origin})`);
        } else if (obligatory || entry.decision !== "pending") {
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
        note(
          h.name,
          id,
          () => `approved in ${file}, but the CAB approval could not be verified (${entry.unverified}): no job`,
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
    const allowed = (id: string) => {
      const e = catalog.get(id);
      return (e !== undefined && (e.decision === "approved" || e.supersededByApproved)) || required.has(id);
    };
    ev.aboveBaseline = [...rec.installed].filter((id) => !allowed(id)).sort();
  }

  // Pass 2: the pilot holds, from the reference hosts' states.
  const holds = new Map<string, { pilotHosts: number; installed: number; ratio: number; required: number }>();
  for (const e of approved) {
    if (e.timeline !== "standard" || !e.spec.pilot || e.spec.classification === "synthetic") continue;
    let total = 0;
    let ok = 0;
    for (const name of pilotHosts) {
      const s = evByHost.get(name)!.states.get(e.id);
      if (!s || s === "not-applicable" || s === "deferred") continue;
      total++;
      if (s === "installed" || s === "superseded") ok++;
    }
    if (total === 0) continue;
    const ratio = ok / total;
    if (ratio < policy.pilot.minSuccessRatio)
      holds.set(e.id, {
        pilotHosts: total,
        installed: ok,
        ratio: Math.round(ratio * 1000) / 1000,
        required: policy.pilot.minSuccessRatio,
      });
  }

  // Pass 3: windows, deadlines, overdue states and jobs.
  const jobs: Job[] = [];
  const results: HostResult[] = [];
  const hooks = policy.hooks;
  const revision = input.revision;
  for (const ev of evaluated) {
    const { h } = ev;
    if (!inShard(h)) continue;
    const held: string[] = [];
    const needs: Need[] = [];
    const escalate: { ids: string[]; files: string[] } = { ids: [], files: [] };
    const assignmentProblem = h.assignment ? input.unverifiedAssignments?.get(h.assignment.file) : undefined;
    if (assignmentProblem)
      ev.notes.push(
        `no install jobs: the latest change to ${h.assignment!.file} was not approved by team ${h.assignment!.spec.owner} (${assignmentProblem})`,
      );
    const operational =
      (ev.status === "compliant" || ev.status === "noncompliant") && h.entry && h.timetable && !assignmentProblem;
    if (operational) {
      for (const [id, m] of ev.missing) {
        const e = m.entry;
        const isPilot = pilotHosts.has(h.name);
        const usesPilot =
          e.timeline === "standard" && e.spec.pilot && e.spec.classification !== "synthetic" && pilotHosts.size > 0;
        if (holds.has(id) && !isPilot) {
          held.push(id);
          note(
            h.name,
            id,
            () =>
              `held: the pilot wave has ${holds.get(id)!.installed} of ${holds.get(id)!.pilotHosts} reference hosts patched (${holds.get(id)!.ratio}), below ${policy.pilot.minSuccessRatio}`,
          );
          continue;
        }
        const slot = slotFor(
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
        if (slot.overdue) {
          ev.states.set(id, "overdue");
          note(h.name, id, () => `overdue: it was due by ${isoUtc(slot.dueBy)}`);
          // A synthetic payload is inert: a late one is a distribution problem, never a reason to isolate.
          if (e.spec.classification !== "synthetic" && now > slot.slaBy + policy.escalation.afterHours * HOUR) {
            escalate.ids.push(id);
            escalate.files.push(...m.files);
          }
        }
        note(
          h.name,
          id,
          () =>
            `scheduled on the ${slot.timeline} timeline in ${isoUtc(slot.window.start)} – ${isoUtc(slot.window.end)} (period ${h.entry!.period} at ${lineOf(h.assignment!.at(["spec", "hosts", h.entryIndex, "period"]))}, timetable ${h.timetable!.file})${isPilot && slot.timeline === "pilot" ? "; this host is in the reference collection" : ""}`,
        );
        needs.push({ entry: e, slot, noForce: m.noForce, files: [...m.files, h.assignment!.file] });
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
      { type: JobType; slot: Slot; noForce: boolean; ids: string[]; files: Set<string>; overdue: boolean }
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
      groups.set(key, g);
    }
    const owner = h.assignment?.spec.owner ?? null;
    const period = h.entry?.period ?? null;
    for (const g of groups.values()) {
      const updates = installOrder(g.ids, catalog);
      const enforcement = g.noForce
        ? { forceInstall: false, forceRestart: false }
        : { forceInstall: policy.enforcement.forceInstall, forceRestart: policy.enforcement.forceRestart };
      const timeline = g.slot.timeline;
      jobs.push(
        makeJob(
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
        ),
      );
    }
    if (escalate.ids.length > 0) {
      const action = policy.escalation.action;
      const w = { start: now, end: now + HOUR };
      jobs.push(
        makeJob(
          action,
          h.name,
          owner,
          sortIds(new Set(escalate.ids), catalog),
          "immediate",
          period,
          w,
          { forceInstall: false, forceRestart: false },
          "high",
          { pre: [], post: [] },
          {
            summary: `${action === "isolate" ? "isolate until patched" : "notify the owner"}: past the SLA by more than escalation.afterHours (${policy.escalation.afterHours})`,
            files: [...new Set([...escalate.files, set.policy!.file])].sort(),
            commit: revision,
          },
        ),
      );
    }
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
    }
    if (ev.status === "compliant") {
      for (const s of ev.states.values()) if (!COMPLIANT_STATES.has(s)) ev.status = "noncompliant";
    }
    if (held.length > 0 && ev.status === "compliant") ev.status = "noncompliant";
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
    if (ev.blockedBy.size > 0)
      result.blockedBy = Object.fromEntries([...ev.blockedBy].sort(([a], [b]) => compareText(a, b)));
    if (held.length > 0) result.held = held.sort();
    if (ev.exemptions.length > 0) result.exemptions = ev.exemptions;
    if (ev.notes.length > 0) result.notes = ev.notes;
    results.push(result);
    // The result now carries what the host needs; free the working state (it is the bulk of memory at fleet scale).
    ev.states.clear();
    ev.missing.clear();
    ev.blockedBy.clear();
  }

  for (const [file, reason] of input.unverifiedAssignments ?? []) {
    findings.push(
      diagnostic(
        "approval-unverified",
        "error",
        `${file}: the owner team's approval could not be verified, so its hosts get no install jobs: ${reason}`,
        { file },
      ),
    );
  }

  // Cluster safety: no two nodes of one cluster in overlapping windows.
  const clusterOf = new Map(hosts.filter((h) => h.entry?.cluster).map((h) => [h.name, h.entry!.cluster!]));
  const byCluster = new Map<string, Job[]>();
  for (const j of jobs) {
    const c = clusterOf.get(j.host);
    if (c && (j.type === "install" || j.type === "synthetic")) pushTo(byCluster, c, j);
  }
  for (const [cluster, list] of byCluster) {
    for (let i = 0; i < list.length; i++) {
      for (let k = i + 1; k < list.length; k++) {
        const a = list[i]!;
        const b = list[k]!;
        if (a.host !== b.host && a.window.start < b.window.end && b.window.start < a.window.end) {
          findings.push(
            diagnostic(
              "cluster-window",
              "error",
              `cluster '${cluster}': ${a.host} and ${b.host} would both be patched in ${a.window.start} – ${a.window.end}`,
              {
                file: hosts.find((h) => h.name === b.host)?.assignment?.file ?? null,
              },
            ),
          );
        }
      }
    }
  }

  jobs.sort(compareJobs);
  return {
    plan: summarize(input, catalog, results, jobs, holds, pilotHosts, findings),
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
  const jobCounts = { install: 0, synthetic: 0, healthcheck: 0, isolate: 0, notify: 0 } as Record<JobType, number>;
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
