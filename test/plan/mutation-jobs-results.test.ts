// Job results as evidence, pinned at their edges: the clock-skew bound at the exact instant on both sides, a failed
// job failing what it did not report as succeeded, the scan as the authority from the instant after a job, retries
// counted since the last success, the backoff's doubling and its cap, and the findings and notes the overlay writes.
// Every expected value is worked out by hand (H = one hour).
import { describe, expect, it } from "vitest";
import type { HostRecord } from "../../reconciler/inventory/host-record.js";
import type { JobResult } from "../../reconciler/model/job-result.js";
import type { UpdateState } from "../../reconciler/model/plan.js";
import {
  backoffMs,
  futureResults,
  indexResults,
  judgeUpdate,
  type Failure,
  type Outcome,
} from "../../reconciler/plan/job-results.js";
import { overlayResults, type HostOverlay } from "../../reconciler/plan/overlay-results.js";
import type { Diagnostic } from "../../reconciler/diagnostics.js";

const NOW = Date.parse("2026-12-10T18:00:00Z");
const H = 3_600_000;

const result = (over: Partial<JobResult> = {}): JobResult => ({
  jobId: "j1",
  host: "Web-01",
  type: "install",
  status: "succeeded",
  updates: { kb100: { status: "succeeded" } },
  finishedAt: "2026-12-10T17:00:00Z",
  ...over,
});

describe("futureResults and indexResults: the clock-skew bound", () => {
  it("a result finished exactly 5 minutes after now counts; 1 ms later it is in the future and left out", () => {
    const edge = result({ jobId: "edge", finishedAt: "2026-12-10T18:05:00.000Z" });
    const late = result({ jobId: "late", finishedAt: "2026-12-10T18:05:00.001Z" });
    expect(futureResults([edge, late], NOW)).toEqual([late]);
    const index = indexResults([edge, late], NOW);
    expect(
      index
        .get("web-01")!
        .get("KB100")!
        .map((o) => o.jobId),
    ).toEqual(["edge"]);
    // A result entirely in the future indexes no host at all.
    expect([...indexResults([late], NOW)]).toEqual([]);
    // With an offset: 19:05+01:00 is 18:05Z, exactly at the bound.
    expect(futureResults([result({ finishedAt: "2026-12-10T19:05:00+01:00" })], NOW)).toEqual([]);
    expect(futureResults([result({ finishedAt: "2026-12-10T19:05:01+01:00" })], NOW)).toHaveLength(1);
  });

  it("indexes by lower-case host and upper-case id, oldest first, with the instant written without milliseconds", () => {
    const index = indexResults(
      [
        result({
          jobId: "j2",
          finishedAt: "2026-12-10T16:00:00.500Z",
          updates: { Kb100: { status: "failed", code: "0x80070005" } },
        }),
        result({ jobId: "j1", host: "WEB-01", finishedAt: "2026-12-10T15:00:00Z", type: "uninstall" }),
        result({
          jobId: "j3",
          host: "db-01",
          finishedAt: "2026-12-10T14:00:00+02:00",
          updates: { KB200: { status: "succeeded" } },
        }),
      ],
      NOW,
    );
    expect([...index.keys()]).toEqual(["web-01", "db-01"]);
    expect([...index.get("web-01")!.keys()]).toEqual(["KB100"]);
    expect(index.get("web-01")!.get("KB100")).toEqual([
      {
        at: Date.parse("2026-12-10T15:00:00Z"),
        atText: "2026-12-10T15:00:00Z",
        status: "succeeded",
        code: null,
        jobId: "j1",
        type: "uninstall",
      },
      {
        at: Date.parse("2026-12-10T16:00:00.500Z"),
        atText: "2026-12-10T16:00:00.500Z",
        status: "failed",
        code: "0x80070005",
        jobId: "j2",
        type: "install",
      },
    ]);
    expect(index.get("db-01")!.get("KB200")![0]!.atText).toBe("2026-12-10T12:00:00Z");
  });

  it("a failed job fails every update it did not report as succeeded; a succeeded job keeps each update's word", () => {
    const index = indexResults(
      [
        result({
          status: "failed",
          updates: { KB1: { status: "succeeded" }, KB2: { status: "failed", code: "apt-fetch" } },
        }),
        result({ jobId: "j2", host: "h2", status: "succeeded", updates: { KB3: { status: "failed" } } }),
      ],
      NOW,
    );
    expect(index.get("web-01")!.get("KB1")![0]!.status).toBe("succeeded");
    expect(index.get("web-01")!.get("KB2")![0]).toMatchObject({ status: "failed", code: "apt-fetch" });
    expect(index.get("h2")!.get("KB3")![0]!.status).toBe("failed");
  });
});

const o = (at: number, status: Outcome["status"], over: Partial<Outcome> = {}): Outcome => ({
  at,
  atText: new Date(at).toISOString(),
  status,
  code: null,
  jobId: `job-${at}`,
  type: "install",
  ...over,
});
const SCAN = NOW - 2 * H;

describe("judgeUpdate", () => {
  it("no outcomes, or a state results do not touch: nothing", () => {
    const none = { state: null, failure: null, contradicted: null, by: null };
    expect(judgeUpdate("missing", undefined, SCAN)).toEqual(none);
    expect(judgeUpdate("missing", [], SCAN)).toEqual(none);
    for (const st of ["installed", "overdue", "not-applicable", "deferred", "superseded"] as UpdateState[])
      expect(judgeUpdate(st, [o(SCAN + H, "succeeded")], SCAN)).toEqual(none);
    // Only uninstall outcomes for a missing update, only install outcomes for a rejected one: nothing either.
    expect(judgeUpdate("missing", [o(SCAN + H, "succeeded", { type: "uninstall" })], SCAN)).toEqual(none);
    expect(judgeUpdate("rejected-installed", [o(SCAN + H, "succeeded")], SCAN)).toEqual(none);
  });

  it("a success 1 ms after the scan installs; one at the scan's instant is contradicted by it", () => {
    const after = o(SCAN + 1, "succeeded");
    expect(judgeUpdate("missing", [after], SCAN)).toEqual({
      state: "installed",
      failure: null,
      contradicted: null,
      by: after,
    });
    expect(judgeUpdate("exempt", [after], SCAN)).toEqual({
      state: "installed",
      failure: null,
      contradicted: null,
      by: after,
    });
    const at = o(SCAN, "succeeded");
    expect(judgeUpdate("missing", [at], SCAN)).toEqual({ state: null, failure: null, contradicted: at, by: at });
  });

  it("failures count since the last success, whatever the scan; uninstall outcomes are not install attempts", () => {
    const f3 = o(SCAN + 3 * H, "failed", { code: "0x80240022" });
    const outcomes = [
      o(SCAN - 5 * H, "failed"),
      o(SCAN - 4 * H, "succeeded"),
      o(SCAN - 3 * H, "failed"),
      o(SCAN + 1 * H, "succeeded", { type: "uninstall" }),
      o(SCAN + 2 * H, "failed"),
      f3,
    ];
    expect(judgeUpdate("missing", outcomes, SCAN)).toEqual({
      state: "failed",
      failure: { code: "0x80240022", at: f3.at, atText: f3.atText, attempts: 3 },
      contradicted: null,
      by: f3,
    });
    // All failed, none before: every one counts.
    expect(judgeUpdate("exempt", [o(1, "failed"), o(2, "failed")], SCAN).failure!.attempts).toBe(2);
  });

  it("a rejected update: a removal after the scan removes it; one at the scan or a failed one keeps it", () => {
    const removed = o(SCAN + 1, "succeeded", { type: "uninstall" });
    expect(judgeUpdate("rejected-installed", [o(SCAN + H, "failed"), removed], SCAN)).toEqual({
      state: "removed",
      failure: null,
      contradicted: null,
      by: removed,
    });
    const atScan = o(SCAN, "succeeded", { type: "uninstall" });
    expect(judgeUpdate("rejected-installed", [atScan], SCAN)).toEqual({
      state: null,
      failure: null,
      contradicted: null,
      by: atScan,
    });
    const f1 = o(SCAN - H, "failed", { type: "uninstall", code: "dnf-transaction" });
    const f2 = o(SCAN + H, "failed", { type: "uninstall", code: "dnf-transaction" });
    expect(judgeUpdate("rejected-installed", [f1, o(SCAN, "succeeded"), f2], SCAN)).toEqual({
      state: null,
      failure: { code: "dnf-transaction", at: f2.at, atText: f2.atText, attempts: 2 },
      contradicted: null,
      by: f2,
    });
  });
});

describe("backoffMs: backoffHours × 2^(n−1), from the 10th failure on no longer doubling", () => {
  it("worked by hand for 4 hours", () => {
    expect(backoffMs(4, 0)).toBe(4 * H);
    expect(backoffMs(4, 1)).toBe(4 * H);
    expect(backoffMs(4, 2)).toBe(8 * H);
    expect(backoffMs(4, 3)).toBe(16 * H);
    expect(backoffMs(4, 9)).toBe(1024 * H);
    expect(backoffMs(4, 10)).toBe(2048 * H);
    expect(backoffMs(4, 11)).toBe(2048 * H);
    expect(backoffMs(0.5, 2)).toBe(1 * H);
  });
});

const SCAN_TEXT = "2026-12-10T16:00:00Z";
function overlay(
  states: Record<string, UpdateState>,
  outcomes: Record<string, Outcome[]> | undefined,
  maxFailures = 3,
  owner: string | null = "ops@example.com",
) {
  const notes: string[] = [];
  const o: HostOverlay = {
    host: "web-01",
    owner,
    rec: { scannedAt: SCAN, scannedAtText: SCAN_TEXT, origin: "inventory.jsonl:7" } as HostRecord,
    states: new Map(Object.entries(states)),
    missing: new Map(Object.keys(states).map((id) => [id, null])),
    outcomes: outcomes && new Map(Object.entries(outcomes)),
    maxFailures,
    note: (id, line) => notes.push(`${id}: ${line()}`),
    findings: [] as Diagnostic[],
    failures: new Map<string, Failure>(),
  };
  overlayResults(o);
  return { o, notes, messages: o.findings.map((f) => `${f.code} ${f.severity} ${f.message}`) };
}
const T = (h: number) => SCAN + h * H;
const text = (h: number) => new Date(T(h)).toISOString().replace(/\.000Z$/, "Z");
const out = (h: number, status: Outcome["status"], over: Partial<Outcome> = {}): Outcome => ({
  at: T(h),
  atText: text(h),
  status,
  code: null,
  jobId: `j${h}`,
  type: "install",
  ...over,
});

describe("overlayResults", () => {
  it("no outcomes for the host: nothing changes", () => {
    const { o, notes } = overlay({ KB1: "missing" }, undefined);
    expect([...o.states]).toEqual([["KB1", "missing"]]);
    expect(notes).toEqual([]);
    expect(o.findings).toEqual([]);
  });

  it("installed on a job's word after the scan; contradicted by a scan after the job", () => {
    const { o, notes, messages } = overlay(
      { KB1: "missing", KB2: "missing", KB3: "installed" },
      { KB1: [out(1, "succeeded")], KB2: [out(-1, "succeeded")], KB3: [out(1, "succeeded")] },
    );
    expect([...o.states]).toEqual([
      ["KB1", "installed"],
      ["KB2", "missing"],
      ["KB3", "installed"],
    ]);
    expect([...o.missing.keys()]).toEqual(["KB2", "KB3"]);
    expect(notes).toEqual([
      "KB1: installed by job j1 at 2026-12-10T17:00:00Z (job result); awaiting a scan to confirm",
    ]);
    expect(messages).toEqual([
      "result-contradicted warning web-01: job j-1 reported KB2 installed at 2026-12-10T15:00:00Z, but the scan at 2026-12-10T16:00:00Z (inventory.jsonl:7) still lists it missing",
    ]);
    expect(o.failures.size).toBe(0);
  });

  it("removed by an uninstall job: the state is dropped", () => {
    const { o, notes } = overlay(
      { KB9: "rejected-installed", KB1: "missing" },
      { KB9: [out(1, "succeeded", { type: "uninstall" })] },
    );
    expect([...o.states]).toEqual([["KB1", "missing"]]);
    expect(notes).toEqual(["KB9: removed by uninstall job j1 at 2026-12-10T17:00:00Z (job result)"]);
    expect([...o.missing.keys()]).toEqual(["KB9", "KB1"]);
  });

  it("a transient failure: failed, retried, a finding only at maxFailures (2 of 3 none, 3 of 3 one)", () => {
    const two = overlay(
      { KB1: "missing" },
      { KB1: [out(1, "failed", { code: "apt-fetch" }), out(2, "failed", { code: "apt-fetch" })] },
    );
    expect([...two.o.states]).toEqual([["KB1", "failed"]]);
    expect(two.notes).toEqual(["KB1: failed in job j2 at 2026-12-10T18:00:00Z with apt-fetch (attempt 2)"]);
    expect(two.messages).toEqual([]);
    expect(two.o.failures.get("KB1")).toEqual({ code: "apt-fetch", at: T(2), atText: text(2), attempts: 2 });
    const three = overlay({ KB1: "missing" }, { KB1: [1, 2, 3].map((h) => out(h, "failed", { code: "apt-fetch" })) });
    expect(three.messages).toEqual([
      "update-failing warning web-01 (owner ops@example.com): KB1 failed 3 times, last at 2026-12-10T19:00:00Z with apt-fetch",
    ]);
  });

  it("a deterministic code needs a person at once, with its meaning; an unknown code from its second failure", () => {
    const det = overlay({ KB1: "missing" }, { KB1: [out(1, "failed", { code: "0x80070070" })] });
    expect(det.messages).toEqual([
      "update-needs-person warning web-01 (owner ops@example.com): KB1 failed once, last at 2026-12-10T17:00:00Z with 0x80070070 (ERROR_DISK_FULL: not enough disk space); it is not retried until a person fixes the cause",
    ]);
    expect(det.notes).toEqual(["KB1: failed in job j1 at 2026-12-10T17:00:00Z with 0x80070070 (attempt 1)"]);
    const once = overlay({ KB1: "missing" }, { KB1: [out(1, "failed")] });
    expect(once.messages).toEqual([]);
    expect(once.notes).toEqual(["KB1: failed in job j1 at 2026-12-10T17:00:00Z (attempt 1)"]);
    const twice = overlay({ KB1: "exempt" }, { KB1: [out(1, "failed"), out(2, "failed")] });
    expect(twice.messages).toEqual([
      "update-needs-person warning web-01 (owner ops@example.com): KB1 failed 2 times, last at 2026-12-10T18:00:00Z, a cause patchops does not know; it is not retried until a person fixes the cause",
    ]);
    // At maxFailures too, the person's finding replaces the failing one.
    const atMax = overlay({ KB1: "missing" }, { KB1: [out(1, "failed"), out(2, "failed")] }, 2);
    expect(atMax.messages.map((m) => m.split(" ")[0])).toEqual(["update-needs-person"]);
  });

  it("a failed removal: never a person's finding; failing at maxFailures, with 'removing', owner none", () => {
    const removal = (n: number, code: string | null, owner: string | null = "ops@example.com") =>
      overlay(
        { KB9: "rejected-installed" },
        { KB9: Array.from({ length: n }, (_, i) => out(i + 1, "failed", { type: "uninstall", code })) },
        3,
        owner,
      );
    const two = removal(2, "0x80070005");
    expect(two.messages).toEqual([]);
    expect([...two.o.states]).toEqual([["KB9", "rejected-installed"]]);
    expect(two.notes).toEqual([]);
    expect(two.o.failures.get("KB9")!.attempts).toBe(2);
    expect(removal(3, null, null).messages).toEqual([
      "update-failing warning web-01 (owner none): removing KB9 failed 3 times, last at 2026-12-10T19:00:00Z",
    ]);
    expect(overlay({ KB1: "missing" }, { KB1: [out(1, "failed", { code: "0x80070005" })] }, 1, null).messages).toEqual([
      "update-needs-person warning web-01 (owner none): KB1 failed once, last at 2026-12-10T17:00:00Z with 0x80070005 (E_ACCESSDENIED: access denied (permissions, an endpoint agent blocking servicing)); it is not retried until a person fixes the cause",
    ]);
  });
});
