// Rejected updates marked `remove: true`: which installed ones a host gets an uninstall job for, and which cannot be.
import type { UpdateState } from "../model/plan.js";
import type { TimetableSpec } from "../model/timetable.js";
import type { Window } from "../schedule/cycle.js";
import type { CatalogEntry } from "./catalog.js";
import { backoffMs, type Failure } from "./job-results.js";
import { windowStartingFrom } from "./next-window.js";

/** Rejected, installed, `remove: true` updates of one host, split by whether they can be uninstalled. */
export function removalsOf(
  states: ReadonlyMap<string, UpdateState>,
  catalog: ReadonlyMap<string, CatalogEntry>,
): { remove: string[]; cannot: string[] } {
  const remove: string[] = [];
  const cannot: string[] = [];
  for (const [id, state] of states) {
    const e = catalog.get(id);
    if (state !== "rejected-installed" || !e?.spec.remove) continue;
    (e.spec.uninstallable ? remove : cannot).push(id);
  }
  return { remove: remove.sort(), cannot: cannot.sort() };
}

/** The uninstall job's window: the host's first window from now, or after the backoff of a failed removal. */
export function removalSlot(
  tt: TimetableSpec,
  period: string,
  ids: readonly string[],
  failures: ReadonlyMap<string, Failure>,
  backoffHours: number,
  now: number,
): { timeline: "emergency" | "standard" | "recurring"; window: Window; retry: Failure | null } | null {
  let from = now;
  let retry: Failure | null = null;
  for (const id of ids) {
    const f = failures.get(id);
    if (!f) continue;
    from = Math.max(from, f.at + backoffMs(backoffHours, f.attempts));
    if (!retry || f.attempts > retry.attempts) retry = f;
  }
  const w = windowStartingFrom(tt, period, "standard", from);
  return w ? { ...w, retry } : null;
}
