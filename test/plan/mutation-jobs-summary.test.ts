// plan.json's summary (plan/passes/summary.ts) and the merge of shards (plan/merge.ts), on hand-made host lines, jobs
// and plans: counts by status, job type and state (keys in code-point order), a patch counted once per host at its
// worst version, the first pilot job's window, the order of jobs and findings at every tie-break, what summarize
// copies from the catalog and the input, and every way merge refuses shards that are not one run's.
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../reconciler/diagnostics.js";
import type { ExposureLine, HostResult, Job, Plan } from "../../reconciler/model/plan.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import { checkShards, mergeShards, MergeError, type PlanParts } from "../../reconciler/plan/merge.js";
import type { PilotVerdict } from "../../reconciler/plan/pilot.js";
import type { ReconcileInput } from "../../reconciler/plan/passes/context.js";
import type { PilotFacts } from "../../reconciler/plan/passes/pilot-pass.js";
import { compareFindings, compareJobs, summarize, SummaryCounters } from "../../reconciler/plan/passes/summary.js";

const host = (name: string, status: HostResult["status"]): HostResult => ({
  host: name,
  status,
  owner: null,
  period: null,
  cluster: null,
  role: null,
  scannedAt: null,
  baselines: [],
  counts: {},
  updates: {},
  aboveBaseline: [],
});
const job = (id: string, type: Job["type"], start: string, hostName = "h", timeline: Job["timeline"] = "standard") =>
  ({ id, type, host: hostName, timeline, window: { start, end: start.replace("T0", "T1") } }) as Job;
type Finding = Plan["findings"][number];
const finding = (code: string, file: string | null, line: number | null, message: string): Finding =>
  ({ code, severity: "warning", message, file, line }) as Finding;
const U = (over: Partial<Plan["summary"]["updates"][string]> = {}): Plan["summary"]["updates"][string] => ({
  decision: "approved",
  decidedBy: null,
  file: null,
  timeline: "standard",
  approvedAt: null,
  states: {},
  held: null,
  ...over,
});

describe("compareJobs and compareFindings", () => {
  it("jobs by window start, then host, then type, then id", () => {
    const jobs = [
      job("b", "install", "2026-12-12T02:00:00Z", "h1"),
      job("a", "install", "2026-12-12T02:00:00Z", "h1"),
      job("a", "healthcheck", "2026-12-12T02:00:00Z", "h1"),
      job("z", "install", "2026-12-12T02:00:00Z", "h0"),
      job("z", "install", "2026-12-11T02:00:00Z", "h9"),
    ];
    expect(jobs.sort(compareJobs).map((j) => `${j.window.start.slice(8, 10)} ${j.host} ${j.type} ${j.id}`)).toEqual([
      "11 h9 install z",
      "12 h0 install z",
      "12 h1 healthcheck a",
      "12 h1 install a",
      "12 h1 install b",
    ]);
    expect(compareJobs(jobs[0]!, jobs[0]!)).toBe(0);
  });
  it("findings by code, file (none first), line (none as 0), message", () => {
    const fs = [
      finding("b", null, null, "m"),
      finding("a", "f2", 1, "m"),
      finding("a", "f1", 10, "m"),
      finding("a", "f1", 9, "z"),
      finding("a", "f1", 9, "y"),
      finding("a", "f1", null, "x"),
      finding("a", null, 5, "x"),
    ];
    expect(fs.sort(compareFindings).map((f) => `${f.code} ${f.file} ${f.line} ${f.message}`)).toEqual([
      "a null 5 x",
      "a f1 null x",
      "a f1 9 y",
      "a f1 9 z",
      "a f1 10 m",
      "a f2 1 m",
      "b null null m",
    ]);
    // A line 0 and no line tie; so do a file "" and no file.
    expect(compareFindings(finding("a", "", 0, "m"), finding("a", null, null, "m"))).toBe(0);
    expect(compareFindings(finding("a", null, null, "m"), finding("a", "", 0, "m"))).toBe(0);
    // Each way round: the later line after, a missing file before any file.
    expect(compareFindings(finding("a", "f", 10, "m"), finding("a", "f", 9, "m"))).toBeGreaterThan(0);
    expect(compareFindings(finding("a", "f", 9, "m"), finding("a", "f", 10, "m"))).toBeLessThan(0);
    expect(compareFindings(finding("a", "f", 5, "m"), finding("a", "f", null, "m"))).toBeGreaterThan(0);
    expect(compareFindings(finding("a", "f", null, "m"), finding("a", "f", 5, "m"))).toBeLessThan(0);
    expect(compareFindings(finding("a", "A", 1, "m"), finding("a", null, 1, "m"))).toBeGreaterThan(0);
  });
});

describe("SummaryCounters", () => {
  it("counts hosts by status and jobs by type, every key present; the first pilot job in jobs.ndjson order", () => {
    const c = new SummaryCounters();
    for (const [n, s] of [
      ["a", "compliant"],
      ["b", "noncompliant"],
      ["c", "noncompliant"],
      ["d", "stale"],
      ["e", "unscanned"],
    ] as const)
      c.addHost(host(n, s));
    const pilotLate = job("p2", "install", "2026-12-12T02:00:00Z", "ref-1", "pilot");
    const pilotEarly = job("p1", "install", "2026-12-11T02:00:00Z", "ref-2", "pilot");
    const pilotSame = job("p0", "install", "2026-12-11T02:00:00Z", "ref-3", "pilot");
    for (const j of [
      job("s", "synthetic", "2026-12-01T02:00:00Z"),
      pilotLate,
      pilotEarly,
      pilotSame,
      job("i", "isolate", "2026-12-01T02:00:00Z"),
      job("r", "restart", "2026-12-01T02:00:00Z"),
      job("r2", "restart", "2026-12-01T02:00:00Z"),
    ])
      c.addJob(j);
    expect(c.firstPilotJob).toBe(pilotEarly);
    const s = c.summary({});
    expect(s).toEqual({
      hosts: 5,
      byStatus: { compliant: 1, noncompliant: 2, stale: 1, unmanaged: 0, unscanned: 1 },
      jobs: { install: 3, synthetic: 1, healthcheck: 0, isolate: 1, notify: 0, uninstall: 0, restart: 2 },
      updates: {},
    });
    // The summary is a copy: counting on does not change it.
    c.addHost(host("f", "compliant"));
    c.addJob(job("n", "notify", "2026-12-01T02:00:00Z"));
    expect(s.byStatus.compliant).toBe(1);
    expect(s.jobs.notify).toBe(0);
    expect(new SummaryCounters().firstPilotJob).toBeNull();
  });

  it("states per update summed over hosts and shards, in id and state order; entries kept, unknown ids left out", () => {
    const c = new SummaryCounters();
    c.addStates([
      ["KB2", "missing"],
      ["KB1", "installed"],
    ]);
    c.addStates([
      ["KB2", "failed"],
      ["KB1", "installed"],
      ["KB9", "missing"],
    ]);
    c.addShard({ updates: { KB2: U({ states: { missing: 3, exempt: 1 } }), KB3: U({ states: {} }) } });
    const s = c.summary({ KB3: U({ file: "f3" }), KB2: U({ file: "f2" }), KB1: U() });
    expect(Object.keys(s.updates)).toEqual(["KB1", "KB2", "KB3"]);
    expect(s.updates.KB2).toEqual(U({ file: "f2", states: { exempt: 1, failed: 1, missing: 4 } }));
    expect(Object.keys(s.updates.KB2!.states)).toEqual(["exempt", "failed", "missing"]);
    expect(s.updates.KB1!.states).toEqual({ installed: 2 });
    expect(s.updates.KB3).toEqual(U({ file: "f3" }));
    expect(s).not.toHaveProperty("patches");
  });

  it("a patch of package versions: each host once at its worst approved version; shards' patch counts added", () => {
    const updates = {
      "OPENSSL=3.0.2-1": U({ patch: "DSA-1" }),
      "LIBSSL3=3.0.2-1": U({ patch: "DSA-1" }),
      "CURL=8.0-1": U({ patch: "DSA-2", decision: "pending" }),
    };
    const c = new SummaryCounters();
    c.addStates([
      ["OPENSSL=3.0.2-1", "installed"],
      ["LIBSSL3=3.0.2-1", "missing"],
    ]);
    c.addStates([
      ["OPENSSL=3.0.2-1", "installed"],
      ["LIBSSL3=3.0.2-1", "installed"],
      ["CURL=8.0-1", "missing"],
    ]);
    // An id with "=" first is no package version; a host of KBs only adds no package states.
    c.addStates([["=X", "missing"]]);
    c.addStates([["KB1", "missing"]]);
    c.addShard({ updates: {}, patches: { "DSA-1": { missing: 2, failed: 1 } } });
    c.addShard({ updates: {} });
    const s = c.summary(updates);
    expect(s.patches).toEqual({ "DSA-1": { failed: 1, installed: 1, missing: 3 } });
    expect(Object.keys(s.patches!["DSA-1"]!)).toEqual(["failed", "installed", "missing"]);
    expect(s.updates["LIBSSL3=3.0.2-1"]!.states).toEqual({ installed: 1, missing: 1 });
    // Without the "=X" host being a package host: a patch "=X" would never be counted (it has no patch anyway).
    const only = new SummaryCounters();
    only.addStates([["=X", "missing"]]);
    expect(only.summary({ "=X": U({ patch: "P" }), Y: U({ patch: "P" }) }).patches).toBeUndefined();
  });
});

const NOW = Date.parse("2026-12-10T06:00:00Z");
const entry = (id: string, over: Partial<CatalogEntry> = {}): CatalogEntry =>
  ({
    id,
    spec: { id },
    doc: { file: `policies/updates/${id.toLowerCase()}.yaml` },
    decision: "approved",
    decidedBy: "cab",
    decisionFile: null,
    timeline: "standard",
    approvedAt: Date.parse("2026-12-08T12:00:00Z"),
    unverified: null,
    ...over,
  }) as unknown as CatalogEntry;
const verdict: PilotVerdict = {
  state: "passed",
  hosts: 2,
  installed: 2,
  ratio: 1,
  required: 1,
  failedHosts: [],
  awaitingHosts: [],
  passedAt: Date.parse("2026-12-09T08:00:00Z"),
} as PilotVerdict;

describe("summarize", () => {
  const input = (over: Partial<ReconcileInput> = {}) =>
    ({
      now: NOW,
      revision: "abc123",
      verification: "verified",
      set: { policy: { spec: {} } },
      ...over,
    }) as ReconcileInput;
  const pilot = (over: Partial<PilotFacts> = {}) =>
    ({ hosts: new Set<string>(), holds: new Map(), verdicts: new Map(), ...over }) as PilotFacts;

  it("plan.json from the catalog, counters, pilot facts and findings", () => {
    const counters = new SummaryCounters();
    counters.addStates([["KB2", "missing"]]);
    counters.addJob(job("p", "install", "2026-12-11T02:00:00Z", "ref-1", "pilot"));
    const hold = { pilotHosts: 2, installed: 1, ratio: 0.5, required: 1 };
    const atRisk = {
      hosts: 3,
      slaBy: "2026-12-20T00:00:00Z",
      latestWindowEnd: "2026-12-21T00:00:00Z",
      examples: ["a"],
    };
    const plan = summarize({
      input: input({
        shard: { index: 2, count: 4 },
        inputs: { policy: "p", inventory: "i", applied: "a", results: "r" },
        set: { policy: { spec: { rollout: { maxConcurrency: 5 } } } } as unknown as ReconcileInput["set"],
      }),
      detail: "compact",
      catalog: new Map([
        ["KB2", entry("KB2", { unverified: "no approving review", timeline: "emergency" })],
        [
          "KB1",
          entry("KB1", {
            doc: null,
            decisionFile: "policies/rules/r.yaml",
            decision: "pending",
            decidedBy: null,
            approvedAt: null,
            unverified: "ignored: not approved",
          }),
        ],
        ["OPENSSL=3.0.2-1", entry("OPENSSL=3.0.2-1", { approvedAt: Date.parse("2026-12-08T12:00:00.250Z") })],
      ]),
      counters,
      pilot: pilot({
        hosts: new Set(["ref-2", "ref-1"]),
        holds: new Map([["KB2", hold]]),
        verdicts: new Map([["KB2", verdict]]),
      }),
      slaAtRisk: new Map([["KB2", atRisk]]),
      patches: new Map([["OPENSSL=3.0.2-1", "DSA-1"]]),
      findings: [
        { code: "b", severity: "warning", message: "m", file: "f", line: 3, column: 7 },
        { code: "a", severity: "error", message: "n", file: null, line: null, column: null },
      ] as unknown as Diagnostic[],
    });
    expect(plan).toEqual({
      apiVersion: "patchops/v1",
      kind: "Plan",
      now: "2026-12-10T06:00:00Z",
      policyRevision: "abc123",
      approvalVerification: "verified",
      inputs: { policy: "p", inventory: "i", applied: "a", results: "r" },
      shard: "2/4",
      detail: "compact",
      rollout: { maxConcurrency: 5 },
      summary: {
        hosts: 0,
        byStatus: { compliant: 0, noncompliant: 0, stale: 0, unmanaged: 0, unscanned: 0 },
        jobs: { install: 1, synthetic: 0, healthcheck: 0, isolate: 0, notify: 0, uninstall: 0, restart: 0 },
        updates: {
          KB1: {
            decision: "pending",
            decidedBy: null,
            file: "policies/rules/r.yaml",
            timeline: "standard",
            approvedAt: null,
            states: {},
            held: null,
          },
          KB2: {
            decision: "approved",
            decidedBy: "cab",
            file: "policies/updates/kb2.yaml",
            timeline: "emergency",
            approvedAt: "2026-12-08T12:00:00Z",
            states: { missing: 1 },
            held: hold,
            unverified: "no approving review",
            pilot: { state: "passed", hosts: 2, installed: 2, failedHosts: [], passedAt: "2026-12-09T08:00:00Z" },
            slaAtRisk: atRisk,
          },
          "OPENSSL=3.0.2-1": {
            decision: "approved",
            decidedBy: "cab",
            file: "policies/updates/openssl=3.0.2-1.yaml",
            timeline: "standard",
            approvedAt: "2026-12-08T12:00:00.250Z",
            patch: "DSA-1",
            states: {},
            held: null,
          },
        },
      },
      pilot: { hosts: ["ref-1", "ref-2"], window: { start: "2026-12-11T02:00:00Z", end: "2026-12-11T12:00:00Z" } },
      findings: [
        { code: "a", severity: "error", message: "n", file: null, line: null },
        { code: "b", severity: "warning", message: "m", file: "f", line: 3 },
      ],
    });
    expect(Object.keys(plan.summary.updates)).toEqual(["KB1", "KB2", "OPENSSL=3.0.2-1"]);
  });

  it("no shard, no inputs, no rollout, no pilot job: nulls, and no rollout key", () => {
    const plan = summarize({
      input: input({ revision: null, verification: "off" }),
      detail: "full",
      catalog: new Map(),
      counters: new SummaryCounters(),
      pilot: pilot(),
      slaAtRisk: new Map(),
      patches: new Map(),
      findings: [],
    });
    expect(plan).toMatchObject({
      policyRevision: null,
      approvalVerification: "off",
      inputs: null,
      shard: null,
      detail: "full",
    });
    expect(plan).not.toHaveProperty("rollout");
    expect(plan.pilot).toEqual({ hosts: [], window: null });
    expect(summarize({ ...plainArgs(), input: input({ set: {} as ReconcileInput["set"] }) })).not.toHaveProperty(
      "rollout",
    );
  });

  function plainArgs() {
    return {
      input: input(),
      detail: "full" as const,
      catalog: new Map<string, CatalogEntry>(),
      counters: new SummaryCounters(),
      pilot: pilot(),
      slaAtRisk: new Map(),
      patches: new Map<string, string>(),
      findings: [],
    };
  }
});

const NO_STATUS = {} as Plan["summary"]["byStatus"];
const NO_JOBS = {} as Plan["summary"]["jobs"];
const plan = (shard: string | null, over: Partial<Plan> = {}): Plan =>
  ({
    apiVersion: "patchops/v1",
    kind: "Plan",
    now: "2026-12-10T06:00:00Z",
    policyRevision: "abc",
    approvalVerification: "verified",
    inputs: { policy: "p", inventory: "i", applied: "a", results: "r" },
    shard,
    detail: "compact",
    summary: {
      hosts: 1,
      byStatus: NO_STATUS,
      jobs: NO_JOBS,
      updates: {},
    },
    pilot: { hosts: ["ref-1"], window: null },
    findings: [],
    ...over,
  }) as unknown as Plan;
const parts = (p: Plan, hosts: HostResult[] = [], jobs: Job[] = [], exposure?: ExposureLine[]): PlanParts => ({
  plan: p,
  hosts,
  jobs,
  ...(exposure ? { exposure } : {}),
});

describe("checkShards", () => {
  const refuse = (plans: Plan[], message: string) => {
    expect(() => checkShards(plans)).toThrow(MergeError);
    expect(() => checkShards(plans)).toThrow(message);
  };
  it("refuses no shards, mixed counts, a plan that is no shard, and a missing or doubled shard", () => {
    refuse([], "no shards to merge");
    refuse([plan("1/2"), plan("2/3")], "every input must be a shard of the same count (plan --shard i/N)");
    refuse([plan(null)], "every input must be a shard of the same count");
    refuse([plan("1")], "every input must be a shard of the same count");
    refuse([plan("1/2")], "shards 1 given; expected each of 1..2 exactly once");
    refuse([plan("1/2"), plan("1/2")], "shards 1, 1 given; expected each of 1..2 exactly once");
    refuse([plan("3/3"), plan("1/3"), plan("3/3")], "shards 1, 3, 3 given; expected each of 1..3 exactly once");
    expect(new MergeError("x").name).toBe("MergeError");
  });
  it("takes the shards in any order, sorted as numbers (10 after 9)", () => {
    const ten = Array.from({ length: 10 }, (_, i) => plan(`${10 - i}/10`));
    expect(() => checkShards(ten)).not.toThrow();
    expect(() => checkShards([plan("1/1")])).not.toThrow();
  });
  it("refuses a shard planned with other inputs, naming it", () => {
    const message =
      "shard 2/2 was planned with other inputs (now, policy revision, verification, --detail, policy files, inventory, job results or status history differ)";
    for (const over of [
      { now: "2026-12-10T06:00:01Z" },
      { policyRevision: "abd" },
      { approvalVerification: "off" },
      { detail: "full" },
      { inputs: { policy: "p", inventory: "i", applied: "a", results: "R" } },
      { inputs: null },
    ] as Partial<Plan>[])
      refuse([plan("1/2"), plan("2/2", over)], message);
    // No inputs on either: alike.
    expect(() => checkShards([plan("1/2", { inputs: null }), plan("2/2", { inputs: null })])).not.toThrow();
  });
});

describe("mergeShards", () => {
  it("hosts and jobs in plan order, counts summed, findings once each, the first shard's updates win", () => {
    const a = parts(
      plan("1/2", {
        summary: {
          hosts: 2,
          byStatus: NO_STATUS,
          jobs: NO_JOBS,
          updates: {
            KB2: U({
              file: "shard-1",
              states: { missing: 1 },
              slaAtRisk: { hosts: 1, slaBy: "s", latestWindowEnd: "2026-12-21", examples: ["b"] },
            }),
            KB1: U({ states: { installed: 1 } }),
          },
          patches: { "DSA-1": { missing: 1 } },
        },
        findings: [finding("z", null, null, "same"), finding("a", "f", 1, "shard 1")],
        pilot: { hosts: ["ref-1"], window: null },
      }),
      [host("web-b", "noncompliant"), host("Web-A", "compliant")],
      [
        job("j2", "install", "2026-12-12T02:00:00Z", "web-b"),
        job("p1", "install", "2026-12-11T02:00:00Z", "web-b", "pilot"),
      ],
      [{ host: "web-b", owner: null, status: "noncompliant", cves: {} }],
    );
    const b = parts(
      plan("2/2", {
        summary: {
          hosts: 1,
          byStatus: NO_STATUS,
          jobs: NO_JOBS,
          updates: {
            KB2: U({
              file: "shard-2",
              states: { missing: 2, failed: 1 },
              slaAtRisk: { hosts: 2, slaBy: "s", latestWindowEnd: "2026-12-22", examples: ["a"] },
            }),
            KB3: U({ states: { missing: 1 } }),
          },
          patches: { "DSA-1": { installed: 1 } },
        },
        findings: [finding("z", null, null, "same"), finding("a", "f", 1, "shard 2")],
        pilot: { hosts: ["ignored"], window: null },
      }),
      [host("web-c", "stale")],
      [job("j1", "install", "2026-12-12T02:00:00Z", "web-a")],
      [{ host: "web-c", owner: null, status: "stale", cves: {} }],
    );
    const m = mergeShards([b, a]);
    expect(m.hosts.map((h) => h.host)).toEqual(["Web-A", "web-b", "web-c"]);
    expect(m.jobs.map((j) => j.id)).toEqual(["p1", "j1", "j2"]);
    expect(m.exposure!.map((x) => x.host)).toEqual(["web-b", "web-c"]);
    expect(m.plan.shard).toBeNull();
    expect(m.plan.now).toBe("2026-12-10T06:00:00Z");
    expect(m.plan.summary.hosts).toBe(3);
    expect(m.plan.summary.byStatus).toEqual({ compliant: 1, noncompliant: 1, stale: 1, unmanaged: 0, unscanned: 0 });
    expect(m.plan.summary.jobs.install).toBe(3);
    // Merged in the order given: shard 2 came first, so its file wins; state counts and SLA risk are summed.
    expect(Object.keys(m.plan.summary.updates)).toEqual(["KB1", "KB2", "KB3"]);
    expect(m.plan.summary.updates.KB2).toEqual(
      U({
        file: "shard-2",
        states: { failed: 1, missing: 3 },
        slaAtRisk: { hosts: 3, slaBy: "s", latestWindowEnd: "2026-12-22", examples: ["a", "b"] },
      }),
    );
    expect(m.plan.summary.updates.KB1).toEqual(U({ states: { installed: 1 } }));
    expect(m.plan.summary.updates.KB3).toEqual(U({ states: { missing: 1 } }));
    expect(m.plan.summary.patches).toEqual({ "DSA-1": { installed: 1, missing: 1 } });
    expect(m.plan.pilot).toEqual({
      hosts: ["ignored"],
      window: { start: "2026-12-11T02:00:00Z", end: "2026-12-11T12:00:00Z" },
    });
    expect(m.plan.findings.map((f) => `${f.code} ${f.message}`)).toEqual(["a shard 1", "a shard 2", "z same"]);
  });

  it("no exposure lines unless every shard has them; no pilot job: no window; no SLA risk: none", () => {
    const m = mergeShards([
      parts(
        plan("1/2", {
          summary: { hosts: 0, byStatus: NO_STATUS, jobs: NO_JOBS, updates: { KB1: U({ slaAtRisk: undefined }) } },
        } as Partial<Plan>),
        [],
        [],
        [],
      ),
      parts(plan("2/2")),
    ]);
    expect(m).not.toHaveProperty("exposure");
    expect(m.plan.pilot.window).toBeNull();
    expect(m.plan.summary.updates.KB1).toEqual(U());
    expect(m.plan.summary.updates.KB1).not.toHaveProperty("slaAtRisk");
    const both = mergeShards([parts(plan("1/2"), [], [], []), parts(plan("2/2"), [], [], [])]);
    expect(both.exposure).toEqual([]);
  });
});
