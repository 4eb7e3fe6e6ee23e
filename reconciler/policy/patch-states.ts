// A patch's hosts per state: Linux package versions taken together under the patch plan.json names for them
// (summary.updates[id].patch: the advisory, or SOURCE@DAY), each host once, at the worst state of the patch's
// approved versions. Plan counts them from every host's evaluation; the report, for an older plan, from host lines.
import type { HostResult, UpdateState } from "../model/plan.js";
import { compareText } from "../order.js";
import { PATCH_WORST_FIRST } from "./states.js";

type States = Partial<Record<UpdateState, number>>;
interface Grouping {
  decision: "approved" | "rejected" | "pending";
  patch?: string | undefined;
}

const RANK = new Map(PATCH_WORST_FIRST.map((s, i) => [s, i]));

/** Update id → its patch, for the updates that belong to a patch other than themselves. */
export function patchIndex(updates: Readonly<Record<string, Pick<Grouping, "patch">>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, u] of Object.entries(updates)) if (u.patch && u.patch !== id) out.set(id, u.patch);
  return out;
}

/** Counts per patch and state from host lines: each host once per patch, at the worst state of the patch's updates. */
export class PatchStates {
  private readonly counts = new Map<string, States>();
  /** The patches that take several updates together, and the updates of each that count (the approved ones). */
  private readonly members: Map<string, string>;

  constructor(updates: Readonly<Record<string, Grouping>>) {
    const index = patchIndex(updates);
    const grouped = new Set(index.values());
    this.members = new Map();
    for (const [id, u] of Object.entries(updates)) {
      if (u.decision !== "approved") continue;
      const patch = index.get(id) ?? (grouped.has(id) ? id : undefined);
      if (patch !== undefined) this.members.set(id, patch);
    }
  }

  get empty(): boolean {
    return this.members.size === 0;
  }

  addHost(h: Pick<HostResult, "updates">): void {
    if (this.members.size === 0) return;
    const worst = new Map<string, UpdateState>();
    for (const [id, s] of Object.entries(h.updates)) {
      const patch = this.members.get(id);
      if (patch === undefined) continue;
      const prev = worst.get(patch);
      if (prev === undefined || RANK.get(s)! < RANK.get(prev)!) worst.set(patch, s);
    }
    for (const [patch, s] of worst) {
      let c = this.counts.get(patch);
      if (!c) this.counts.set(patch, (c = {}));
      c[s] = (c[s] ?? 0) + 1;
    }
  }

  /** A shard's counts (its plan.json summary.patches): merged plans sum them, as their hosts are disjoint. */
  addCounts(patches: Readonly<Record<string, States>>): void {
    for (const [patch, states] of Object.entries(patches)) {
      let c = this.counts.get(patch);
      if (!c) this.counts.set(patch, (c = {}));
      for (const [s, n] of Object.entries(states) as [UpdateState, number][]) c[s] = (c[s] ?? 0) + n;
    }
  }

  /** Patch → its host counts per state, in code-point order. */
  result(): Record<string, States> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => compareText(a, b)));
  }
}
