// Assignment selectors and the host list (plan/targeting.ts, plan/hosts.ts) on a policy validated in memory and
// records read by the real native reader. Periods are FNV-1a shards of "period:<name>", worked outside patchops:
// with 4 periods web-01 → 1st, web-02 → 2nd, web-03 → 3rd, web-04 → 4th, web-05 → 1st; sql-a → 1st, sql-b → 2nd,
// sql-c → 3rd, sql-d → 4th; with 3 periods web-01 → 1st, web-02 → 1st, web-03 → 2nd.
import { describe, expect, it } from "vitest";
import { fromNative, type HostRecord, type Inventory } from "../../reconciler/inventory/host-record.js";
import type { PolicySet } from "../../reconciler/load/policy-set.js";
import type { HostSelector } from "../../reconciler/model/assignment.js";
import type { InventoryRecord } from "../../reconciler/model/inventory.js";
import { hostContexts, partialNames, periodPath } from "../../reconciler/plan/hosts.js";
import { selectHosts, selectorCounts, selectorMatches } from "../../reconciler/plan/targeting.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { memorySource } from "../helpers/memory-source.js";
import { fixtureFiles, hostRecord, inventoryOf } from "../helpers/plan-fixture.js";

const NOW = Date.parse("2026-12-10T09:00:00Z");

/** The minimal fixture with `files` over it, validated; `allow`: error codes the case contains on purpose. */
async function policy(files: Record<string, string | null>, allow: string[] = []): Promise<PolicySet> {
  const all: Record<string, string> = fixtureFiles("minimal");
  for (const [p, t] of Object.entries(files)) {
    if (t === null) delete all[p];
    else all[p] = t;
  }
  const { set, diagnostics } = await validateSource(memorySource(all), NOW);
  expect(diagnostics.filter((d) => d.severity === "error" && !allow.includes(d.code))).toEqual([]);
  return set;
}

const assignment = (name: string, body: string) =>
  `apiVersion: patchops/v1\nkind: Assignment\nmetadata:\n  name: ${name}\nspec:\n  owner: ${name}\n  timetable: dc\n${body}`;
const P4 = "[D1-04, D2-04, D3-04, D4-04]";
const rec = (host: string, over: Partial<InventoryRecord> = {}) => hostRecord(host, over);

describe("selectorMatches", () => {
  const r: HostRecord = fromNative(
    rec("Web-01", { role: "iis", labels: { env: "prod", tier: "front" } } as Partial<InventoryRecord>),
    "m:1",
  );
  const sel = (match: HostSelector["match"]): HostSelector => ({ match, periods: ["D1-04"] });
  it("every given condition must hold; none given matches every host", () => {
    expect(selectorMatches(sel({}), r)).toBe(true);
    expect(selectorMatches(sel({ name: "web-*" }), r)).toBe(true);
    expect(selectorMatches(sel({ name: "db-*" }), r)).toBe(false);
    expect(selectorMatches(sel({ os: "windows" }), r)).toBe(true);
    expect(selectorMatches(sel({ os: "linux" }), r)).toBe(false);
    expect(selectorMatches(sel({ osName: "windows server 2022" }), r)).toBe(true);
    expect(selectorMatches(sel({ osName: "Windows Server 2019" }), r)).toBe(false);
    expect(selectorMatches(sel({ osVersion: ">=10.0.20348 <10.0.20349" }), r)).toBe(true);
    expect(selectorMatches(sel({ osVersion: "<10.0.20348.2113" }), r)).toBe(false);
    expect(selectorMatches(sel({ role: "iis" }), r)).toBe(true);
    expect(selectorMatches(sel({ role: "sql" }), r)).toBe(false);
    expect(selectorMatches(sel({ labels: { env: "prod" } }), r)).toBe(true);
    expect(selectorMatches(sel({ labels: { env: "prod", tier: "front" } }), r)).toBe(true);
    expect(selectorMatches(sel({ labels: { env: "prod", tier: "back" } }), r)).toBe(false);
    expect(selectorMatches(sel({ labels: { owner: "x" } }), r)).toBe(false);
    // All together, and one wrong among them.
    const all = { name: "WEB-*", os: "windows", osName: "Windows Server 2022", role: "iis", labels: { env: "prod" } };
    expect(selectorMatches(sel(all as HostSelector["match"]), r)).toBe(true);
    expect(selectorMatches(sel({ ...all, role: "x" } as HostSelector["match"]), r)).toBe(false);
  });

  it("a host without an OS name matches no osName; without a role no role", () => {
    const bare = fromNative(rec("h", { os: { family: "linux", version: "9.4" } }), "m:2");
    expect(selectorMatches(sel({ osName: "x" }), bare)).toBe(false);
    expect(selectorMatches(sel({ role: "x" }), bare)).toBe(false);
    expect(selectorMatches(sel({ osVersion: ">=9" }), bare)).toBe(true);
  });
});

describe("selectHosts and selectorCounts", () => {
  it("no selector anywhere: nobody is selected", async () => {
    const set = await policy({});
    expect(selectHosts(set, inventoryOf([rec("web-01")])).size).toBe(0);
  });

  it("a stable period per host, named hosts (any case) excluded, the first matching selector and file win", async () => {
    const set = await policy(
      {
        "windows/assignments/team-a.yaml": assignment(
          "team-a",
          "  hosts:\n    - { name: host-01, period: D1-04 }\n    - { name: web-named, period: D2-04 }\n",
        ),
        "windows/assignments/team-b.yaml": assignment(
          "team-b",
          `  selectors:\n    - match: { name: "web-*", labels: { env: prod } }\n      periods: ${P4}\n    - match: { os: linux }\n      periods: [D3-16]\n`,
        ),
        "windows/assignments/team-c.yaml": assignment(
          "team-c",
          `  selectors:\n    - match: { name: "web-0*" }\n      periods: [D2-16, D3-16, D4-16]\n    - match: { name: "none-*" }\n      periods: [D4-16]\n`,
        ),
      },
      ["selector-overlap"],
    );
    const prod = { labels: { env: "prod" } } as Partial<InventoryRecord>;
    const inv = inventoryOf([
      rec("web-05", prod),
      rec("web-01", { ...prod, role: "iis", cluster: undefined } as Partial<InventoryRecord>),
      rec("web-02", prod),
      rec("Web-Named", prod),
      rec("web-03"), // not prod: team-c's first selector, 3 periods
      rec("lin-01", { os: { family: "linux", name: "Ubuntu 22.04", version: "22.04" } }),
      rec("db-01"),
    ]);
    const got = selectHosts(set, inv);
    expect([...got].map(([k, s]) => [k, s.assignment.name, s.selectorIndex, s.entry.name, s.entry.period])).toEqual([
      ["lin-01", "team-b", 1, "lin-01", "D3-16"],
      ["web-01", "team-b", 0, "web-01", "D1-04"],
      ["web-02", "team-b", 0, "web-02", "D2-04"],
      ["web-03", "team-c", 0, "web-03", "D3-16"],
      ["web-05", "team-b", 0, "web-05", "D1-04"],
    ]);
    // The entry carries what the inventory reports: role, labels; no cluster, no empty labels.
    expect(got.get("web-01")!.entry).toEqual({ name: "web-01", period: "D1-04", role: "iis", labels: { env: "prod" } });
    expect(got.get("web-03")!.entry).toEqual({ name: "web-03", period: "D3-16" });
    expect(selectorCounts(set, inv)).toEqual([
      { file: "windows/assignments/team-b.yaml", selector: 0, hosts: 3 },
      { file: "windows/assignments/team-b.yaml", selector: 1, hosts: 1 },
      { file: "windows/assignments/team-c.yaml", selector: 0, hosts: 1 },
      { file: "windows/assignments/team-c.yaml", selector: 1, hosts: 0 },
    ]);
  });

  it("the hash is of the lower-case name: Web-01 of five periods takes the 4th, as web-01 does", async () => {
    const set = await policy({
      "windows/assignments/team-b.yaml": assignment(
        "team-b",
        `  selectors:\n    - match: { name: "web-*" }\n      periods: [D1-04, D2-04, D3-04, D1-16, D2-16]\n`,
      ),
    });
    // FNV-1a of "period:web-01" mod 5 = 3 ("period:WEB-01" would give 4).
    expect(selectHosts(set, inventoryOf([rec("Web-01")])).get("web-01")!.entry.period).toBe("D1-16");
  });

  it("the nodes of one cluster take the next free day, counting named nodes; with no day left the hash stands", async () => {
    const set = await policy({
      "windows/assignments/team-a.yaml": assignment(
        "team-a",
        "  hosts:\n    - { name: host-01, period: D1-04, cluster: sqlc }\n    - { name: host-02, period: D3-04 }\n",
      ),
      "windows/assignments/team-b.yaml": assignment(
        "team-b",
        `  selectors:\n    - match: { name: "sql-*" }\n      periods: ${P4}\n`,
      ),
    });
    const node = (h: string) => rec(h, { cluster: "sqlc" } as Partial<InventoryRecord>);
    // In inventory order SQL-B comes before sql-a; in host order (lower-case) after it.
    const got = selectHosts(set, inventoryOf([node("sql-d"), node("SQL-B"), node("sql-a"), node("sql-c")]));
    // host-01 holds day 1. sql-a: hash D1 taken → D2; SQL-B: hash D2 taken → D3; sql-c: hash D3 taken → D4;
    // sql-d: hash D4, every day taken → D4 (cluster safety reports it).
    expect([...got].map(([k, s]) => [k, s.entry.period, s.entry.cluster])).toEqual([
      ["sql-a", "D2-04", "sqlc"],
      ["sql-b", "D3-04", "sqlc"],
      ["sql-c", "D4-04", "sqlc"],
      ["sql-d", "D4-04", "sqlc"],
    ]);
  });

  it("one day is one day whatever the hour; a cluster the assignments never name starts empty", async () => {
    const set = await policy({
      "windows/assignments/team-b.yaml": assignment(
        "team-b",
        `  selectors:\n    - match: { name: "web-*" }\n      periods: [D1-04, D1-16, D2-04]\n`,
      ),
    });
    const node = (h: string) => rec(h, { cluster: "pair" } as Partial<InventoryRecord>);
    // web-01: hash 1st (D1-04), free. web-02: hash 1st (D1-04), day 1 taken; D1-16 is day 1 too → D2-04.
    // web-03: hash 2nd (D1-16), days 1 and 2 taken → stays D1-16.
    const got = selectHosts(set, inventoryOf([node("web-01"), node("web-02"), node("web-03")]));
    expect([...got.values()].map((s) => s.entry.period)).toEqual(["D1-04", "D2-04", "D1-16"]);
  });
});

describe("days of periods the dc timetable lacks (validate reports them; the plan still runs)", () => {
  it("a two-digit day is one day whatever the hour; a recurring window is its own day", async () => {
    const set = await policy(
      {
        "windows/assignments/team-b.yaml": assignment(
          "team-b",
          `  selectors:\n    - match: { name: "web-*" }\n      periods: [D10-04, D10-16, D11-04]\n    - match: { name: "db-*" }\n      periods: [sunday-window, monday-window]\n`,
        ),
      },
      ["unknown-period"],
    );
    const node = (h: string) => rec(h, { cluster: "pair" } as Partial<InventoryRecord>);
    // web-01 and web-02 both hash to the 1st period (3 periods): web-02 passes D10-16 (day 10 too) for D11-04.
    const got = selectHosts(set, inventoryOf([node("web-01"), node("web-02"), node("db-01")]));
    expect([...got.values()].map((s) => s.entry.period)).toEqual(["sunday-window", "D10-04", "D11-04"]);
  });
});

describe("hostContexts", () => {
  it("assigned, selected and scanned hosts in lower-case name order, each with its assignment and timetable", async () => {
    const set = await policy(
      {
        "windows/assignments/team-a.yaml": assignment(
          "team-a",
          "  hosts:\n    - { name: Host-01, period: D1-04, role: app, cluster: c1 }\n    - { name: host-02, period: D3-04 }\n",
        ),
        "windows/assignments/team-b.yaml": assignment(
          "team-b",
          `  hosts:\n    - { name: HOST-01, period: D2-04 }\n  selectors:\n    - match: { name: "web-*" }\n      periods: ${P4}\n`,
        ),
        "baselines/apps.yaml":
          "apiVersion: patchops/v1\nkind: Baseline\nmetadata:\n  name: apps\nspec:\n  selector: { role: app }\n  revision: 2026-01-01\n",
        "baselines/all.yaml":
          "apiVersion: patchops/v1\nkind: Baseline\nmetadata:\n  name: all\nspec:\n  selector: {}\n  revision: 2026-01-01\n",
      },
      ["host-assigned-twice"],
    );
    const inv: Inventory = inventoryOf([rec("host-01"), rec("web-02"), rec("rogue"), rec("xa"), rec("X_1")]);
    inv.malformed.set("m1", { host: "host-02", reason: "line 9: not JSON" } as never);
    inv.malformed.set("m2", { host: "ghost", reason: "line 10: no os" } as never);
    const hs = hostContexts(set, inv);
    expect(
      hs.map((h) => [
        h.name,
        h.assignment?.name ?? null,
        h.entryIndex,
        h.selectorIndex,
        h.timetable?.name ?? null,
        h.record?.host ?? null,
        h.malformed,
        h.baselines.map((b) => b.name),
      ]),
    ).toEqual([
      ["ghost", null, -1, -1, null, null, "line 10: no os", ["all"]],
      // The first assignment wins over a second entry of the same host (validate reports it); its own spelling stays.
      ["Host-01", "team-a", 0, -1, "dc", "host-01", null, ["all", "apps"]],
      ["host-02", "team-a", 1, -1, "dc", null, "line 9: not JSON", ["all"]],
      ["rogue", null, -1, -1, null, "rogue", null, ["all"]],
      ["web-02", "team-b", -1, 0, "dc", "web-02", null, ["all"]],
      // By lower-case name: "x_1" before "xa" ('_' is 0x5F, 'a' 0x61), though "XA" < "X_1" upper-case.
      ["X_1", null, -1, -1, null, "X_1", null, ["all"]],
      ["xa", null, -1, -1, null, "xa", null, ["all"]],
    ]);
    const [ghost, h1, h2, rogue, web] = hs;
    expect(h1!.facts).toEqual({
      name: "Host-01",
      os: "windows",
      role: "app",
      owner: "team-a",
      cluster: "c1",
      labels: {},
    });
    expect(ghost!.facts).toEqual({ name: "ghost", os: null, role: null, owner: null, cluster: null, labels: {} });
    expect(web!.entry).toEqual({ name: "web-02", period: "D2-04" });
    // Hosts with the same baselines share one list.
    expect(ghost!.baselines).toBe(rogue!.baselines);
    expect(h2!.baselines).toBe(ghost!.baselines);
    expect(periodPath(h1!)).toEqual(["spec", "hosts", 0, "period"]);
    expect(periodPath(h2!)).toEqual(["spec", "hosts", 1, "period"]);
    expect(periodPath(web!)).toEqual(["spec", "selectors", 0, "periods"]);
  });

  it("hosts with different baselines never share a list, even as many", async () => {
    const set = await policy({
      "windows/assignments/team-a.yaml": assignment(
        "team-a",
        "  hosts:\n    - { name: a1, period: D1-04, role: app }\n    - { name: d1, period: D1-04, role: db }\n",
      ),
      "baselines/apps.yaml":
        "apiVersion: patchops/v1\nkind: Baseline\nmetadata:\n  name: apps\nspec:\n  selector: { role: app }\n  revision: 2026-01-01\n",
      "baselines/dbs.yaml":
        "apiVersion: patchops/v1\nkind: Baseline\nmetadata:\n  name: dbs\nspec:\n  selector: { role: db }\n  revision: 2026-01-01\n",
    });
    expect(hostContexts(set, inventoryOf([])).map((h) => [h.name, h.baselines.map((b) => b.name)])).toEqual([
      ["a1", ["apps"]],
      ["d1", ["dbs"]],
    ]);
  });

  it("a host named by an entry is not selected; an assignment of an unknown timetable gives its hosts none", async () => {
    const set = await policy(
      {
        "windows/assignments/team-a.yaml": assignment("team-a", "  hosts:\n    - { name: web-01, period: D1-04 }\n"),
        "windows/assignments/team-b.yaml": assignment(
          "team-b",
          `  selectors:\n    - match: { name: "web-*" }\n      periods: ${P4}\n`,
        ),
        "windows/assignments/team-c.yaml": assignment(
          "team-c",
          "  hosts:\n    - { name: z1, period: D1-04 }\n",
        ).replace("timetable: dc", "timetable: nowhere"),
        "windows/assignments/team-d.yaml": assignment(
          "team-d",
          `  selectors:\n    - match: { name: "q*" }\n      periods: [D1-04]\n`,
        ).replace("timetable: dc", "timetable: nowhere"),
      },
      ["unknown-timetable", "unknown-period"],
    );
    const hs = hostContexts(set, inventoryOf([rec("web-01"), rec("web-02"), rec("q1")]));
    expect(
      hs.map((h) => [h.name, h.assignment!.name, h.entryIndex, h.selectorIndex, h.timetable?.name ?? null]),
    ).toEqual([
      ["q1", "team-d", -1, 0, null],
      ["web-01", "team-a", 0, -1, "dc"],
      ["web-02", "team-b", -1, 0, "dc"],
      ["z1", "team-c", 0, -1, null],
    ]);
  });

  it("a partial plan holds the asked hosts, their clusters' nodes (named or selected) and the reference", async () => {
    const set = await policy({
      "windows/assignments/team-a.yaml": assignment(
        "team-a",
        "  hosts:\n    - { name: a1, period: D1-04, cluster: ca }\n    - { name: A2, period: D2-04, cluster: ca }\n    - { name: b1, period: D1-04, cluster: cb }\n    - { name: x1, period: D3-04 }\n    - { name: y1, period: D3-04 }\n",
      ),
      "windows/assignments/team-b.yaml": assignment(
        "team-b",
        `  selectors:\n    - match: { name: "sql-*" }\n      periods: ${P4}\n`,
      ),
    });
    const inv = inventoryOf([
      rec("a1"),
      rec("sql-a", { cluster: "ca" } as Partial<InventoryRecord>),
      rec("sql-b", { cluster: "cb" } as Partial<InventoryRecord>),
      rec("sql-c"),
      rec("y1"),
    ]);
    const selected = selectHosts(set, inv);
    inv.malformed.set("m1", { host: "outside", reason: "bad" } as never);
    const scope = { hosts: new Set(["a1"]), reference: ["Y1"] };
    expect([...partialNames(set, selected, scope)].sort()).toEqual(["a1", "a2", "sql-a", "y1"]);
    expect(hostContexts(set, inv, scope).map((h) => h.name)).toEqual(["a1", "A2", "sql-a", "y1"]);
    // A host outside every cluster: only itself and the reference.
    expect([...partialNames(set, selected, { hosts: new Set(["x1"]), reference: [] })]).toEqual(["x1"]);
    // Asked by a selected node: its cluster's named nodes come along.
    expect([...partialNames(set, selected, { hosts: new Set(["sql-b"]), reference: [] })].sort()).toEqual([
      "b1",
      "sql-b",
    ]);
  });
});
