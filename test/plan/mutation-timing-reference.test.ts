// The reference collection (plan/reference-collection.ts): one host per distinct (OS build, role, baselines, managed
// products) combination, never two nodes of one cluster, only hosts scanned, eligible and on a standard cycle. The
// hosts and the expected picks are worked out by hand; records are read by the real native reader.
import { describe, expect, it } from "vitest";
import { fromNative } from "../../reconciler/inventory/host-record.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import type { PatchPolicySpec } from "../../reconciler/model/policy.js";
import type { TimetableSpec } from "../../reconciler/model/timetable.js";
import { HostContext } from "../../reconciler/plan/hosts.js";
import { referenceCollection } from "../../reconciler/plan/reference-collection.js";
import { hostRecord } from "../helpers/plan-fixture.js";

const CYCLE: TimetableSpec = {
  timeZone: "UTC",
  cycle: { anchor: { weekday: "tuesday", nth: 2 }, offsetDays: 2, startTime: "00:00", days: 4, periodHours: 4 },
  emergency: { periodHours: 1, followUpHours: 3 },
  windows: [
    { name: "weekly", rrule: "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0", duration: "PT4H", emergencyPeriod: 1 },
  ],
};
const NO_CYCLE: TimetableSpec = { ...CYCLE, cycle: undefined };
const WS2019 = { family: "windows" as const, name: "Windows Server 2019", version: "10.0.17763.5458" };

interface HostSpec {
  role?: string;
  cluster?: string;
  period?: string;
  baselines?: string[];
  record?: Partial<InventoryRecord> | null;
  timetable?: TimetableSpec | null;
  entry?: boolean;
}
function host(name: string, s: HostSpec = {}): HostContext {
  const h = new HostContext(name);
  if (s.entry !== false)
    h.entry = {
      name,
      period: s.period ?? "D1-00",
      ...(s.role ? { role: s.role } : {}),
      ...(s.cluster ? { cluster: s.cluster } : {}),
    } as HostContext["entry"];
  if (s.record !== null) h.record = fromNative(hostRecord(name, s.record ?? {}), "memory:1");
  if (s.timetable !== null) h.timetable = { spec: s.timetable ?? CYCLE } as HostContext["timetable"];
  h.baselines = (s.baselines ?? []).map((b) => ({ name: b })) as HostContext["baselines"];
  return h;
}
const SQL = { name: "SQL Server 2022", version: "16.0.4135.4" };
const NOTEPAD = { name: "Notepad++", version: "8.6" };
const policy = (hosts: PatchPolicySpec["pilot"]["hosts"]) =>
  ({ pilot: { minSuccessRatio: 1, hosts } }) as PatchPolicySpec;
const PRODUCTS = new Set(["sql server 2022"]);

const FLEET = [
  host("app-1", { role: "app" }),
  // The same build (10.0.20348), another revision, and a product the policy does not manage: app-1's combination.
  host("app-2", {
    role: "app",
    record: { os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2340" }, products: [NOTEPAD] },
  }),
  host("app-2019", { role: "app", record: { os: WS2019 } }),
  host("app-cis", { role: "app", baselines: ["cis"] }),
  host("norole"),
  // sql-1 (SQL listed twice, one combination with sql-4) takes cluster sqlc, so sql-2's combination goes to sql-3.
  host("sql-1", { role: "db", cluster: "sqlc", record: { products: [SQL, SQL] } }),
  host("sql-2", { role: "db", cluster: "sqlc" }),
  host("sql-3", { role: "db" }),
  host("sql-4", { role: "db", record: { products: [SQL] } }),
  host("ineligible", { role: "web" }),
  host("unscanned", { role: "web", record: null }),
  host("unassigned", { role: "web", entry: false }),
  host("no-timetable", { role: "web", timetable: null }),
  host("no-cycle", { role: "web", timetable: NO_CYCLE }),
  host("weekly", { role: "web", period: "weekly" }),
];
const eligible = (h: HostContext) => h.name !== "ineligible";
const sorted = (s: Set<string>) => [...s].sort();

describe("referenceCollection", () => {
  it("auto: one host per combination, in the fleet's order, never a second node of a taken cluster", () => {
    expect(sorted(referenceCollection(FLEET, policy("auto"), PRODUCTS, eligible))).toEqual([
      "app-1",
      "app-2019",
      "app-cis",
      "norole",
      "sql-1",
      "sql-3",
    ]);
  });

  it("auto: a combination whose only hosts are nodes of a taken cluster has no reference host", () => {
    const fleet = [
      host("sql-1", { role: "db", cluster: "sqlc", record: { products: [SQL] } }),
      host("sql-2", { role: "db", cluster: "sqlc" }),
    ];
    expect(sorted(referenceCollection(fleet, policy("auto"), PRODUCTS, () => true))).toEqual(["sql-1"]);
    // Without the product managed the two nodes share one combination: the first.
    expect(sorted(referenceCollection(fleet, policy("auto"), new Set(), () => true))).toEqual(["sql-1"]);
  });

  it("a selector: every matching host of the pool, one node per cluster", () => {
    expect(sorted(referenceCollection(FLEET, policy({ role: "db" }), PRODUCTS, eligible))).toEqual([
      "sql-1",
      "sql-3",
      "sql-4",
    ]);
    // The excluded hosts stay excluded with a selector that names them.
    const named = { hosts: ["ineligible", "unscanned", "unassigned", "no-timetable", "no-cycle", "weekly", "app-1"] };
    expect(sorted(referenceCollection(FLEET, policy(named), PRODUCTS, eligible))).toEqual(["app-1"]);
    // Two clusters: one node of each.
    const two = [
      host("a-1", { role: "db", cluster: "a" }),
      host("a-2", { role: "db", cluster: "a" }),
      host("b-1", { role: "db", cluster: "b" }),
    ];
    expect(sorted(referenceCollection(two, policy({ role: "db" }), PRODUCTS, () => true))).toEqual(["a-1", "b-1"]);
  });
});
