// The plan driver (plan/reconcile.ts), in-process on the minimal fixture (team-a: host-01, host-02) with records read
// by the real native reader: the detail each entry point defaults to, a scope of hosts, host order, and the finding
// for an unverified assignment file. Expected values are written out by hand.
import { describe, expect, it } from "vitest";
import type { HostResult, Job } from "../../reconciler/model/plan.js";
import { compareHosts, reconcileInto } from "../../reconciler/plan/reconcile.js";
import { hostRecord, inventoryOf, planFixture } from "../helpers/plan-fixture.js";

const NOW = "2026-12-10T05:00:00Z";
const HOSTS = [hostRecord("host-02"), hostRecord("host-01")];
const APPROVED = { "policies/updates/kb5035857.yaml": Date.parse("2026-11-01T00:00:00Z") };

describe("reconcile and reconcileInto", () => {
  it("reconcile writes full lines by default, in host order", async () => {
    const all = await planFixture({ hosts: HOSTS, now: NOW, approvedAt: APPROVED });
    expect(all.plan.detail).toBe("full");
    expect(all.hosts.map((h) => h.host)).toEqual(["host-01", "host-02"]);
  });

  it("reconcileInto defaults to compact; a scope keeps only the named host's line and jobs", async () => {
    const { set } = await planFixture({ hosts: HOSTS, now: NOW, approvedAt: APPROVED });
    const run = (scope: { hosts?: Set<string> }) => {
      const hosts: HostResult[] = [];
      const jobs: Job[] = [];
      const r = reconcileInto(
        {
          set,
          inventory: inventoryOf(HOSTS),
          now: Date.parse(NOW),
          approvals: new Map([["KB5035857", { at: Date.parse("2026-11-01T00:00:00Z"), evidence: "by hand" }]]),
          verification: "off",
          unverified: new Map(),
          revision: null,
        },
        { onHost: (h) => hosts.push(h), onJob: (j) => jobs.push(j) },
        scope,
      );
      return { r, hosts, jobs };
    };
    const all = run({});
    expect(all.r.plan.detail).toBe("compact");
    expect(all.hosts.map((h) => h.host)).toEqual(["host-01", "host-02"]);
    const one = run({ hosts: new Set(["host-02"]) });
    expect(one.hosts.map((h) => h.host)).toEqual(["host-02"]);
    expect(one.jobs.filter((j) => j.host !== "host-02")).toEqual([]);
  });

  it("an unverified assignment file gives one error finding naming the file and the reason", async () => {
    const r = await planFixture({
      hosts: HOSTS,
      now: NOW,
      approvedAt: APPROVED,
      input: { unverifiedAssignments: new Map([["windows/assignments/team-a.yaml", "no owner approval"]]) },
    });
    expect(
      r.plan.findings.filter((f) => f.code === "approval-unverified").map((f) => [f.severity, f.message, f.file]),
    ).toEqual([
      [
        "error",
        "windows/assignments/team-a.yaml: its hosts get no install jobs: no owner approval",
        "windows/assignments/team-a.yaml",
      ],
    ]);
  });

  it("compareHosts orders by lower-case name", () => {
    const h = (host: string) => ({ host });
    expect(compareHosts(h("B"), h("a"))).toBeGreaterThan(0);
    expect(compareHosts(h("a"), h("B"))).toBeLessThan(0);
    expect(compareHosts(h("Ab"), h("aB"))).toBe(0);
  });
});
