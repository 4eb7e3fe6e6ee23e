// Compliance counted from a small plan whose answers are written out by hand: the fleet and every group (owner,
// baseline, OS) with their counters and percentages, each approved update's tally (failed is open, unscanned hosts in
// every denominator, fully deferred is never 0 %), the sort orders, and install windows with their hosts and updates.
import { describe, expect, it } from "vitest";
import type { HostResult, Job, Plan } from "../../reconciler/model/plan.js";
import { ComplianceCounts } from "../../reconciler/report/compliance.js";

const WS = { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" };
const host = (name: string, over: Partial<HostResult>): HostResult => ({
  host: name,
  status: "compliant",
  owner: null,
  period: null,
  cluster: null,
  role: null,
  scannedAt: "2026-12-10T04:00:00Z",
  baselines: [],
  counts: {},
  updates: {},
  aboveBaseline: [],
  ...over,
});
const below = [{ baseline: "b1", file: "baselines/b1.yaml", line: 6, reason: "r" }];
const HOSTS: HostResult[] = [
  host("h1", { owner: "team-a", os: WS, estimated: true }),
  host("h2", {
    status: "noncompliant",
    owner: "team-a",
    baselines: ["b1"],
    belowBaseline: below,
    aboveBaseline: ["KB9"],
    os: { family: "windows", name: null, version: "10.0.17763.1" },
  }),
  host("h3", { status: "unscanned", scannedAt: null }),
  host("h4", {
    status: "stale",
    owner: "team-b",
    baselines: ["b1", "b2"],
    belowBaseline: [],
    os: { family: "linux", name: "Ubuntu 22.04", version: "22.04" },
  }),
];
type Summary = Plan["summary"]["updates"][string];
const upd = (
  states: Summary["states"],
  decision: Summary["decision"] = "approved",
  timeline: Summary["timeline"] = "standard",
) => ({ decision, decidedBy: "file", timeline, approvedAt: null, states, held: null }) as Summary;
const plan = (updates: Record<string, Summary>) =>
  ({ now: "2026-12-10T09:00:00Z", summary: { updates } }) as unknown as Plan;
const job = (h: string, type: Job["type"], start: string, end: string, timeline: Job["timeline"], updates: string[]) =>
  ({ host: h, type, window: { start, end }, timeline, updates }) as Job;

function counted(p: Plan, hosts: HostResult[], jobs: Job[] = []) {
  const c = new ComplianceCounts(p);
  hosts.forEach((h) => c.addHost(h));
  jobs.forEach((j) => c.addJob(j));
  return c.result();
}

const group = (name: string, over: Partial<Record<string, number | null>>) => ({
  name,
  hosts: 0,
  compliant: 0,
  noncompliant: 0,
  stale: 0,
  unscanned: 0,
  unmanaged: 0,
  belowBaseline: 0,
  aboveBaseline: 0,
  estimated: 0,
  percent: null,
  ...over,
});

describe("ComplianceCounts", () => {
  it("the fleet and every group, with their percentages, in code-point order", () => {
    const r = counted(plan({}), HOSTS);
    expect(r.now).toBe("2026-12-10T09:00:00Z");
    expect(r.fleet).toEqual(
      group("fleet", {
        hosts: 4,
        compliant: 1,
        noncompliant: 1,
        stale: 1,
        unscanned: 1,
        belowBaseline: 1,
        aboveBaseline: 1,
        estimated: 1,
        percent: 25,
      }),
    );
    expect(r.byOwner).toEqual([
      group("(unassigned)", { hosts: 1, unscanned: 1, percent: 0 }),
      group("team-a", {
        hosts: 2,
        compliant: 1,
        noncompliant: 1,
        belowBaseline: 1,
        aboveBaseline: 1,
        estimated: 1,
        percent: 50,
      }),
      group("team-b", { hosts: 1, stale: 1, percent: 0 }),
    ]);
    expect(r.byBaseline).toEqual([
      group("(no baseline)", { hosts: 2, compliant: 1, unscanned: 1, estimated: 1, percent: 50 }),
      group("b1", { hosts: 2, noncompliant: 1, stale: 1, belowBaseline: 1, aboveBaseline: 1, percent: 0 }),
      group("b2", { hosts: 1, stale: 1, percent: 0 }),
    ]);
    expect(r.byOs.map((g) => [g.name, g.hosts])).toEqual([
      ["(not scanned)", 1],
      ["Ubuntu 22.04", 1],
      ["Windows Server 2022", 1],
      ["windows", 1],
    ]);
    expect(r.byUpdate).toEqual([]);
    expect(r.byWindow).toEqual([]);
  });

  it("per approved update: failed is not done, unscanned hosts in every denominator, fully deferred is not 0 %", () => {
    // 3 scanned hosts, 1 unscanned.
    const r = counted(
      plan({
        KB1: upd({ installed: 1, superseded: 1, failed: 1 }),
        KB2: upd({ deferred: 1, "not-applicable": 1 }, "approved", "emergency"),
        KB3: upd({ missing: 1, overdue: 1, blocked: 1, exempt: 1 }),
        KB4: upd({ installed: 3 }, "rejected"),
        KB44: upd({ missing: 3 }, "pending"),
        KB5: upd({ installed: 2, exempt: 1 }),
        KB8: upd({ deferred: 1, installed: 1 }),
        KB9: upd({ installed: 1, "pending-reboot": 1 }),
        KB10: upd({ installed: 2 }),
      }),
      HOSTS,
    );
    const row = (id: string, timeline: string, n: number[], percent: number | null, fullyDeferred = false) => ({
      id,
      decision: "approved",
      timeline,
      installed: n[0],
      missing: n[1],
      notApplicable: n[2],
      exempt: n[3],
      deferred: n[4],
      unscanned: 1,
      percent,
      fullyDeferred,
    });
    expect(r.byUpdate).toEqual([
      // installed, missing, not applicable (3 scanned − listed), exempt, deferred
      row("KB3", "standard", [0, 3, 0, 1, 0], 0),
      row("KB9", "standard", [1, 1, 1, 0, 0], 33.3),
      row("KB1", "standard", [2, 1, 0, 0, 0], 50),
      row("KB5", "standard", [2, 0, 0, 1, 0], 50),
      row("KB8", "standard", [1, 0, 1, 0, 1], 50),
      row("KB10", "standard", [2, 0, 1, 0, 0], 66.7),
      row("KB2", "emergency", [0, 0, 2, 0, 1], null, true),
    ]);
  });

  it("no host to count: no percentage, and not deferred", () => {
    const r = counted(plan({ KB7: upd({}) }), [host("h1", { os: WS })]);
    expect(r.byUpdate).toEqual([
      {
        id: "KB7",
        decision: "approved",
        timeline: "standard",
        installed: 0,
        missing: 0,
        notApplicable: 1,
        exempt: 0,
        deferred: 0,
        unscanned: 0,
        percent: null,
        fullyDeferred: false,
      },
    ]);
    expect(counted(plan({}), []).fleet.percent).toBeNull();
  });

  it("install and synthetic jobs by window: each host once, every update, other jobs left out", () => {
    const A = ["2026-12-10T12:00:00Z", "2026-12-10T16:00:00Z"] as const;
    const B = ["2026-12-09T02:00:00Z", "2026-12-10T02:00:00Z"] as const;
    const r = counted(plan({}), HOSTS, [
      job("h4", "synthetic", ...B, "pilot", ["KB9"]),
      job("h1", "install", ...A, "standard", ["KB5"]),
      job("h1", "install", ...A, "standard", ["KB1"]),
      job("h1", "healthcheck", ...A, "standard", ["KB7"]),
      job("h2", "install", ...A, "standard", ["KB3", "KB1"]),
      job("h2", "isolate", "2026-12-10T09:00:00Z", "2026-12-10T10:00:00Z", "immediate", ["KB1"]),
      job("h3", "notify", ...A, "standard", ["KB8"]),
    ]);
    expect(r.byWindow).toEqual([
      { window: `${B[0]} – ${B[1]}`, timeline: "pilot", hosts: 1, updates: ["KB9"] },
      { window: `${A[0]} – ${A[1]}`, timeline: "standard", hosts: 2, updates: ["KB1", "KB3", "KB5"] },
    ]);
  });
});
