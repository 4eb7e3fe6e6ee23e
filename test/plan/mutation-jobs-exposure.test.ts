// Exposure per exploited CVE (plan/exposure.ts), worked by hand: which plan states leave a CVE open (missing, overdue,
// blocked, pending-reboot, failed, exempt, deferred) and which close it (installed, superseded, rejected-installed);
// the CVE filter, sources, earliest date and order of the tally; unscanned hosts; the list limit at the exact count;
// exposure lines from a catalog that grows; and exposure from the inventory's own evidence for updates not approved.
import { describe, expect, it } from "vitest";
import type { ExposureLine, HostResult, UpdateState } from "../../reconciler/model/plan.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import {
  ExposureLines,
  ExposureTally,
  exploitedUpdates,
  exposureOf,
  type ExploitedUpdate,
} from "../../reconciler/plan/exposure.js";
import { hostRecord, inventoryOf } from "../helpers/plan-fixture.js";
import { agentHost, CU } from "./agent-fleet.js";

const fix = (id: string, cves: string[], over: Partial<ExploitedUpdate> = {}): ExploitedUpdate => ({
  id,
  cves,
  sources: ["kev"],
  since: null,
  timeline: "emergency",
  decision: "approved",
  ...over,
});
const line = (host: string, updates: Record<string, UpdateState>, over: Partial<HostResult> = {}): HostResult => ({
  host,
  status: "noncompliant",
  owner: "team-a",
  period: null,
  cluster: null,
  role: null,
  scannedAt: "2026-12-10T04:00:00Z",
  baselines: [],
  counts: {},
  updates,
  aboveBaseline: [],
  ...over,
});

const OPEN_STATES: UpdateState[] = ["missing", "overdue", "blocked", "pending-reboot", "failed", "exempt", "deferred"];
const FIXED_STATES: UpdateState[] = ["installed", "superseded", "rejected-installed"];

describe("ExposureTally", () => {
  it("CVEs in code-point order (upper-cased), each with its updates in id order, sources merged, the earliest date", () => {
    const t = new ExposureTally(
      [
        fix("KB3", ["cve-2026-0002"], { sources: ["msrc", "kev"], since: "2026-12-03" }),
        fix("KB1", ["CVE-2026-0002", "CVE-2026-0001"], { sources: ["kev", "csaf"], since: "2026-12-01" }),
        fix("KB2", ["CVE-2026-0002"], { sources: ["kev"], since: null }),
      ],
      null,
      "2026-12-10T06:00:00Z",
    );
    expect(t.result()).toEqual({
      now: "2026-12-10T06:00:00Z",
      cves: [
        { cve: "CVE-2026-0001", sources: ["csaf", "kev"], since: "2026-12-01", updates: ["KB1"], hosts: [], count: 0 },
        {
          cve: "CVE-2026-0002",
          sources: ["csaf", "kev", "msrc"],
          since: "2026-12-01",
          updates: ["KB1", "KB2", "KB3"],
          hosts: [],
          count: 0,
        },
      ],
      exposedHosts: 0,
      unscanned: [],
    });
    // No date at all: null. A later date alone is the earliest.
    const later = new ExposureTally(
      [fix("KB2", ["CVE-1"], { since: "2026-12-09" }), fix("KB1", ["CVE-1"], { since: "2026-12-10" })],
      null,
      "n",
    );
    expect(later.result().cves[0]!.since).toBe("2026-12-09");
    expect(new ExposureTally([fix("KB1", ["CVE-1"])], null, "n").result().cves[0]!.since).toBeNull();
  });

  it("one CVE asked for (upper case): only it is counted, whatever case the update names it in", () => {
    const t = new ExposureTally(
      [fix("KB1", ["cve-2026-0002", "CVE-2026-0001"]), fix("KB2", ["CVE-2026-0003"])],
      "CVE-2026-0002",
      "n",
    );
    t.add(line("h1", { KB1: "missing", KB2: "missing" }), false, null);
    const x = t.result();
    expect(x.cves.map((c) => [c.cve, c.updates, c.count])).toEqual([["CVE-2026-0002", ["KB1"], 1]]);
    expect(x.exposedHosts).toBe(1);
    t.add(line("h2", { KB2: "missing" }), false, null);
    expect(t.result().exposedHosts).toBe(1);
  });

  it("every open state exposes, every fixed state closes; not-applicable or unmeasured leaves the host out", () => {
    for (const st of OPEN_STATES) {
      const t = new ExposureTally([fix("KB1", ["CVE-1"])], null, "n");
      t.add(line("h", { KB1: st }), false, null);
      expect(t.result().cves[0]!.hosts).toEqual([
        {
          host: "h",
          owner: "team-a",
          status: "noncompliant",
          estimated: false,
          fixes: [{ id: "KB1", state: st, timeline: "emergency" }],
        },
      ]);
    }
    for (const st of [...FIXED_STATES, "not-applicable" as const]) {
      const t = new ExposureTally([fix("KB1", ["CVE-1"])], null, "n");
      t.add(line("h", { KB1: st }), false, null);
      expect(t.result().cves[0]!.count).toBe(0);
      expect(t.result().exposedHosts).toBe(0);
    }
    // A fix installed closes the CVE even when another fix is missing; the missing one alone leaves it open.
    const t = new ExposureTally([fix("KB1", ["CVE-1"]), fix("KB2", ["CVE-1"], { timeline: "standard" })], null, "n");
    t.add(line("a", { KB1: "missing", KB2: "superseded" }), false, null);
    t.add(line("b", { KB1: "not-applicable", KB2: "failed" }), true, null);
    t.add(line("c", {}), false, null);
    t.add(line("d", { KB1: "deferred", KB2: "exempt" }, { status: "stale", owner: null }), false, null);
    expect(t.result().cves[0]!.hosts).toEqual([
      {
        host: "b",
        owner: "team-a",
        status: "noncompliant",
        estimated: true,
        fixes: [{ id: "KB2", state: "failed", timeline: "standard" }],
      },
      {
        host: "d",
        owner: null,
        status: "stale",
        estimated: false,
        fixes: [
          { id: "KB1", state: "deferred", timeline: "emergency" },
          { id: "KB2", state: "exempt", timeline: "standard" },
        ],
      },
    ]);
    expect(t.result().exposedHosts).toBe(2);
  });

  it("a host exposed to two CVEs counts once; unscanned hosts are listed apart and never exposed", () => {
    const t = new ExposureTally([fix("KB1", ["CVE-1", "CVE-2"])], null, "n");
    t.add(line("h", { KB1: "missing" }), false, null);
    t.add(line("u", { KB1: "missing" }, { status: "unscanned" }), false, null);
    const x = t.result();
    expect(x.cves.map((c) => c.count)).toEqual([1, 1]);
    expect(x.exposedHosts).toBe(1);
    expect(x.unscanned).toEqual(["u"]);
  });

  it("the host's own evidence for what the plan did not measure: fixed, open (approved: missing; else not approved)", () => {
    const updates = [
      fix("KB1", ["CVE-1"]),
      fix("KB2", ["CVE-2"], { decision: "pending" }),
      fix("KB3", ["CVE-3"], { decision: "rejected" }),
      fix("KB4", ["CVE-4"]),
    ];
    const t = new ExposureTally(updates, null, "n");
    const evidence = (u: ExploitedUpdate) => (u.id === "KB4" ? "fixed" : "open");
    // KB1 is measured by the plan (installed): the plan's word wins over the evidence.
    t.add(line("h", { KB1: "installed" }), false, evidence);
    t.add(line("n", {}), false, (u) => (u.id === "KB2" ? null : "fixed"));
    expect(
      t.result().cves.map((c) => [c.cve, c.hosts.flatMap((h) => h.fixes.map((f) => `${h.host} ${f.id} ${f.state}`))]),
    ).toEqual([
      ["CVE-1", []],
      ["CVE-2", ["h KB2 not approved (pending)"]],
      ["CVE-3", ["h KB3 not approved (rejected)"]],
      ["CVE-4", []],
    ]);
    const open = new ExposureTally([fix("KB1", ["CVE-1"])], null, "n");
    open.add(line("h", {}), false, () => "open");
    expect(open.result().cves[0]!.hosts[0]!.fixes).toEqual([{ id: "KB1", state: "missing", timeline: "emergency" }]);
  });

  it("lists at most its limit, exactly: the limit-th host is listed, the next only counted", () => {
    const t = new ExposureTally([fix("KB1", ["CVE-1"])], null, "n", 2);
    for (const h of ["a", "b", "c"]) t.add(line(h, { KB1: "missing" }), false, null);
    expect(t.result().cves[0]!.hosts.map((h) => h.host)).toEqual(["a", "b"]);
    expect(t.result().cves[0]!.count).toBe(3);
  });

  it("addLine: only the tally's CVEs, own keys only, the plan's timeline or standard, estimated only when true", () => {
    const t = new ExposureTally([fix("KB1", ["CVE-1"]), fix("KB2", ["CVE-2"])], null, "n");
    const x = (host: string, cves: ExposureLine["cves"], over: Partial<ExposureLine> = {}): ExposureLine => ({
      host,
      owner: "o",
      status: "noncompliant",
      cves,
      ...over,
    });
    t.addLine(x("a", { "CVE-1": { KB1: "missing", KB9: "failed" } }, { estimated: true }));
    t.addLine(x("b", { "CVE-9": { KB1: "missing" } }));
    t.addLine(x("c", JSON.parse('{"__proto__": {"KB1": "missing"}}') as ExposureLine["cves"]));
    t.addLine(x("d", { "CVE-1": { KB1: "overdue" }, "CVE-2": { KB2: "blocked" } }));
    const r = t.result();
    expect(r.cves.map((c) => [c.cve, c.count, c.hosts])).toEqual([
      [
        "CVE-1",
        2,
        [
          {
            host: "a",
            owner: "o",
            status: "noncompliant",
            estimated: true,
            fixes: [
              { id: "KB1", state: "missing", timeline: "emergency" },
              { id: "KB9", state: "failed", timeline: "standard" },
            ],
          },
          {
            host: "d",
            owner: "o",
            status: "noncompliant",
            estimated: false,
            fixes: [{ id: "KB1", state: "overdue", timeline: "emergency" }],
          },
        ],
      ],
      [
        "CVE-2",
        1,
        [
          {
            host: "d",
            owner: "o",
            status: "noncompliant",
            estimated: false,
            fixes: [{ id: "KB2", state: "blocked", timeline: "emergency" }],
          },
        ],
      ],
    ]);
    expect(r.exposedHosts).toBe(2);
  });
});

const entry = (
  id: string,
  over: Partial<CatalogEntry> & { exploited?: boolean; cves?: string[] } = {},
): CatalogEntry => {
  const { exploited = true, cves = ["CVE-2026-0001"], ...rest } = over;
  return {
    id,
    spec: {
      id,
      cves,
      appliesTo: { os: [{ family: "windows", names: ["Windows Server 2022"] }] },
      ...(exploited ? { exploited: { sources: ["kev"], since: "2026-12-01" } } : {}),
    },
    decision: "approved",
    timeline: "emergency",
    supersededBy: new Set<string>(),
    ...rest,
  } as unknown as CatalogEntry;
};

describe("exploitedUpdates", () => {
  it("only entries whose Update file says exploited, with their facts; since null when not given", () => {
    const catalog = new Map([
      ["KB1", entry("KB1", { decision: "pending", timeline: "standard" })],
      ["KB2", entry("KB2", { exploited: false })],
    ]);
    const noSince = entry("KB3");
    (noSince.spec as { exploited: { sources: string[]; since?: string } }).exploited = { sources: ["msrc"] };
    catalog.set("KB3", noSince);
    expect(exploitedUpdates(catalog)).toEqual([
      {
        id: "KB1",
        cves: ["CVE-2026-0001"],
        sources: ["kev"],
        since: "2026-12-01",
        timeline: "standard",
        decision: "pending",
      },
      {
        id: "KB3",
        cves: ["CVE-2026-0001"],
        sources: ["msrc"],
        since: null,
        timeline: "emergency",
        decision: "approved",
      },
    ]);
  });
});

describe("ExposureLines", () => {
  it("from a catalog: indexed at once, made again when the catalog grows", () => {
    const catalog = new Map([["KB1", entry("KB1")]]);
    const lines = new ExposureLines(catalog);
    const h = line("h", {}, { estimated: true });
    expect(lines.lineOf(h, new Map([["KB1", "missing"]]))).toEqual({
      host: "h",
      owner: "team-a",
      status: "noncompliant",
      estimated: true,
      cves: { "CVE-2026-0001": { KB1: "missing" } },
    });
    // An update agents reported later, exploited by a reviewed advisory: the index is made again.
    catalog.set("KB2", entry("KB2", { cves: ["CVE-2026-0002"] }));
    expect(lines.lineOf(line("h", {}), new Map([["KB2", "failed"]]))).toEqual({
      host: "h",
      owner: "team-a",
      status: "noncompliant",
      cves: { "CVE-2026-0002": { KB2: "failed" } },
    });
    // An empty catalog, or unscanned: no line.
    expect(new ExposureLines(new Map()).lineOf(line("h", {}), new Map([["KB1", "missing"]]))).toBeNull();
    expect(lines.lineOf(line("h", {}, { status: "unscanned" }), new Map([["KB1", "missing"]]))).toBeNull();
  });

  it("from exploited updates: open CVEs only, fixes in id order; a fixed one closes its CVE", () => {
    const lines = new ExposureLines([fix("KB2", ["CVE-1"]), fix("KB1", ["CVE-1"]), fix("KB3", ["CVE-2"])]);
    expect(
      lines.lineOf(
        line("h", {}),
        new Map<string, UpdateState>([
          ["KB1", "exempt"],
          ["KB2", "pending-reboot"],
          ["KB3", "installed"],
        ]),
      ),
    ).toEqual({
      host: "h",
      owner: "team-a",
      status: "noncompliant",
      cves: { "CVE-1": { KB1: "exempt", KB2: "pending-reboot" } },
    });
    expect(lines.lineOf(line("h", {}), new Map([["KB3", "superseded"]]))).toBeNull();
  });
});

describe("exposureOf: a plan in memory and the inventory it was made from", () => {
  const NOW = Date.parse("2026-12-10T06:00:00Z");
  it("judges updates the plan did not measure from each host's own record", () => {
    const catalog = new Map([
      ["KB1", entry("KB1", { decision: "pending" })],
      ["KB2", entry("KB2", { cves: ["CVE-2026-0002"], supersededBy: new Set(["KB9"]) })],
      ["KB3", entry("KB3", { cves: ["CVE-2026-0003"], agentReported: true })],
      ["KB4", entry("KB4", { cves: ["CVE-2026-0004"], exploited: false })],
    ]);
    const inventory = inventoryOf([
      hostRecord("web-01"),
      hostRecord("web-02", { installed: ["KB1", "KB9"] }),
      hostRecord("lin-01", { os: { family: "linux", name: "Ubuntu 22.04", version: "22.04" } }),
      agentHost("agent-01", [{ ...CU(), kbs: ["KB3"] }]),
    ]);
    const x = exposureOf({
      now: NOW,
      catalog,
      hosts: [
        line("WEB-01", {}),
        line("web-02", {}),
        line("lin-01", {}),
        line("agent-01", {}),
        line("gone", { KB1: "missing" }),
      ],
      inventory,
      cve: null,
    });
    expect(x.now).toBe("2026-12-10T06:00:00Z");
    expect(
      x.cves.map((c) => [c.cve, c.hosts.map((h) => `${h.host} ${h.estimated} ${h.fixes.map((f) => f.state).join()}`)]),
    ).toEqual([
      ["CVE-2026-0001", ["WEB-01 true not approved (pending)", "gone false missing"]],
      ["CVE-2026-0002", ["WEB-01 true missing"]],
      ["CVE-2026-0003", ["agent-01 false missing"]],
    ]);
    expect(x.exposedHosts).toBe(3);
    // With milliseconds, the instant keeps them.
    expect(exposureOf({ now: NOW + 5, catalog, hosts: [], inventory, cve: "CVE-2026-0003" })).toEqual({
      now: "2026-12-10T06:00:00.005Z",
      cves: [{ cve: "CVE-2026-0003", sources: ["kev"], since: "2026-12-01", updates: ["KB3"], hosts: [], count: 0 }],
      exposedHosts: 0,
      unscanned: [],
    });
  });
});
