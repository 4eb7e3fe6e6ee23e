// Patches, not package versions: the report's counts take Linux package versions together under the patch plan.json
// names for them (summary.updates[id].patch: the advisory, or SOURCE@DAY), one host at a time.
import type { HostResult, UpdateState } from "../model/plan.js";
import { compareText } from "../order.js";

type States = Partial<Record<UpdateState, number>>;

/** What a patch's figures are made of: the fields plan.json and a status snapshot both carry per update. */
export interface UpdateFigures {
  decision: "approved" | "rejected" | "pending";
  timeline: "emergency" | "standard";
  approvedAt: string | null;
  patch?: string | undefined;
  states: States;
  pilot?: { state: string; passedAt: string | null } | null | undefined;
}

export interface PatchFigures extends UpdateFigures {
  /** The updates it is made of (one for a Windows update or an advisory without package versions). */
  updates: string[];
}

/**
 * A host's state for a patch is the worst state of its updates there: the patch is done on a host only when every
 * package version of it is. Worst first.
 */
const WORST_FIRST: readonly UpdateState[] = [
  "failed",
  "overdue",
  "blocked",
  "missing",
  "pending-reboot",
  "exempt",
  "deferred",
  "rejected-installed",
  "installed",
  "superseded",
  "not-applicable",
];
const RANK = new Map(WORST_FIRST.map((s, i) => [s, i]));

/** Update id → its patch, for the updates that belong to a patch other than themselves. */
export function patchIndex(updates: Readonly<Record<string, Pick<UpdateFigures, "patch">>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, u] of Object.entries(updates)) if (u.patch && u.patch !== id) out.set(id, u.patch);
  return out;
}

/** Counts per patch and state from host lines: each host once per patch, at the worst state of the patch's updates. */
export class PatchStates {
  private readonly counts = new Map<string, States>();
  /** The patches that take several updates together, and the updates of each that count (the approved ones). */
  private readonly members: Map<string, string>;

  constructor(updates: Readonly<Record<string, Pick<UpdateFigures, "patch" | "decision">>>) {
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

  /** Patch → its host counts per state, in code-point order. */
  result(): Record<string, States> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => compareText(a, b)));
  }
}

const DECISION_RANK = { approved: 0, rejected: 1, pending: 2 } as const;

/**
 * The updates of a plan or snapshot as patches. A patch is approved when any of its updates is (and then made of the
 * approved ones), emergency when any of those is, approved at the first approval, and its pilot passed only when every
 * pilot of it passed (at the last pass). Its states are `patchStates[patch]` (counted per host); without them (an
 * older snapshot) the sum of its updates' states.
 */
export function patchesOf(
  updates: Readonly<Record<string, UpdateFigures>>,
  patchStates: Readonly<Record<string, States>> = {},
): Map<string, PatchFigures> {
  const index = patchIndex(updates);
  const groups = new Map<string, [string, UpdateFigures][]>();
  for (const [id, u] of Object.entries(updates)) {
    const key = index.get(id) ?? id;
    const list = groups.get(key);
    if (list) list.push([id, u]);
    else groups.set(key, [[id, u]]);
  }
  const out = new Map<string, PatchFigures>();
  for (const [key, all] of [...groups].sort(([a], [b]) => compareText(a, b))) {
    if (all.length === 1 && all[0]![0] === key) {
      const [id, u] = all[0]!;
      out.set(key, { ...u, updates: [id] });
      continue;
    }
    const decision = all.map(([, u]) => u.decision).sort((a, b) => DECISION_RANK[a] - DECISION_RANK[b])[0]!;
    const members = all.filter(([, u]) => u.decision === decision).sort(([a], [b]) => compareText(a, b));
    const approved = members.map(([, u]) => u.approvedAt).filter((a): a is string => a !== null);
    const states: States = {};
    if (patchStates[key]) Object.assign(states, patchStates[key]);
    else
      for (const [, u] of members)
        for (const [s, n] of Object.entries(u.states) as [UpdateState, number][]) states[s] = (states[s] ?? 0) + n;
    out.set(key, {
      decision,
      timeline: members.some(([, u]) => u.timeline === "emergency") ? "emergency" : "standard",
      approvedAt: approved.length ? approved.sort(compareText)[0]! : null,
      states,
      ...pilotOf(members.map(([, u]) => u.pilot ?? null)),
      updates: members.map(([id]) => id),
    });
  }
  return out;
}

function pilotOf(pilots: readonly (UpdateFigures["pilot"] | null)[]): { pilot?: UpdateFigures["pilot"] } {
  const known = pilots.filter((p): p is NonNullable<UpdateFigures["pilot"]> => !!p);
  if (known.length === 0) return {};
  if (known.every((p) => p.state === "passed"))
    return {
      pilot: {
        state: "passed",
        passedAt: known.map((p) => p.passedAt).every((a) => a !== null)
          ? known
              .map((p) => p.passedAt!)
              .sort(compareText)
              .at(-1)!
          : null,
      },
    };
  const state = known.some((p) => p.state === "failed")
    ? "failed"
    : known.some((p) => p.state === "overridden")
      ? "overridden"
      : "running";
  return { pilot: { state, passedAt: null } };
}
