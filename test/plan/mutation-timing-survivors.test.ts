// Mutants the first Stryker run of the timing group left alive, each killed by a hand-worked case: an emergency kept
// first whose window starts exactly where an earlier standard window ends (no clash), the findings' severity, and
// reference combinations that differ only by OS build or baseline name.
import { describe, expect, it } from "vitest";
import { fromNative } from "../../reconciler/inventory/host-record.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import type { Job } from "../../reconciler/model/plan.js";
import type { PatchPolicySpec } from "../../reconciler/model/policy.js";
import type { TimetableSpec } from "../../reconciler/model/timetable.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { holdClusterOverlaps } from "../../reconciler/plan/cluster-safety.js";
import { HostContext } from "../../reconciler/plan/hosts.js";
import { SlaWatch } from "../../reconciler/plan/late-approval.js";
import { referenceCollection } from "../../reconciler/plan/reference-collection.js";
import { hostRecord } from "../helpers/plan-fixture.js";

const job = (id: string, host: string, start: string, end: string, timeline: string) =>
  ({ id, type: "install", host, timeline, updates: ["KB1"], window: { start, end } }) as Job;

describe("holdClusterOverlaps, an emergency kept before an earlier standard window", () => {
  it("touching at the emergency's start: both kept; 1 s of overlap: the standard job is held", () => {
    const clusters = new Map([
      ["n1", "sql"],
      ["n2", "sql"],
    ]);
    const em = job("em", "n1", "2026-12-10T10:00:00Z", "2026-12-10T11:00:00Z", "emergency");
    const touching = job("std", "n2", "2026-12-10T08:00:00Z", "2026-12-10T10:00:00Z", "standard");
    expect(holdClusterOverlaps([touching, em], clusters)).toEqual({ kept: [touching, em], held: [] });
    const over = job("std", "n2", "2026-12-10T08:00:00Z", "2026-12-10T10:00:01Z", "standard");
    expect(holdClusterOverlaps([over, em], clusters)).toEqual({
      kept: [em],
      held: [{ cluster: "sql", first: em, second: over }],
    });
  });
});

describe("SlaWatch findings are warnings", () => {
  it("pilot-skipped and sla-at-risk", () => {
    const e = {
      id: "KB1",
      spec: { id: "KB1", classification: "security" },
      doc: null,
      decisionFile: "policies/updates/kb1.yaml",
      approvedAt: Date.parse("2026-12-01T00:00:00Z"),
    } as unknown as CatalogEntry;
    const w = new SlaWatch();
    const window = { start: Date.parse("2026-12-10T00:00:00Z"), end: Date.parse("2026-12-10T04:00:00Z") };
    const slaBy = Date.parse("2026-12-08T00:00:00Z");
    w.record(e, "h", { timeline: "standard", window, dueBy: window.end, slaBy, overdue: false, late: "skipped" });
    expect(w.findings(7, new Set()).map((d) => [d.code, d.severity])).toEqual([
      ["pilot-skipped", "warning"],
      ["sla-at-risk", "warning"],
    ]);
  });
});

describe("reference combinations by OS build and baseline name", () => {
  const TT: TimetableSpec = {
    timeZone: "UTC",
    cycle: { anchor: { weekday: "tuesday", nth: 2 }, offsetDays: 2, startTime: "00:00", days: 4, periodHours: 4 },
    emergency: { periodHours: 1, followUpHours: 3 },
    windows: [],
  };
  function host(name: string, os: InventoryRecord["os"], baselines: string[] = []): HostContext {
    const h = new HostContext(name);
    h.entry = { name, period: "D1-00", role: "desk" } as HostContext["entry"];
    h.record = fromNative(hostRecord(name, { os }), "memory:1");
    h.timetable = { spec: TT } as HostContext["timetable"];
    h.baselines = baselines.map((b) => ({ name: b })) as HostContext["baselines"];
    return h;
  }
  const auto = { pilot: { minSuccessRatio: 1, hosts: "auto" } } as PatchPolicySpec;
  const W11 = (version: string) => ({ family: "windows" as const, name: "Windows 11 Enterprise", version });

  it("one OS name, two builds (23H2 10.0.22631, 24H2 10.0.26100): two reference hosts", () => {
    const fleet = [host("pc-23h2", W11("10.0.22631.4460")), host("pc-24h2", W11("10.0.26100.2314"))];
    expect([...referenceCollection(fleet, auto, new Set(), () => true)].sort()).toEqual(["pc-23h2", "pc-24h2"]);
  });

  it("two baselines by name: two reference hosts; the same baseline: one", () => {
    const v = W11("10.0.26100.2314");
    const fleet = [host("cis", v, ["cis"]), host("stig", v, ["stig"]), host("cis-2", v, ["cis"])];
    expect([...referenceCollection(fleet, auto, new Set(), () => true)].sort()).toEqual(["cis", "stig"]);
  });
});
