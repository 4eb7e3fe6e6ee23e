// Patches, not package versions: the report's counts take Linux package versions together under the patch plan.json
// names for them (summary.updates[id].patch: the advisory, or SOURCE@DAY), one host at a time.
import type { UpdateState } from "../model/plan.js";
import { compareText } from "../order.js";
import { patchIndex } from "../policy/patch-states.js";

export { PatchStates, patchIndex } from "../policy/patch-states.js";

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
