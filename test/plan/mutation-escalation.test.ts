// Escalation placement and job enforcement, pinned at their edges: an isolate waits out every install window it would
// share an instant with (a window ending exactly at the escalation's start, or starting exactly at its end, is no
// collision), one node per cluster is isolated and the others are notified, and what a job may force at its deadline.
// Instants are worked out by hand (H = one hour after NOW).
import { describe, expect, it } from "vitest";
import type { Job } from "../../reconciler/model/plan.js";
import { jobEnforcement } from "../../reconciler/plan/enforcement.js";
import { installWindowsByHost, placeEscalations, type EscalationRequest } from "../../reconciler/plan/escalation.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");
const H = 3_600_000;
const req = (host: string, over: Partial<EscalationRequest> = {}): EscalationRequest => ({
  host,
  cluster: null,
  action: "isolate",
  ids: ["KB100"],
  files: ["policies/updates/kb100.yaml"],
  why: null,
  ...over,
});
const at = (h: number) => NOW + h * H;

describe("placeEscalations", () => {
  it("an isolate with no install window starts now and lasts one hour", () => {
    const { decisions, findings } = placeEscalations([req("h1")], new Map(), NOW);
    expect(decisions).toEqual([
      { request: req("h1"), action: "isolate", window: { start: NOW, end: at(1) }, why: null },
    ]);
    expect(findings).toEqual([]);
  });

  it("an install window that ends exactly at now or starts exactly at now + 1 h does not move it", () => {
    const windows = new Map([
      [
        "h1",
        [
          { start: at(-3), end: at(-2) },
          { start: at(-2), end: NOW },
          { start: at(1), end: at(3) },
        ],
      ],
    ]);
    expect(placeEscalations([req("h1")], windows, NOW).decisions[0]!.window).toEqual({ start: NOW, end: at(1) });
    // A window that ended before now alone.
    const past = new Map([["h1", [{ start: at(-3), end: at(-2) }]]]);
    expect(placeEscalations([req("h1")], past, NOW).decisions[0]!.window).toEqual({ start: NOW, end: at(1) });
  });

  it("1 ms of overlap on either side moves it after the install window; chained windows, given in any order, too", () => {
    const before = new Map([["h1", [{ start: at(-2), end: NOW + 1 }]]]);
    expect(placeEscalations([req("h1")], before, NOW).decisions[0]!.window).toEqual({
      start: NOW + 1,
      end: NOW + 1 + H,
    });
    const after = new Map([["h1", [{ start: at(1) - 1, end: at(3) }]]]);
    expect(placeEscalations([req("h1")], after, NOW).decisions[0]!.window).toEqual({ start: at(3), end: at(4) });
    // Sorted by start: [0.5, 2) moves it to [2, 3); then [2.5, 5) moves it to [5, 6); [7, 8) is clear.
    const chain = new Map([
      [
        "h1",
        [
          { start: at(7), end: at(8) },
          { start: at(2.5), end: at(5) },
          { start: at(0.5), end: at(2) },
        ],
      ],
    ]);
    expect(placeEscalations([req("h1")], chain, NOW).decisions[0]!.window).toEqual({ start: at(5), end: at(6) });
    // Another host's windows are not this host's.
    expect(placeEscalations([req("h2")], chain, NOW).decisions[0]!.window).toEqual({ start: NOW, end: at(1) });
  });

  it("a notify never waits for installs", () => {
    const windows = new Map([["h1", [{ start: NOW, end: at(2) }]]]);
    const d = placeEscalations([req("h1", { action: "notify", why: "a pilot override" })], windows, NOW).decisions[0]!;
    expect(d).toMatchObject({ action: "notify", window: { start: NOW, end: at(1) }, why: "a pilot override" });
  });

  it("one isolated node per cluster, chosen by host name; the others are notified with a finding", () => {
    const { decisions, findings } = placeEscalations(
      [
        req("sql-b", { cluster: "sql" }),
        req("sql-a", { cluster: "sql" }),
        req("web-1", { cluster: "web" }),
        req("lone-1"),
        req("lone-2"),
        req("sql-c", { cluster: "sql", action: "notify" }),
      ],
      new Map(),
      NOW,
    );
    expect(decisions.map((d) => [d.request.host, d.action, d.why])).toEqual([
      ["lone-1", "isolate", null],
      ["lone-2", "isolate", null],
      ["sql-a", "isolate", null],
      ["sql-b", "notify", "sql-a of cluster 'sql' is isolated first"],
      ["sql-c", "notify", null],
      ["web-1", "isolate", null],
    ]);
    expect(findings).toEqual([
      {
        code: "escalation-staggered",
        severity: "warning",
        file: null,
        line: null,
        column: null,
        message:
          "cluster 'sql': sql-a and sql-b are both past the SLA; only sql-a is isolated, the owner of sql-b is notified",
      },
    ]);
  });
});

describe("installWindowsByHost", () => {
  const job = (host: string, type: Job["type"], start: string, end: string) =>
    ({ host, type, window: { start, end } }) as Job;
  it("collects install and synthetic windows per host, and nothing else", () => {
    const m = installWindowsByHost([
      job("h1", "install", "2026-12-10T12:00:00Z", "2026-12-10T16:00:00Z"),
      job("h1", "synthetic", "2026-12-09T02:00:00Z", "2026-12-10T02:00:00Z"),
      job("h1", "healthcheck", "2026-12-10T16:00:00Z", "2026-12-10T17:00:00Z"),
      job("h2", "isolate", "2026-12-10T09:00:00Z", "2026-12-10T10:00:00Z"),
      job("h2", "notify", "2026-12-10T09:00:00Z", "2026-12-10T10:00:00Z"),
      job("h3", "uninstall", "2026-12-10T09:00:00Z", "2026-12-10T10:00:00Z"),
      job("h3", "restart", "2026-12-10T09:00:00Z", "2026-12-10T10:00:00Z"),
    ]);
    expect([...m]).toEqual([
      [
        "h1",
        [
          { start: Date.parse("2026-12-10T12:00:00Z"), end: Date.parse("2026-12-10T16:00:00Z") },
          { start: Date.parse("2026-12-09T02:00:00Z"), end: Date.parse("2026-12-10T02:00:00Z") },
        ],
      ],
    ]);
  });
});

describe("jobEnforcement", () => {
  const policy = { forceInstall: true, forceRestart: true };
  const g = (type: Job["type"], timeline: string, noForce = false) => ({ type, noForce, slot: { timeline } });
  it("forces what the policy forces on a standard or emergency install", () => {
    expect(jobEnforcement(g("install", "standard"), policy)).toEqual({ forceInstall: true, forceRestart: true });
    expect(jobEnforcement(g("install", "emergency"), policy)).toEqual({ forceInstall: true, forceRestart: true });
    expect(jobEnforcement(g("install", "standard"), { forceInstall: false, forceRestart: true })).toEqual({
      forceInstall: false,
      forceRestart: true,
    });
  });
  it("never restarts for the synthetic patch or in the pilot window; forces nothing when exempted from force", () => {
    expect(jobEnforcement(g("synthetic", "standard"), policy)).toEqual({ forceInstall: true, forceRestart: false });
    expect(jobEnforcement(g("install", "pilot"), policy)).toEqual({ forceInstall: true, forceRestart: false });
    expect(jobEnforcement(g("install", "pilot"), { forceInstall: false, forceRestart: true })).toEqual({
      forceInstall: false,
      forceRestart: false,
    });
    expect(jobEnforcement(g("synthetic", "pilot"), { forceInstall: false, forceRestart: true })).toEqual({
      forceInstall: false,
      forceRestart: false,
    });
    expect(jobEnforcement(g("install", "standard", true), policy)).toEqual({
      forceInstall: false,
      forceRestart: false,
    });
  });
});
