// Edges the other mutation-timing tests leave open: findings point at the line of the Update file a real loader read
// (its `pilot:` for the pilot, its `decision:` for late approvals), and the reference collection's combinations do
// not depend on the order hosts or their products are listed in.
import { describe, expect, it } from "vitest";
import { fromNative } from "../../reconciler/inventory/host-record.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import type { PatchPolicySpec } from "../../reconciler/model/policy.js";
import type { UpdateSpec } from "../../reconciler/model/update.js";
import type { LoadedDoc } from "../../reconciler/model/policy-set.js";
import type { TimetableSpec } from "../../reconciler/model/timetable.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { HostContext } from "../../reconciler/plan/hosts.js";
import { SlaWatch } from "../../reconciler/plan/late-approval.js";
import { pilotFindings, type PilotVerdict } from "../../reconciler/plan/pilot.js";
import { referenceCollection } from "../../reconciler/plan/reference-collection.js";
import { loadPolicySet } from "../../reconciler/load/policy-set.js";
import { memorySource } from "../helpers/memory-source.js";
import { hostRecord } from "../helpers/plan-fixture.js";

// Line 11 holds `decision: approved`; `pilot:` is on line 15 and its value (a mapping) starts on line 16 (counted by
// hand): a finding points at the value.
const KB7_YAML = `apiVersion: patchops/v1
kind: Update
metadata:
  name: kb7
spec:
  id: KB7
  title: Standard update KB7
  classification: security
  severity: important
  released: 2026-12-08
  decision: approved
  appliesTo:
    os: [{ family: windows }]
  restart: required
  pilot:
    override: proceed
    reason: fails only on the lab image
`;

async function kb7(): Promise<CatalogEntry> {
  const { set } = await loadPolicySet(memorySource({ "policies/updates/kb7.yaml": KB7_YAML }));
  const doc = set.updates.find((u) => u.spec.id === "KB7") as LoadedDoc<UpdateSpec>;
  return {
    id: "KB7",
    spec: doc.spec,
    doc,
    decisionFile: "elsewhere.yaml",
    timeline: "standard",
    approvedAt: Date.parse("2026-12-01T00:00:00Z"),
  } as unknown as CatalogEntry;
}

describe("findings at the Update file's line", () => {
  it("a pilot finding points at `pilot:`, a late-approval finding at `decision:`", async () => {
    const e = await kb7();
    const v: PilotVerdict = {
      state: "overridden",
      hosts: 2,
      installed: 0,
      ratio: 0,
      required: 1,
      failedHosts: ["a", "b"],
      awaitingHosts: [],
      passedAt: null,
    };
    const [pilot] = pilotFindings(new Map([["KB7", v]]), new Map([["KB7", e]]));
    expect([pilot!.code, pilot!.file, pilot!.line]).toEqual(["pilot-overridden", "policies/updates/kb7.yaml", 16]);
    const w = new SlaWatch();
    const window = { start: Date.parse("2026-12-10T00:00:00Z"), end: Date.parse("2026-12-10T04:00:00Z") };
    const slaBy = Date.parse("2026-12-08T00:00:00Z");
    w.record(e, "h", { timeline: "standard", window, dueBy: window.end, slaBy, overdue: false, late: "skipped" });
    expect(w.findings(7, new Set()).map((d) => [d.code, d.file, d.line])).toEqual([
      ["pilot-skipped", "policies/updates/kb7.yaml", 11],
      ["sla-at-risk", "policies/updates/kb7.yaml", 11],
    ]);
  });
});

describe("reference collection, order of the fleet", () => {
  const TT: TimetableSpec = {
    timeZone: "UTC",
    cycle: { anchor: { weekday: "tuesday", nth: 2 }, offsetDays: 2, startTime: "00:00", days: 4, periodHours: 4 },
    emergency: { periodHours: 1, followUpHours: 3 },
    windows: [],
  };
  function host(name: string, cluster: string | null, products: InventoryRecord["products"]): HostContext {
    const h = new HostContext(name);
    h.entry = { name, period: "D1-00", role: "db", ...(cluster ? { cluster } : {}) } as HostContext["entry"];
    h.record = fromNative(hostRecord(name, { products }), "memory:1");
    h.timetable = { spec: TT } as HostContext["timetable"];
    return h;
  }
  const SQL = { name: "SQL Server 2022", version: "16.0.4135.4" };
  const IIS = { name: "IIS", version: "10.0" };
  const auto = { pilot: { minSuccessRatio: 1, hosts: "auto" } } as PatchPolicySpec;
  const managed = new Set(["sql server 2022", "iis"]);

  it("combinations are worked in their sorted order, not the fleet's: the SQL node takes the cluster", () => {
    // Key with products ["sql server 2022"] sorts before the key with none ('"' < ']').
    const fleet = [host("sql-2", "sqlc", []), host("sql-1", "sqlc", [SQL])];
    expect([...referenceCollection(fleet, auto, managed, () => true)]).toEqual(["sql-1"]);
  });

  it("products listed in another order are one combination", () => {
    const fleet = [host("a", null, [SQL, IIS]), host("b", null, [IIS, SQL])];
    expect([...referenceCollection(fleet, auto, managed, () => true)]).toEqual(["a"]);
  });
});
