// The pilot wave's verdict (plan/pilot.ts), pinned at its edges: the success ratio met exactly, the ratio still
// reachable exactly, the reference host's window end and its evidence at the exact instant, a recorded pass at the
// exact instant; and the holds, notes, findings and summary written out literally. Timetable instants as in
// mutation-timing-slots.test.ts (UTC; December's pilot 8 Dec 18:00Z – 9 Dec 18:00Z, D2-04 11 Dec 04:00–08:00Z).
import { describe, expect, it } from "vitest";
import type { UpdateState } from "../../reconciler/model/plan.js";
import type { TimetableSpec } from "../../reconciler/model/timetable.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import {
  pilotFindings,
  pilotHoldNote,
  pilotHolds,
  pilotOverride,
  pilotOverrideNote,
  pilotSkipped,
  pilotSummary,
  pilotVerdicts,
  pilotWindowEnd,
  usesPilotWave,
  type PilotInput,
  type PilotVerdict,
} from "../../reconciler/plan/pilot.js";

const t = (iso: string) => Date.parse(iso);
const NOW = t("2026-12-10T12:00:00Z");

function entry(id: string, over: Partial<CatalogEntry> = {}, spec: Record<string, unknown> = {}): CatalogEntry {
  return {
    id,
    spec: { id, classification: "security", ...spec },
    doc: null,
    decisionFile: `policies/updates/${id.toLowerCase()}.yaml`,
    timeline: "standard",
    approvedAt: t("2026-12-01T00:00:00Z"),
    ...over,
  } as unknown as CatalogEntry;
}
const KB1 = entry("KB1");
const OVERRIDE = { pilot: { override: "proceed", reason: "KB1 fails only on the lab image" } };

function timetable(over: Partial<TimetableSpec> = {}): TimetableSpec {
  return {
    timeZone: "UTC",
    cycle: { anchor: { weekday: "tuesday", nth: 2 }, offsetDays: 2, startTime: "00:00", days: 4, periodHours: 4 },
    emergency: { periodHours: 1, followUpHours: 3 },
    pilot: { offsetDays: 0, startTime: "18:00", hours: 24 },
    windows: [],
    ...over,
  };
}

interface RefHost {
  state?: UpdateState;
  end?: number | null;
  evidence?: number;
}
/** Reference hosts by name, each with its state, pilot window end and newest evidence. */
function verdicts(
  hosts: Record<string, RefHost>,
  over: Partial<PilotInput> = {},
  updates: CatalogEntry[] = [KB1],
): Map<string, PilotVerdict> {
  return pilotVerdicts({
    updates,
    referenceHosts: Object.keys(hosts),
    stateOf: (h) => hosts[h]!.state,
    windowEndOf: (h) => (hosts[h]!.end === undefined ? NOW - 1000 : hosts[h]!.end!),
    evidenceAt: (h) => hosts[h]!.evidence ?? NOW,
    passedBefore: new Map(),
    minSuccessRatio: 0.75,
    now: NOW,
    ...over,
  });
}
const verdict = (over: Partial<PilotVerdict>): PilotVerdict => ({
  state: "running",
  hosts: 4,
  installed: 2,
  ratio: 0.5,
  required: 0.75,
  failedHosts: [],
  awaitingHosts: [],
  passedAt: null,
  ...over,
});
const INSTALLED: RefHost = { state: "installed" };
const IN_WINDOW: RefHost = { state: "missing", end: NOW + 1 };

describe("usesPilotWave and pilotOverride", () => {
  it("standard, non-synthetic updates without pilot: false go to the reference collection first", () => {
    expect(usesPilotWave(KB1)).toBe(true);
    expect(usesPilotWave(entry("KB2", {}, OVERRIDE))).toBe(true);
    expect(usesPilotWave(entry("KB3", { timeline: "emergency" }))).toBe(false);
    expect(usesPilotWave(entry("KB4", {}, { pilot: false }))).toBe(false);
    expect(usesPilotWave(entry("KB5", {}, { classification: "synthetic" }))).toBe(false);
  });

  it("an override is the reviewed object with its reason, nothing else", () => {
    expect(pilotOverride(entry("KB2", {}, OVERRIDE))).toEqual({ reason: "KB1 fails only on the lab image" });
    expect(pilotOverride(KB1)).toBeNull();
    expect(pilotOverride(entry("KB4", {}, { pilot: false }))).toBeNull();
  });
});

describe("pilotVerdicts", () => {
  it("3 of 4 installed with 0.75 required passes now; 2 of 4 with one still in its window is running", () => {
    expect(verdicts({ a: INSTALLED, b: INSTALLED, c: { state: "superseded" }, d: IN_WINDOW }).get("KB1")).toEqual(
      verdict({ state: "passed", installed: 3, ratio: 0.75, passedAt: NOW }),
    );
    expect(verdicts({ a: INSTALLED, b: INSTALLED, c: IN_WINDOW, d: IN_WINDOW }).get("KB1")).toEqual(verdict({}));
  });

  it("one failed host leaves exactly 3 of 4 reachable: running; two make 0.75 unreachable: failed, or overridden", () => {
    // d's window ended 1 s ago and its scan is from now: a failed host.
    const d: RefHost = { state: "missing" };
    expect(verdicts({ a: INSTALLED, b: INSTALLED, c: IN_WINDOW, d }).get("KB1")).toEqual(
      verdict({ failedHosts: ["d"] }),
    );
    expect(verdicts({ a: INSTALLED, b: INSTALLED, c: d, d }).get("KB1")).toEqual(
      verdict({ state: "failed", failedHosts: ["c", "d"] }),
    );
    const o = entry("KB1", {}, OVERRIDE);
    expect(verdicts({ a: INSTALLED, b: INSTALLED, c: d, d }, {}, [o]).get("KB1")).toEqual(
      verdict({ state: "overridden", failedHosts: ["c", "d"] }),
    );
  });

  it("past the window at the exact instant: evidence from the window's end judges, evidence 1 ms older awaits", () => {
    const atEnd: RefHost = { state: "missing", end: NOW, evidence: NOW };
    const older: RefHost = { state: "missing", end: NOW, evidence: NOW - 1 };
    const open: RefHost = { state: "missing", end: NOW + 1, evidence: NOW };
    expect(verdicts({ a: INSTALLED, b: INSTALLED, atEnd, older, open }).get("KB1")).toEqual(
      verdict({ hosts: 5, ratio: 0.4, failedHosts: ["atEnd"], awaitingHosts: ["older"] }),
    );
  });

  it("a pending restart awaits even with fresh evidence; a failed job fails at once, even in its window", () => {
    const v = verdicts({
      a: INSTALLED,
      reboot: { state: "pending-reboot", evidence: NOW },
      job: { state: "failed", end: NOW + 1 },
      nowin: { state: "failed", end: null },
      unplaced: { state: "missing", end: null },
    }).get("KB1");
    expect(v).toEqual(
      verdict({
        state: "failed",
        hosts: 5,
        installed: 1,
        ratio: 0.2,
        failedHosts: ["job", "nowin"],
        awaitingHosts: ["reboot"],
      }),
    );
  });

  it("hosts the update does not concern are not counted; with none concerned there is no verdict", () => {
    const skip = {
      na: { state: "not-applicable" as const },
      def: { state: "deferred" as const },
      ex: { state: "exempt" as const },
      bl: { state: "blocked" as const },
      none: {},
    };
    expect(verdicts({ ...skip, a: INSTALLED, b: IN_WINDOW }).get("KB1")).toEqual(
      verdict({ hosts: 2, installed: 1, ratio: 0.5 }),
    );
    expect(verdicts(skip).has("KB1")).toBe(false);
    expect(verdicts({}).size).toBe(0);
  });

  it("a pass recorded at or before now stands; one recorded 1 ms after now does not", () => {
    const two = { a: INSTALLED, b: { state: "missing" as const } };
    expect(verdicts(two, { passedBefore: new Map([["KB1", NOW]]) }).get("KB1")).toEqual(
      verdict({ state: "passed", hosts: 2, installed: 1, ratio: 0.5, failedHosts: ["b"], passedAt: NOW }),
    );
    expect(verdicts(two, { passedBefore: new Map([["KB1", NOW + 1]]) }).get("KB1")).toMatchObject({
      state: "failed",
      passedAt: null,
    });
    // No reference host concerned any more: the recorded pass with a ratio of 1.
    expect(verdicts({}, { passedBefore: new Map([["KB1", NOW - 5]]) }).get("KB1")).toEqual(
      verdict({ state: "passed", hosts: 0, installed: 0, ratio: 1, passedAt: NOW - 5 }),
    );
  });

  it("the ratio keeps three decimals; updates without a pilot wave get no verdict", () => {
    const v = verdicts({ a: INSTALLED, b: INSTALLED, c: IN_WINDOW }, { minSuccessRatio: 0.5 }, [
      KB1,
      entry("E1", { timeline: "emergency" }),
      entry("S1", {}, { pilot: false }),
    ]);
    expect([...v.keys()]).toEqual(["KB1"]);
    expect(v.get("KB1")).toMatchObject({ state: "passed", ratio: 0.667, required: 0.5 });
  });
});

describe("pilotHolds", () => {
  it("a failed pilot holds everyone, a running one the broad wave only; passed and overridden hold no one", () => {
    expect(pilotHolds(undefined, false)).toBe(false);
    expect(pilotHolds(verdict({ state: "failed" }), true)).toBe(true);
    expect(pilotHolds(verdict({ state: "failed" }), false)).toBe(true);
    expect(pilotHolds(verdict({ state: "running" }), false)).toBe(true);
    expect(pilotHolds(verdict({ state: "running" }), true)).toBe(false);
    expect(pilotHolds(verdict({ state: "passed" }), false)).toBe(false);
    expect(pilotHolds(verdict({ state: "overridden" }), false)).toBe(false);
  });
});

describe("pilotHoldNote and pilotOverrideNote", () => {
  it("a failed pilot names its hosts and the way out", () => {
    expect(pilotHoldNote(verdict({ state: "failed", failedHosts: ["c", "d"] }))).toBe(
      "held: the pilot failed on c, d (2 of 4 reference hosts patched, 0.75 required); a person decides in a pull request (pilot: {override: proceed, reason: …} on the Update file)",
    );
  });

  it("a running pilot gives its ratio, and the hosts past the window still awaited", () => {
    expect(pilotHoldNote(verdict({}))).toBe(
      "held: the pilot wave has 2 of 4 reference hosts patched (0.5), below 0.75",
    );
    expect(pilotHoldNote(verdict({ awaitingHosts: ["c"] }))).toBe(
      "held: the pilot wave has 2 of 4 reference hosts patched (0.5), below 0.75; past the pilot window, c still needs a restart or a scan newer than the window's end",
    );
    expect(pilotHoldNote(verdict({ awaitingHosts: ["c", "d"] }))).toBe(
      "held: the pilot wave has 2 of 4 reference hosts patched (0.5), below 0.75; past the pilot window, c, d still need a restart or a scan newer than the window's end",
    );
  });

  const failedOn = verdict({ state: "overridden", failedHosts: ["c", "d"] });
  const evidence = {
    commit: "0123456789abcdef0123",
    pull: 12,
    author: "alice",
    approvers: ["bob", "carol"],
    at: "2026-12-09T10:00:00Z",
    reason: "KB1 fails only on the lab image",
  };
  it("an override names the pull request, its author, approvers and merge instant, or says they are unknown", () => {
    expect(pilotOverrideNote(failedOn, entry("KB1", { override: evidence }, OVERRIDE))).toBe(
      "the pilot failed on c, d; the wave proceeds by override in PR #12 (commit 0123456789ab) by alice, approved by bob, carol, merged 2026-12-09T10:00:00Z: KB1 fails only on the lab image",
    );
    const bare = { ...evidence, pull: null, author: null, approvers: [], at: null };
    expect(pilotOverrideNote(failedOn, entry("KB1", { override: bare }, OVERRIDE))).toBe(
      "the pilot failed on c, d; the wave proceeds by override in commit 0123456789ab: KB1 fails only on the lab image",
    );
    expect(pilotOverrideNote(failedOn, entry("KB1", {}, OVERRIDE))).toBe(
      "the pilot failed on c, d; the wave proceeds by override (the approval was not verified, so who decided is not known): KB1 fails only on the lab image",
    );
    expect(pilotOverrideNote(verdict({ state: "failed" }), entry("KB1", {}, OVERRIDE))).toBe(
      "the pilot failed and the wave proceeds by override",
    );
  });

  it("pilotSummary: the override only on an overridden verdict with its reason; awaiting hosts only when some", () => {
    expect(pilotSummary(failedOn, entry("KB1", { override: evidence }, OVERRIDE))).toEqual({
      state: "overridden",
      hosts: 4,
      installed: 2,
      failedHosts: ["c", "d"],
      passedAt: null,
      override: {
        reason: "KB1 fails only on the lab image",
        commit: "0123456789abcdef0123",
        pull: 12,
        author: "alice",
        approvers: ["bob", "carol"],
        at: "2026-12-09T10:00:00Z",
      },
    });
    expect(pilotSummary(failedOn, entry("KB1", {}, OVERRIDE)).override).toEqual({
      reason: "KB1 fails only on the lab image",
      commit: null,
      pull: null,
      author: null,
      approvers: [],
      at: null,
    });
    expect(pilotSummary(failedOn)).toEqual({
      state: "overridden",
      hosts: 4,
      installed: 2,
      failedHosts: ["c", "d"],
      passedAt: null,
    });
    expect(pilotSummary(verdict({ state: "failed" }), entry("KB1", { override: evidence }, OVERRIDE))).toEqual({
      state: "failed",
      hosts: 4,
      installed: 2,
      failedHosts: [],
      passedAt: null,
    });
    expect(pilotSummary(verdict({ state: "passed", awaitingHosts: ["c"], passedAt: NOW }))).toEqual({
      state: "passed",
      hosts: 4,
      installed: 2,
      failedHosts: [],
      awaitingHosts: ["c"],
      passedAt: "2026-12-10T12:00:00Z",
    });
  });
});

describe("pilotFindings", () => {
  it("failed, overridden and a passed or running pilot's failed hosts, by update id, at the Update file", () => {
    const catalog = new Map([
      ["KB1", KB1],
      ["KB2", entry("KB2", {}, OVERRIDE)],
      ["KB3", entry("KB3")],
      ["KB4", entry("KB4")],
      ["KB5", entry("KB5")],
      ["KB6", entry("KB6")],
    ]);
    const found = pilotFindings(
      new Map([
        ["KB5", verdict({ state: "passed", failedHosts: ["c", "d"] })],
        ["KB3", verdict({ state: "passed", installed: 3, failedHosts: ["d"] })],
        ["KB4", verdict({ state: "passed" })],
        ["KB6", verdict({ state: "running", failedHosts: ["d"] })],
        ["KB2", verdict({ state: "overridden", failedHosts: ["c", "d"] })],
        ["KB1", verdict({ state: "failed", failedHosts: ["c", "d"] })],
      ]),
      catalog,
    );
    const at = (id: string) => ({ file: `policies/updates/${id}.yaml`, line: null, column: null });
    expect(found).toEqual([
      {
        code: "pilot-failed",
        severity: "warning",
        ...at("kb1"),
        message:
          "KB1: the pilot failed: c, d did not report it installed after the pilot window (2 of 4 reference hosts, 0.75 required); every host is held until a pull request sets pilot: {override: proceed, reason: …} or rejects the update",
      },
      {
        code: "pilot-overridden",
        severity: "warning",
        ...at("kb2"),
        message:
          "KB2: the pilot failed on c, d, and the broad wave proceeds by override (KB1 fails only on the lab image)",
      },
      {
        code: "pilot-host-failed",
        severity: "warning",
        ...at("kb3"),
        message:
          "KB3: d did not report it installed after the pilot window; the pilot still passed (3 of 4); investigate that host",
      },
      {
        code: "pilot-host-failed",
        severity: "warning",
        ...at("kb5"),
        message:
          "KB5: c, d did not report it installed after the pilot window; the pilot still passed (2 of 4); investigate those hosts",
      },
      {
        // A pilot still running has not passed: 2 of 4 patched, d failed, two hosts left could still make 0.75.
        code: "pilot-host-failed",
        severity: "warning",
        ...at("kb6"),
        message:
          "KB6: d did not report it installed after the pilot window; the pilot is still running, and can still pass (0.75 required) (2 of 4); investigate that host",
      },
    ]);
  });
});

describe("pilotWindowEnd and pilotSkipped", () => {
  const TT = timetable();
  it("the pilot window's end while the update has one, else the host's own period's end", () => {
    expect(pilotWindowEnd(TT, "D2-04", t("2026-12-01T00:00:00Z"), 7)).toBe(t("2026-12-09T18:00:00Z"));
    // Approved at the pilot's end: skipped, so D2-04 of December (ends 11 Dec 08:00Z).
    expect(pilotWindowEnd(TT, "D2-04", t("2026-12-09T18:00:00Z"), 7)).toBe(t("2026-12-11T08:00:00Z"));
    expect(pilotWindowEnd(TT, "D5-04", t("2026-12-09T18:00:00Z"), 7)).toBeNull();
    expect(pilotWindowEnd(timetable({ cycle: undefined }), "D2-04", t("2026-12-01T00:00:00Z"), 7)).toBeNull();
  });

  it("skipped only when every timetable with a cycle skips it, and at least one has a cycle", () => {
    // A pilot one day later (9 Dec 18:00Z – 10 Dec 18:00Z) still opens at 9 Dec 18:00Z: not skipped there.
    const later = timetable({ pilot: { offsetDays: 1, startTime: "18:00", hours: 24 } });
    const noCycle = timetable({ cycle: undefined });
    const at = t("2026-12-09T18:00:00Z");
    expect(pilotSkipped([TT], at, 7)).toBe(true);
    expect(pilotSkipped([noCycle, TT], at, 7)).toBe(true);
    expect(pilotSkipped([TT, later], at, 7)).toBe(false);
    expect(pilotSkipped([TT], at - 1, 7)).toBe(false);
    expect(pilotSkipped([noCycle], at, 7)).toBe(false);
    expect(pilotSkipped([], at, 7)).toBe(false);
  });
});
