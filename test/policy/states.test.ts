// The state taxonomy is one classification: every update state is compliant or open (or a rejected update still
// installed), and no state is both.
import { describe, expect, it } from "vitest";
import { UpdateState } from "../../reconciler/model/plan.js";
import {
  COMPLIANT,
  NOT_DONE,
  OPEN,
  PILOT_AWAITING_RESTART,
  PILOT_DONE,
  PILOT_NOT_CONCERNED,
} from "../../reconciler/policy/states.js";

describe("update states", () => {
  it("classifies every state exactly once as compliant or open", () => {
    for (const s of UpdateState.options) {
      if (s === "rejected-installed") continue;
      expect(COMPLIANT.has(s) !== OPEN.has(s), s).toBe(true);
    }
    expect([...NOT_DONE].every((s) => OPEN.has(s))).toBe(true);
    expect([...OPEN].filter((s) => !NOT_DONE.has(s))).toEqual(["exempt"]);
  });

  it("a pilot host is either done, not concerned, or still to be judged", () => {
    for (const s of PILOT_DONE) expect(PILOT_NOT_CONCERNED.has(s), s).toBe(false);
    // A pending restart is not a pass: 0x800F0922 and its kind roll back during the restart (issue 31, point 4).
    expect([...PILOT_DONE].sort()).toEqual(["installed", "superseded"]);
    expect([...PILOT_AWAITING_RESTART]).toEqual(["pending-reboot"]);
    for (const s of PILOT_AWAITING_RESTART) expect(PILOT_DONE.has(s) || PILOT_NOT_CONCERNED.has(s), s).toBe(false);
  });
});
