// The impact of a policy change as data: jobs gained, changed and lost between two plans, per host and window.
import type { Job } from "../model/plan.js";
import { compareText } from "../order.js";

export interface JobChange {
  kind: "gained" | "changed" | "lost";
  host: string;
  /** The job after the change (the job before it, for a lost job). */
  job: Job;
  /** For a changed job: the job before. */
  before: Job | null;
}

function jobKey(j: Job): string {
  return `${j.host}|${j.type}|${j.timeline}|${j.window.start}|${j.window.end}|${j.updates.join(",")}|${j.enforcement.forceInstall}`;
}

/** The same host, type and window on both sides: a job that changed rather than one gained and one lost. */
function slotKey(j: Job): string {
  return `${j.host}|${j.type}|${j.timeline}|${j.window.start}|${j.window.end}`;
}

/** Every job that differs between the base and head plans, in window then host order. */
export function jobChanges(baseJobs: readonly Job[], headJobs: readonly Job[]): JobChange[] {
  const base = new Map(baseJobs.map((j) => [jobKey(j), j]));
  const head = new Map(headJobs.map((j) => [jobKey(j), j]));
  const added = [...head].filter(([k]) => !base.has(k)).map(([, j]) => j);
  const removed = [...base].filter(([k]) => !head.has(k)).map(([, j]) => j);
  const removedBySlot = new Map(removed.map((j) => [slotKey(j), j]));
  const addedSlots = new Set(added.map(slotKey));
  const out: JobChange[] = [];
  for (const j of added) {
    const before = removedBySlot.get(slotKey(j)) ?? null;
    out.push({ kind: before ? "changed" : "gained", host: j.host, job: j, before });
  }
  for (const j of removed)
    if (!addedSlots.has(slotKey(j))) out.push({ kind: "lost", host: j.host, job: j, before: null });
  return out.sort(
    (a, b) =>
      compareText(a.job.window.start, b.job.window.start) || compareText(a.host, b.host) || compareText(a.kind, b.kind),
  );
}

export interface InventoryFacts {
  hosts: number;
  malformed: number;
  newest: string | null;
  oldest: string | null;
  /** Hours from the newest scan to the plan's instant (one decimal). */
  ageHours: number | null;
}

/** How old the scanned inventory is, for the reader of a plan made from it. */
export function inventoryFacts(
  records: Iterable<{ scannedAt: number }>,
  malformed: number,
  now: number,
): InventoryFacts {
  let newest = -Infinity;
  let oldest = Infinity;
  let hosts = 0;
  for (const r of records) {
    hosts++;
    if (r.scannedAt > newest) newest = r.scannedAt;
    if (r.scannedAt < oldest) oldest = r.scannedAt;
  }
  const iso = (t: number) => new Date(t).toISOString().replace(/\.000Z$/, "Z");
  return {
    hosts,
    malformed,
    newest: hosts ? iso(newest) : null,
    oldest: hosts ? iso(oldest) : null,
    ageHours: hosts ? Math.round(((now - newest) / 3_600_000) * 10) / 10 : null,
  };
}
