// The evaluation memo is given up on a fleet where hosts rarely match (issue 33): after 2,000 lookups with fewer
// than a tenth of them hits, the run stops building keys. Thresholds at the exact instants, worked out by hand.
import { describe, expect, it } from "vitest";
import { MemoUse } from "../../reconciler/plan/passes/evaluate-host.js";

function after(lookups: number, hits: number): MemoUse {
  const m = new MemoUse();
  for (let i = 0; i < lookups; i++) m.count(i < hits);
  return m;
}

describe("whether the evaluation memo is kept", () => {
  it("is kept through the first 2,000 lookups, whatever they hit", () => {
    expect(after(0, 0).worthIt()).toBe(true);
    expect(after(1999, 0).worthIt()).toBe(true);
    expect(after(2000, 0).worthIt()).toBe(false);
  });

  it("is kept with 200 hits in 2,000 lookups (a tenth), given up with 199", () => {
    expect(after(2000, 200).worthIt()).toBe(true);
    expect(after(2000, 199).worthIt()).toBe(false);
  });

  it("keeps its verdict after the trial: later lookups do not count", () => {
    const m = after(2000, 199);
    for (let i = 0; i < 5000; i++) m.count(true);
    expect(m.worthIt()).toBe(false);
    const kept = after(2000, 200);
    for (let i = 0; i < 5000; i++) kept.count(false);
    expect(kept.worthIt()).toBe(true);
  });
});
