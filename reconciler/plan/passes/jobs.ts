// Jobs from needs: a job record, install order (prerequisites first), and grouping by host, type and window.
import type { Job, JobType } from "../../model/plan.js";
import type { PatchPolicySpec } from "../../model/policy.js";
import { compareText } from "../../order.js";
import type { Window } from "../../schedule/cycle.js";
import { isoUtc } from "../../schedule/wall-clock.js";
import type { CatalogEntry } from "../catalog.js";
import { jobEnforcement } from "../enforcement.js";
import { installDetails } from "../install-details.js";
import { jobId } from "../job-id.js";
import type { Failure } from "../job-results.js";
import type { Slot } from "../timing.js";

export interface JobSpec {
  type: JobType;
  host: string;
  owner: string | null;
  updates: string[];
  timeline: Job["timeline"];
  period: string | null;
  window: Window;
  enforcement: Job["enforcement"];
  priority: Job["priority"];
  hooks: { pre: Job["pre"]; post: Job["post"] };
  reason: Job["reason"];
}

export const NO_HOOKS: JobSpec["hooks"] = { pre: [], post: [] };
export const NOT_FORCED: Job["enforcement"] = { forceInstall: false, forceRestart: false };

export function makeJob(s: JobSpec): Job {
  const w = { start: isoUtc(s.window.start), end: isoUtc(s.window.end) };
  return {
    id: jobId([s.type, s.host, s.updates, s.timeline, w.start, w.end, s.enforcement]),
    type: s.type,
    host: s.host,
    owner: s.owner,
    updates: s.updates,
    timeline: s.timeline,
    period: s.period,
    window: w,
    deadline: w.end,
    enforcement: s.enforcement,
    priority: s.priority,
    pre: s.hooks.pre,
    post: s.hooks.post,
    reason: s.reason,
  };
}

/** The update's own file, named once in plan.json (summary.updates[id].file): its Update file, else what decided it. */
export function updateFile(e: CatalogEntry): string | null {
  return e.doc?.file ?? e.decisionFile ?? null;
}

/** The files behind one update's need that belong to the host (baselines, exemptions): the update's own file left out. */
export function hostFiles(files: readonly string[], e: CatalogEntry): string[] {
  const own = updateFile(e) ?? "";
  return files.filter((f) => f !== own);
}

/** Service packs first, then by release date and id. */
export function sortIds(ids: Iterable<string>, catalog: Map<string, CatalogEntry>): string[] {
  const rank = (id: string) => (catalog.get(id)?.spec.classification === "service-pack" ? 0 : 1);
  return [...ids].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      compareText(catalog.get(a)?.spec.released ?? "", catalog.get(b)?.spec.released ?? "") ||
      compareText(a, b),
  );
}

/** Orders a job's updates so every prerequisite comes before what needs it. */
export function installOrder(ids: string[], catalog: Map<string, CatalogEntry>): string[] {
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

/** One update a host needs, in the slot it got. */
export interface Need {
  entry: CatalogEntry;
  slot: Slot;
  noForce: boolean;
  files: string[];
  retry?: Failure;
}

interface JobGroup {
  type: JobType;
  slot: Slot;
  noForce: boolean;
  ids: string[];
  files: Set<string>;
  overdue: boolean;
  retry?: Failure;
}

export interface HostJobFacts {
  host: string;
  owner: string | null;
  period: string | null;
  revision: string | null;
  catalog: Map<string, CatalogEntry>;
  policy: PatchPolicySpec;
}

/**
 * Groups needs into jobs: one per host, type and window. A no-force exemption on any update in the window means the
 * owner controls that window's restart, so nothing in it is forced.
 */
export function installJobs(needs: readonly Need[], f: HostJobFacts): Job[] {
  const groups = new Map<string, JobGroup>();
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
    n.files.forEach((file) => g.files.add(file));
    g.overdue ||= n.slot.overdue;
    g.noForce ||= n.noForce;
    if (n.retry && (!g.retry || n.retry.attempts > g.retry.attempts)) g.retry = n.retry;
    groups.set(key, g);
  }
  const jobs: Job[] = [];
  for (const g of groups.values()) {
    const updates = installOrder(g.ids, f.catalog);
    const timeline = g.slot.timeline;
    const job = makeJob({
      type: g.type,
      host: f.host,
      owner: f.owner,
      updates,
      timeline,
      period: f.period,
      window: g.slot.window,
      enforcement: jobEnforcement(g, f.policy.enforcement),
      priority: timeline === "emergency" || g.overdue ? "high" : "normal",
      hooks: g.type === "install" ? f.policy.hooks : NO_HOOKS,
      reason: {
        summary: `${updates.length} ${g.type === "synthetic" ? "synthetic" : "approved"} update${updates.length === 1 ? "" : "s"} missing${g.overdue ? " (overdue)" : ""}${g.noForce ? "; exemption: not forced" : ""}`,
        files: [...g.files].sort(compareText),
        commit: f.revision,
      },
    });
    if (g.type === "install") Object.assign(job, installDetails(updates, f.catalog));
    if (g.retry) job.retry = { attempt: g.retry.attempts + 1, after: g.retry.atText };
    jobs.push(job);
  }
  return jobs;
}
