// Job emission (plan/passes/jobs.ts) and the escalation pass's jobs (plan/passes/escalation-pass.ts), on hand-made
// catalogs and slots: one job per type and window, prerequisites before what needs them, service packs first, the
// job's reason worked out word by word, overdue and emergency raising priority, a no-force exemption forcing nothing,
// the highest retry, and what makes two jobs' ids differ.
import { describe, expect, it } from "vitest";
import type { Job } from "../../reconciler/model/plan.js";
import type { PatchPolicySpec } from "../../reconciler/model/policy.js";
import type { CatalogEntry } from "../../reconciler/plan/catalog.js";
import type { EscalationRequest } from "../../reconciler/plan/escalation.js";
import type { Failure } from "../../reconciler/plan/job-results.js";
import type { PlanContext } from "../../reconciler/plan/passes/context.js";
import { escalationPass } from "../../reconciler/plan/passes/escalation-pass.js";
import {
  hostFiles,
  installJobs,
  installOrder,
  makeJob,
  NO_HOOKS,
  NOT_FORCED,
  sortIds,
  updateFile,
  type HostJobFacts,
  type JobSpec,
  type Need,
} from "../../reconciler/plan/passes/jobs.js";
import type { Slot } from "../../reconciler/plan/timing.js";
import type { Diagnostic } from "../../reconciler/diagnostics.js";

const H = 3_600_000;
const T0 = Date.parse("2026-12-12T02:00:00Z");

const entry = (id: string, over: Partial<CatalogEntry["spec"]> = {}, requires: string[] = []): CatalogEntry =>
  ({
    id,
    spec: { id, classification: "security", released: "2026-12-08", ...over },
    doc: { file: `policies/updates/${id.toLowerCase()}.yaml` },
    decisionFile: null,
    requires,
  }) as unknown as CatalogEntry;

describe("makeJob", () => {
  const spec: JobSpec = {
    type: "install",
    host: "web-01",
    owner: "team-a",
    updates: ["KB1", "KB2"],
    timeline: "standard",
    period: "D1-02",
    window: { start: T0, end: T0 + 4 * H + 500 },
    enforcement: { forceInstall: true, forceRestart: false },
    priority: "normal",
    hooks: { pre: [{ name: "drain", run: "drain.sh" }], post: [] },
    reason: { summary: "s", files: ["f"], commit: "abc" },
  };
  it("writes every field, the window and deadline as UTC instants (milliseconds only when there are some)", () => {
    const j = makeJob(spec);
    expect(j.id).toMatch(/^[0-9a-f]{16}$/);
    expect({ ...j, id: "x" }).toEqual({
      id: "x",
      type: "install",
      host: "web-01",
      owner: "team-a",
      updates: ["KB1", "KB2"],
      timeline: "standard",
      period: "D1-02",
      window: { start: "2026-12-12T02:00:00Z", end: "2026-12-12T06:00:00.500Z" },
      deadline: "2026-12-12T06:00:00.500Z",
      enforcement: { forceInstall: true, forceRestart: false },
      priority: "normal",
      pre: [{ name: "drain", run: "drain.sh" }],
      post: [],
      reason: { summary: "s", files: ["f"], commit: "abc" },
    });
  });
  it("the id is the same for the same job, differs with what the job does, and not with who or why", () => {
    const id = makeJob(spec).id;
    const differs: Partial<JobSpec>[] = [
      { type: "synthetic" },
      { host: "web-02" },
      { updates: ["KB1"] },
      { timeline: "emergency" },
      { window: { start: T0 + 1, end: spec.window.end } },
      { window: { start: T0, end: spec.window.end + 1 } },
      { enforcement: { forceInstall: true, forceRestart: true } },
    ];
    for (const d of differs) expect(makeJob({ ...spec, ...d }).id).not.toBe(id);
    const same: Partial<JobSpec>[] = [
      { owner: null },
      { period: null },
      { priority: "high" },
      { hooks: NO_HOOKS },
      { reason: { summary: "t", files: [], commit: null } },
    ];
    for (const d of same) expect(makeJob({ ...spec, ...d }).id).toBe(id);
  });
  it("NO_HOOKS and NOT_FORCED are empty and false", () => {
    expect(NO_HOOKS).toEqual({ pre: [], post: [] });
    expect(NOT_FORCED).toEqual({ forceInstall: false, forceRestart: false });
  });
});

describe("updateFile and hostFiles", () => {
  it("the Update file, else the file that decided it, else null; a need's own file is left out of the host's", () => {
    const withDoc = entry("KB1");
    const ruled = { ...entry("KB2"), doc: null, decisionFile: "policies/rules/r.yaml" } as CatalogEntry;
    const none = { ...entry("KB3"), doc: null, decisionFile: null } as CatalogEntry;
    expect([withDoc, ruled, none].map(updateFile)).toEqual([
      "policies/updates/kb1.yaml",
      "policies/rules/r.yaml",
      null,
    ]);
    const files = ["policies/updates/kb1.yaml", "policies/rules/r.yaml", "policies/exemptions/e.yaml"];
    expect(hostFiles(files, withDoc)).toEqual(["policies/rules/r.yaml", "policies/exemptions/e.yaml"]);
    expect(hostFiles(files, ruled)).toEqual(["policies/updates/kb1.yaml", "policies/exemptions/e.yaml"]);
    expect(hostFiles(files, none)).toEqual(files);
  });
});

describe("sortIds and installOrder", () => {
  const catalog = new Map(
    [
      entry("KB5", { released: "2026-12-01" }),
      entry("KB4", { released: "2026-12-01" }),
      entry("KB3", { released: "2026-11-01" }),
      entry("KB9", { classification: "service-pack", released: "2026-12-09" }),
      entry("KB8", { classification: "service-pack", released: "2026-10-01" }),
    ].map((e) => [e.id, e]),
  );
  it("service packs first, then by release date, then by id; an id the catalog lacks sorts as released ''", () => {
    expect(sortIds(["KB5", "KB4", "KB9", "KB3", "KB8", "KB0"], catalog)).toEqual([
      "KB8",
      "KB9",
      "KB0",
      "KB3",
      "KB4",
      "KB5",
    ]);
    expect(sortIds(new Set(["KB4", "KB5"]), catalog)).toEqual(["KB4", "KB5"]);
    // An unknown id on either side of the comparison: released '' sorts before any date.
    expect(sortIds(["KB3", "KB0"], catalog)).toEqual(["KB0", "KB3"]);
    expect(sortIds(["KB0", "KB3"], catalog)).toEqual(["KB0", "KB3"]);
    expect(sortIds(["KBY", "KBX"], catalog)).toEqual(["KBX", "KBY"]);
  });
  it("every prerequisite in the job before what needs it; one outside the job is not added; a cycle ends", () => {
    const c = new Map(
      [
        entry("KB1", { released: "2026-12-01" }, ["KB3", "KB7"]),
        entry("KB2", { released: "2026-12-02" }, ["KB1"]),
        entry("KB3", { released: "2026-12-03" }, ["KB4"]),
        entry("KB4", { released: "2026-12-04" }),
        entry("KB6", { released: "2026-12-06" }, ["KB7"]),
        entry("KB7", { released: "2026-12-07" }, ["KB6"]),
      ].map((e) => [e.id, e]),
    );
    // By date KB1 comes first: it needs KB3 (which needs KB4) and KB7 (which needs KB6, which needs KB7 again: the
    // cycle stops there): 4, 3, 6, 7, 1; then KB2 (KB1 done); the rest are done.
    expect(installOrder(["KB7", "KB6", "KB4", "KB3", "KB2", "KB1"], c)).toEqual([
      "KB4",
      "KB3",
      "KB6",
      "KB7",
      "KB1",
      "KB2",
    ]);
    // The cycle alone, entered at KB6 (the earlier): KB6 needs KB7, which needs KB6 on the stack: 7, 6.
    expect(installOrder(["KB7", "KB6"], c)).toEqual(["KB7", "KB6"]);
    expect(installOrder(["KB2", "KB4"], c)).toEqual(["KB2", "KB4"]);
    expect(installOrder(["KB1", "KB1"], c)).toEqual(["KB1"]);
    // An id the catalog does not hold needs nothing.
    expect(installOrder(["KB2", "KB0", "KB1"], c)).toEqual(["KB0", "KB1", "KB2"]);
  });
});

const W1 = { start: T0, end: T0 + 4 * H };
const W2 = { start: T0 + 24 * H, end: T0 + 28 * H };
const slot = (over: Partial<Slot> = {}): Slot => ({
  timeline: "standard",
  window: W1,
  dueBy: T0 + 48 * H,
  slaBy: T0 + 72 * H,
  overdue: false,
  late: null,
  ...over,
});
const PRE = [{ name: "snapshot", run: "snap.sh" }];
const POST = [{ name: "check", run: "check.sh" }];
const policy = {
  enforcement: { forceInstall: true, forceRestart: true },
  hooks: { pre: PRE, post: POST, isolate: [], notify: [] },
} as unknown as PatchPolicySpec;
const CATALOG = new Map(
  [
    entry("KB1", { released: "2026-12-01" }),
    entry("KB2", { released: "2026-12-02", classification: "critical" }),
    entry("KB3", { released: "2026-12-03" }),
    entry("SYN1", { classification: "synthetic" }),
    entry("KB7", { catalogOnly: true, source: { url: "https://x/kb7.msu", sha256: "ab" } } as never),
  ].map((e) => [e.id, e]),
);
const facts: HostJobFacts = {
  host: "web-01",
  owner: "team-a",
  period: "D1-02",
  revision: "r1",
  catalog: CATALOG,
  policy,
};
const need = (id: string, over: Partial<Need> = {}): Need => ({
  entry: CATALOG.get(id)!,
  slot: slot(),
  noForce: false,
  files: [],
  ...over,
});
const fail = (attempts: number, atText: string): Failure => ({ code: null, at: Date.parse(atText), atText, attempts });

describe("installJobs", () => {
  it("one install job per window, updates in install order, files sorted once, the policy's hooks and force", () => {
    const jobs = installJobs(
      [
        need("KB3", { files: ["policies/exemptions/z.yaml", "policies/baselines/b.yaml"] }),
        need("KB1", { files: ["policies/baselines/b.yaml"] }),
        need("KB2", { slot: slot({ window: W2 }) }),
      ],
      facts,
    );
    expect(jobs.map((j) => ({ ...j, id: "x" }))).toEqual([
      {
        id: "x",
        type: "install",
        host: "web-01",
        owner: "team-a",
        updates: ["KB1", "KB3"],
        timeline: "standard",
        period: "D1-02",
        window: { start: "2026-12-12T02:00:00Z", end: "2026-12-12T06:00:00Z" },
        deadline: "2026-12-12T06:00:00Z",
        enforcement: { forceInstall: true, forceRestart: true },
        priority: "normal",
        pre: PRE,
        post: POST,
        reason: {
          summary: "2 approved updates missing",
          files: ["policies/baselines/b.yaml", "policies/exemptions/z.yaml"],
          commit: "r1",
        },
        categories: ["SecurityUpdates"],
      },
      {
        id: "x",
        type: "install",
        host: "web-01",
        owner: "team-a",
        updates: ["KB2"],
        timeline: "standard",
        period: "D1-02",
        window: { start: "2026-12-13T02:00:00Z", end: "2026-12-13T06:00:00Z" },
        deadline: "2026-12-13T06:00:00Z",
        enforcement: { forceInstall: true, forceRestart: true },
        priority: "normal",
        pre: PRE,
        post: POST,
        reason: { summary: "1 approved update missing", files: [], commit: "r1" },
        categories: ["CriticalUpdates"],
      },
    ]);
  });

  it("same window: apart by type, by timeline, by start alone and by end alone", () => {
    const keyed = installJobs(
      [
        need("KB1"),
        need("SYN1"),
        need("KB2", { slot: slot({ timeline: "emergency" }) }),
        need("KB3", { slot: slot({ window: { start: W1.start, end: W1.end + 1 } }) }),
        need("KB7", { slot: slot({ window: { start: W1.start - 1, end: W1.end } }) }),
      ],
      facts,
    );
    expect(keyed.map((j) => [j.type, j.timeline, j.updates, j.priority])).toEqual([
      ["install", "standard", ["KB1"], "normal"],
      ["synthetic", "standard", ["SYN1"], "normal"],
      ["install", "emergency", ["KB2"], "high"],
      ["install", "standard", ["KB3"], "normal"],
      ["install", "standard", ["KB7"], "normal"],
    ]);
    // The synthetic job: no hooks, no restart, no installer details, its own words.
    expect(keyed[1]).toMatchObject({
      pre: [],
      post: [],
      enforcement: { forceInstall: true, forceRestart: false },
      reason: { summary: "1 synthetic update missing" },
    });
    expect(keyed[1]).not.toHaveProperty("categories");
    expect(keyed[4]).toMatchObject({
      categories: [],
      downloads: [{ id: "KB7", url: "https://x/kb7.msu", sha256: "ab" }],
    });
  });

  it("one overdue need makes the job high and overdue; one no-force need forces nothing in its window", () => {
    const [j] = installJobs(
      [need("KB1"), need("KB2", { slot: slot({ overdue: true }), noForce: true }), need("KB3")],
      facts,
    );
    expect(j).toMatchObject({
      updates: ["KB1", "KB2", "KB3"],
      priority: "high",
      enforcement: { forceInstall: false, forceRestart: false },
      reason: { summary: "3 approved updates missing (overdue); exemption: not forced" },
    });
    const [k] = installJobs([need("KB1", { noForce: true }), need("KB2")], facts);
    expect(k!.reason.summary).toBe("2 approved updates missing; exemption: not forced");
    expect(k!.priority).toBe("normal");
    const [l] = installJobs([need("KB1", { slot: slot({ overdue: true }) }), need("KB2")], facts);
    expect(l).toMatchObject({ priority: "high", enforcement: { forceInstall: true, forceRestart: true } });
    expect(l!.reason.summary).toBe("2 approved updates missing (overdue)");
  });

  it("a retry follows the failure with the most attempts: attempt n + 1, after its instant; none without one", () => {
    const [j] = installJobs(
      [
        need("KB1", { retry: fail(2, "2026-12-11T02:00:00Z") }),
        need("KB2", { retry: fail(3, "2026-12-10T02:00:00Z") }),
        need("KB3", { retry: fail(3, "2026-12-09T02:00:00Z") }),
        need("SYN1"),
      ],
      facts,
    );
    expect(j!.retry).toEqual({ attempt: 4, after: "2026-12-10T02:00:00Z" });
    const [k] = installJobs([need("KB1"), need("KB2", { retry: fail(1, "2026-12-11T02:00:00Z") })], facts);
    expect(k!.retry).toEqual({ attempt: 2, after: "2026-12-11T02:00:00Z" });
    expect(installJobs([need("KB1")], facts)[0]).not.toHaveProperty("retry");
  });
});

describe("escalationPass", () => {
  const NOW = Date.parse("2026-12-10T09:00:00Z");
  const ISOLATE = [{ name: "isolate", run: "isolate.sh" }];
  const ctx = (notify: { name: string; run: string }[] = []) =>
    ({
      policy: { escalation: { afterHours: 48 }, hooks: { pre: PRE, post: POST, isolate: ISOLATE, notify } },
      now: NOW,
      input: { revision: "rev9" },
      hostNamed: (name: string) =>
        name === "web-01"
          ? { assignment: { spec: { owner: "team-a" } }, entry: { period: "D1-02" } }
          : { assignment: null, entry: null },
    }) as unknown as PlanContext;
  const req = (host: string, over: Partial<EscalationRequest> = {}): EscalationRequest => ({
    host,
    cluster: null,
    action: "isolate",
    ids: ["KB1"],
    files: ["policies/updates/kb1.yaml"],
    why: null,
    ...over,
  });
  it("no request: no job and no finding", () => {
    const findings: Diagnostic[] = [];
    expect(escalationPass(ctx(), [], [], findings)).toEqual([]);
    expect(findings).toEqual([]);
  });
  it("in host order: an isolate placed after the host's install window, with the isolate hook; a notify with none", () => {
    const install = {
      host: "web-01",
      type: "install",
      window: { start: "2026-12-10T08:00:00Z", end: "2026-12-10T12:00:00Z" },
    } as Job;
    const findings: Diagnostic[] = [];
    const jobs = escalationPass(
      ctx(),
      [req("web-01"), req("db-01", { action: "notify", why: "a pilot override", ids: ["KB1", "KB2"], files: [] })],
      [install],
      findings,
    );
    expect(jobs.map((j) => ({ ...j, id: "x" }))).toEqual([
      {
        id: "x",
        type: "notify",
        host: "db-01",
        owner: null,
        updates: ["KB1", "KB2"],
        timeline: "immediate",
        period: null,
        window: { start: "2026-12-10T09:00:00Z", end: "2026-12-10T10:00:00Z" },
        deadline: "2026-12-10T10:00:00Z",
        enforcement: { forceInstall: false, forceRestart: false },
        priority: "high",
        pre: [],
        post: [],
        reason: {
          summary: "notify the owner: past the SLA by more than escalation.afterHours (48); a pilot override",
          files: [],
          commit: "rev9",
        },
      },
      {
        id: "x",
        type: "isolate",
        host: "web-01",
        owner: "team-a",
        updates: ["KB1"],
        timeline: "immediate",
        period: "D1-02",
        window: { start: "2026-12-10T12:00:00Z", end: "2026-12-10T13:00:00Z" },
        deadline: "2026-12-10T13:00:00Z",
        enforcement: { forceInstall: false, forceRestart: false },
        priority: "high",
        pre: [],
        post: [],
        reason: {
          summary: "isolate until patched: past the SLA by more than escalation.afterHours (48)",
          files: ["policies/updates/kb1.yaml"],
          commit: "rev9",
        },
        commands: ISOLATE,
      },
    ]);
    expect(findings).toEqual([]);
    // A notify hook is its command.
    const NOTIFY = [{ name: "mail", run: "mail.sh" }];
    expect(escalationPass(ctx(NOTIFY), [req("db-01", { action: "notify" })], [], [])[0]!.commands).toEqual(NOTIFY);
  });
  it("a cluster's second node is notified, and the placement's finding is added to the run's", () => {
    const findings: Diagnostic[] = [
      {
        code: "x",
        severity: "warning",
        message: "before",
        file: null,
        line: null,
        column: null,
      } as unknown as Diagnostic,
    ];
    const jobs = escalationPass(
      ctx(),
      [req("sql-b", { cluster: "sql" }), req("sql-a", { cluster: "sql" })],
      [],
      findings,
    );
    expect(jobs.map((j) => [j.host, j.type, j.reason.summary])).toEqual([
      ["sql-a", "isolate", "isolate until patched: past the SLA by more than escalation.afterHours (48)"],
      [
        "sql-b",
        "notify",
        "notify the owner: past the SLA by more than escalation.afterHours (48); sql-a of cluster 'sql' is isolated first",
      ],
    ]);
    expect(findings.map((f) => f.message)).toEqual([
      "before",
      "cluster 'sql': sql-a and sql-b are both past the SLA; only sql-a is isolated, the owner of sql-b is notified",
    ]);
  });
});
