// Compliance per update, pinned on a small fleet whose answer is worked out by hand: a fully deferred update reads
// "deferred" (never 0 %) even while a host is unscanned, and an unscanned host stays in every update's denominator.
import { describe, expect, it } from "vitest";
import { hostsCsv, updatesCsv } from "../../reconciler/report/csv.js";
import { isOpenState, OPEN_STATES } from "../../reconciler/report/states.js";
import { hostRecord, planFixture } from "../helpers/plan-fixture.js";
import { complianceOf } from "../helpers/report.js";
import { assignmentDoc, standardUpdate } from "../helpers/scenario.js";

const NOW = "2026-12-10T09:00:00Z";

// KB5035857 (test/fixtures/minimal) applies to Windows Server 2022 builds: host-01 and host-02 below both run one,
// and both have it deferred. host-03 is assigned but never scanned. KB100 applies to every Windows host.
const DEFER = `apiVersion: patchops/v1
kind: Exemption
metadata:
  name: freeze
spec:
  hosts: [host-01, host-02]
  updates: [KB5035857]
  type: defer
  reason: quarter-end freeze
  ticket: CHG-7
  expires: 2026-12-30
`;

async function fleet() {
  const r = await planFixture({
    files: {
      "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
        "{ name: host-01, period: D1-04 }",
        "{ name: host-02, period: D3-04 }",
        "{ name: host-03, period: D2-04 }",
      ]),
      "policies/updates/kb100.yaml": standardUpdate("KB100"),
      "policies/exemptions/freeze.yaml": DEFER,
    },
    hosts: [hostRecord("host-01", { installed: ["KB100"] }), hostRecord("host-02")],
    now: NOW,
  });
  return complianceOf(r.plan, r.hosts, r.jobs);
}

describe("compliance per update on a three-host fleet with one unscanned host", () => {
  it("a fully deferred update is deferred, with no percentage, although host-03 is unscanned", async () => {
    const c = await fleet();
    const kb = c.byUpdate.find((u) => u.id === "KB5035857");
    expect(kb).toEqual({
      id: "KB5035857",
      decision: "approved",
      timeline: "standard",
      installed: 0,
      missing: 0,
      notApplicable: 0,
      exempt: 0,
      deferred: 2,
      unscanned: 1,
      percent: null,
      fullyDeferred: true,
    });
  });

  it("an unscanned host counts in the denominator: KB100 installed on 1 of 3 hosts is 33.3 %, not 50 %", async () => {
    const c = await fleet();
    const kb = c.byUpdate.find((u) => u.id === "KB100");
    // host-01 installed, host-02 missing, host-03 unknown: 1 / (1 + 1 + 1) = 33.3 %.
    expect(kb).toMatchObject({ installed: 1, missing: 1, unscanned: 1, deferred: 0, percent: 33.3 });
    expect(kb?.fullyDeferred).toBe(false);
    expect(c.fleet).toMatchObject({ hosts: 3, unscanned: 1 });
  });

  it("updates.csv writes 'deferred' for the fully deferred update and the unscanned count beside each percentage", async () => {
    const c = await fleet();
    const rows = updatesCsv(c.byUpdate, new Map()).split("\r\n");
    expect(rows[0]).toBe(
      "update,title,severity,classification,released,decision,timeline,installed,missing,exempt,deferred,not_applicable,unscanned,percent",
    );
    expect(rows).toContain("KB5035857,,,,,approved,standard,0,0,0,2,0,1,deferred");
    expect(rows).toContain("KB100,,,,,approved,standard,1,1,0,0,0,1,33.3");
  });
});

describe("what the report counts as open", () => {
  it("is the policy's OPEN set: failed is open, deferred and installed are not", () => {
    expect([...OPEN_STATES].sort()).toEqual(["blocked", "exempt", "failed", "missing", "overdue", "pending-reboot"]);
    expect(isOpenState("failed")).toBe(true);
    expect(isOpenState("deferred")).toBe(false);
    expect(isOpenState("superseded")).toBe(false);
  });

  it("hosts.csv lists a failed update among the host's open updates", async () => {
    const r = await planFixture({ hosts: [hostRecord("host-01")], now: NOW });
    const host = r.hosts.find((h) => h.host === "host-01")!;
    const lines = [
      ...hostsCsv([
        { ...host, updates: { KB1: "failed", KB2: "deferred", KB3: "exempt", KB4: "installed", KB5: "missing" } },
      ]),
    ];
    expect(lines[1]).toMatch(/,3,KB1:failed KB3:exempt KB5:missing\r\n$/);
  });
});
