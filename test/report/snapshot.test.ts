// The compliance snapshot status record appends: counts per owner, whatever the owner is called.
import { describe, expect, it } from "vitest";
import type { HostResult, Plan } from "../../reconciler/model/plan.js";
import { snapshotOf } from "../../reconciler/report/snapshot.js";

const host = (name: string, owner: string | null, status: HostResult["status"]) =>
  ({ host: name, owner, status }) as HostResult;

describe("snapshotOf", () => {
  it("counts an owner named __proto__ like any other, and leaves Object.prototype alone", () => {
    const plan = {
      now: "2026-12-10T09:00:00Z",
      policyRevision: null,
      approvalVerification: "off",
      summary: { hosts: 3, byStatus: { compliant: 2, noncompliant: 1 }, jobs: {}, updates: {} },
    } as unknown as Plan;
    const s = snapshotOf(plan, [
      host("a", "__proto__", "compliant"),
      host("b", "__proto__", "noncompliant"),
      host("c", null, "compliant"),
    ]);
    expect(Object.entries(s.byOwner)).toEqual([
      ["(unassigned)", { compliant: 1 }],
      ["__proto__", { compliant: 1, noncompliant: 1 }],
    ]);
    expect(({} as Record<string, unknown>).compliant).toBeUndefined();
  });
});
