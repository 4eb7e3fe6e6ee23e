// Every time threshold at the exact instant, on both sides (1 ms apart). The instants are worked out by hand from the
// timetable of test/fixtures/minimal (America/Los_Angeles, PST = UTC−8 in December and January; cycle on the Thursday
// after the second Tuesday; pilot from that Tuesday 18:00 for 24 hours) and from the policy's defaults:
//   December 2026: 1 Dec is a Tuesday, so the second Tuesday is 8 Dec; the cycle opens Thu 10 Dec 00:00 PST = 08:00Z.
//   Pilot window: Tue 8 Dec 18:00 PST = Wed 9 Dec 02:00Z until Thu 10 Dec 02:00Z.
//   Period D1-04: Thu 10 Dec 04:00–08:00 PST = 12:00Z–16:00Z.
//   January 2027: 1 Jan is a Friday, the second Tuesday is 12 Jan; that cycle opens Thu 14 Jan 08:00Z.
import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import { PatchPolicySpec } from "../../reconciler/model/policy.js";
import { TimetableSpec } from "../../reconciler/model/timetable.js";
import { slotFor } from "../../reconciler/plan/timing.js";
import { cycleOpeningAfter } from "../../reconciler/schedule/cycle.js";
import { updateDoc } from "../helpers/documents.js";
import { hostRecord, planFixture } from "../helpers/plan-fixture.js";

const MS = 1;
const iso = (t: number) => new Date(t).toISOString();
const at = (text: string) => Date.parse(text);

const POLICY = (spec: string) =>
  `apiVersion: patchops/v1\nkind: PatchPolicy\nmetadata:\n  name: minimal\nspec:\n${spec}`;
const RFC =
  "  rfc: { change: c, vulnerability: v, servicesImpacted: s, concurrentDeployment: none, countermeasures: none, testStrategy: t, impact: major }\n";

/** host-01 (period D1-04) scanned an hour before `now` unless told otherwise. */
async function planHost01(
  now: number,
  files: Record<string, string | null>,
  over: Partial<InventoryRecord> = {},
  approvedAt?: Record<string, number>,
) {
  const r = await planFixture({
    files,
    hosts: [hostRecord("host-01", { scannedAt: iso(now - 3_600_000), ...over })],
    now: iso(now),
    ...(approvedAt ? { approvedAt } : {}),
  });
  return { r, host: r.hosts.find((h) => h.host === "host-01")!, jobs: r.jobs.filter((j) => j.host === "host-01") };
}

describe("the emergency SLA ends 24 hours after approval (escalation.afterHours: 0)", () => {
  // A critical update approved Wed 9 Dec 10:00Z; the policy's default sla.emergencyHours is 24: SLA ends 10 Dec 10:00Z.
  const files = {
    "policies/policy.yaml": POLICY("  escalation: { afterHours: 0, action: isolate }\n"),
    "policies/updates/kb5035857.yaml": null,
    "policies/updates/kb300.yaml": updateDoc("KB300", { released: "2026-12-08", extra: RFC }).replace(
      "severity: important",
      "severity: critical",
    ),
  };
  const approved = { "policies/updates/kb300.yaml": at("2026-12-09T10:00:00Z") };
  const end = at("2026-12-10T10:00:00Z");

  it("at 10:00:00.000Z the host is overdue but not isolated", async () => {
    const { host, jobs } = await planHost01(end, files, {}, approved);
    expect(host.updates.KB300).toBe("overdue");
    expect(jobs.map((j) => j.type)).toEqual(["install"]);
  });

  it("at 10:00:00.001Z it is isolated", async () => {
    const { jobs } = await planHost01(end + MS, files, {}, approved);
    expect(jobs.map((j) => j.type).sort()).toEqual(["install", "isolate"]);
  });
});

describe("stale after staleAfterHours (default 24)", () => {
  const installed = { installed: ["KB5035857"] };
  const now = at("2026-12-10T09:00:00Z");

  it("a scan exactly 24 hours old is still evidence: compliant", async () => {
    const { host } = await planHost01(now, {}, { ...installed, scannedAt: "2026-12-09T09:00:00Z" });
    expect(host.status).toBe("compliant");
  });

  it("1 ms older is stale", async () => {
    const { host } = await planHost01(now, {}, { ...installed, scannedAt: "2026-12-09T08:59:59.999Z" });
    expect(host.status).toBe("stale");
  });
});

describe("a scan in the future (more than an hour of clock skew)", () => {
  const installed = { installed: ["KB5035857"] };
  const now = at("2026-12-10T09:00:00Z");

  it("a scan exactly one hour ahead is accepted", async () => {
    const { host } = await planHost01(now, {}, { ...installed, scannedAt: "2026-12-10T10:00:00Z" });
    expect(host.status).toBe("compliant");
  });

  it("1 ms further ahead is stale (the scanner's clock is wrong)", async () => {
    const { host } = await planHost01(now, {}, { ...installed, scannedAt: "2026-12-10T10:00:00.001Z" });
    expect(host.status).toBe("stale");
  });
});

describe("an exemption ends at the end of its expiry day, UTC", () => {
  const files = {
    "policies/exemptions/freeze.yaml": `apiVersion: patchops/v1
kind: Exemption
metadata:
  name: freeze
spec:
  hosts: [host-01]
  updates: [KB5035857]
  type: defer
  reason: quarter-end freeze
  ticket: CHG-7
  expires: 2026-12-10
`,
  };

  it("expires 2026-12-10: at 23:59:59.999Z that day the update is deferred", async () => {
    const { host, r } = await planHost01(at("2026-12-10T23:59:59.999Z"), files);
    expect(host.updates.KB5035857).toBe("deferred");
    expect(r.plan.findings.map((f) => f.code)).not.toContain("exemption-expired-ignored");
  });

  it("at 2026-12-11T00:00:00.000Z it no longer holds", async () => {
    const { host, r } = await planHost01(at("2026-12-11T00:00:00Z"), files);
    expect(host.updates.KB5035857).not.toBe("deferred");
    expect(r.plan.findings.map((f) => f.code)).toContain("exemption-expired-ignored");
  });
});

describe("an approval rule: its delay and its `until`", () => {
  const rule = (extra: string) => ({
    "policies/updates/kb5035857.yaml": null,
    "policies/rules/security.yaml": `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: security
spec:
  classifications: [security]
  approveAfterDays: 7
${extra}`,
    "policies/updates/kb400.yaml": updateDoc("KB400", { released: "2026-12-01", decision: null }),
  });
  const decision = async (now: string, extra = "") =>
    (await planHost01(at(now), rule(extra))).r.plan.summary.updates.KB400?.decision;

  it("released 1 Dec, approveAfterDays 7: pending at 7 Dec 23:59:59.999Z, approved at 8 Dec 00:00:00.000Z", async () => {
    expect(await decision("2026-12-07T23:59:59.999Z")).toBe("pending");
    expect(await decision("2026-12-08T00:00:00Z")).toBe("approved");
  });

  it("until: 2026-12-01 still approves an update released that day; until: 2026-11-30 does not", async () => {
    expect(await decision("2026-12-09T00:00:00Z", "  until: 2026-12-01\n")).toBe("approved");
    expect(await decision("2026-12-09T00:00:00Z", "  until: 2026-11-30\n")).toBe("pending");
  });
});

describe("a standard window ends: D1-04 is 12:00Z–16:00Z on 10 Dec", () => {
  // Approved 1 Dec (before the December cycle opens), no pilot: host-01's window is D1-04 of the December cycle.
  const files = {
    "policies/updates/kb5035857.yaml": null,
    "policies/updates/kb500.yaml": updateDoc("KB500", { released: "2026-11-20" }),
  };
  const approved = { "policies/updates/kb500.yaml": at("2026-12-01T00:00:00Z") };

  it("at 15:59:59.999Z the update is missing, its job in that window", async () => {
    const { host, jobs } = await planHost01(at("2026-12-10T15:59:59.999Z"), files, {}, approved);
    expect(host.updates.KB500).toBe("missing");
    expect(jobs.map((j) => [j.type, j.window.start, j.window.end])).toEqual([
      ["install", "2026-12-10T12:00:00Z", "2026-12-10T16:00:00Z"],
    ]);
  });

  it("at 16:00:00.000Z it is overdue, retried in the next D1-04 (14 Jan 2027, 12:00Z–16:00Z)", async () => {
    const { host, jobs } = await planHost01(at("2026-12-10T16:00:00Z"), files, {}, approved);
    expect(host.updates.KB500).toBe("overdue");
    // Also past its SLA (1 Dec + 7 days) by more than escalation.afterHours (24), so isolated too.
    expect(jobs.filter((j) => j.type === "install").map((j) => [j.type, j.window.start, j.window.end])).toEqual([
      ["install", "2027-01-14T12:00:00Z", "2027-01-14T16:00:00Z"],
    ]);
  });
});

describe("the pilot window ends (slotFor, the one function every pass asks)", () => {
  const tt = TimetableSpec.parse({
    timeZone: "America/Los_Angeles",
    cycle: { anchor: { weekday: "tuesday", nth: 2 }, offsetDays: 2 },
    pilot: { offsetDays: 0, startTime: "18:00", hours: 24 },
  });
  const policy = PatchPolicySpec.parse({});
  const req = {
    tt,
    period: "D1-04",
    timeline: "standard" as const,
    approvedAt: at("2026-12-01T00:00:00Z"),
    pilot: true,
    usesPilot: true,
  };
  const pilotEnd = at("2026-12-10T02:00:00Z");

  it("a reference host 1 ms before the pilot window ends is still on the pilot timeline", () => {
    const s = slotFor(req, policy, pilotEnd - MS)!;
    expect([s.timeline, iso(s.window.start), iso(s.window.end)]).toEqual([
      "pilot",
      "2026-12-09T02:00:00.000Z",
      "2026-12-10T02:00:00.000Z",
    ]);
  });

  it("at the instant it ends, the host takes its own period D1-04", () => {
    const s = slotFor(req, policy, pilotEnd)!;
    expect([s.timeline, iso(s.window.start), iso(s.window.end)]).toEqual([
      "standard",
      "2026-12-10T12:00:00.000Z",
      "2026-12-10T16:00:00.000Z",
    ]);
  });

  it("the SLA of a standard update is 7 days after approval, whatever the window", () => {
    expect(iso(slotFor(req, policy, pilotEnd)!.slaBy)).toBe("2026-12-08T00:00:00.000Z");
  });
});

describe("cycle openings", () => {
  const tt = TimetableSpec.parse({
    timeZone: "America/Los_Angeles",
    cycle: { anchor: { weekday: "tuesday", nth: 2 }, offsetDays: 2 },
    pilot: { offsetDays: 0, startTime: "18:00", hours: 24 },
  });
  const opening = at("2026-12-10T08:00:00Z");

  it("an approval at the very instant the December cycle opens still makes that cycle", () => {
    expect(iso(cycleOpeningAfter(tt.timeZone, tt, opening).start)).toBe("2026-12-10T08:00:00.000Z");
  });

  it("1 ms later it waits for January's (14 Jan 2027 08:00Z)", () => {
    expect(iso(cycleOpeningAfter(tt.timeZone, tt, opening + MS).start)).toBe("2027-01-14T08:00:00.000Z");
  });

  it("with a pilot the cycle opens with its pilot window: 9 Dec 02:00Z is in, 1 ms later is January's", () => {
    const pilotStart = at("2026-12-09T02:00:00Z");
    expect(iso(cycleOpeningAfter(tt.timeZone, tt, pilotStart, true).pilot!.start)).toBe("2026-12-09T02:00:00.000Z");
    expect(iso(cycleOpeningAfter(tt.timeZone, tt, pilotStart + MS, true).start)).toBe("2027-01-14T08:00:00.000Z");
  });
});
