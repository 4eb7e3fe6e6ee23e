// Cluster safety at plan time (plan/cluster-safety.ts and passes/cluster-safety-pass.ts), pinned at the exact
// instant: two nodes' windows that touch (one ends at the instant the other starts) never clash, one minute of
// overlap does; an emergency keeps its window before an earlier standard one; the later node's job is held with
// a note and a finding written out literally.
import { describe, expect, it } from "vitest";
import type { HostResult, Job } from "../../reconciler/model/plan.js";
import { clusterHoldFindings, clusterOverlaps, holdClusterOverlaps } from "../../reconciler/plan/cluster-safety.js";
import { HostContext } from "../../reconciler/plan/hosts.js";
import { clusterSafetyPass } from "../../reconciler/plan/passes/cluster-safety-pass.js";
import type { Diagnostic } from "../../reconciler/diagnostics.js";

const D = "2026-12-10T";
function job(id: string, host: string, from: string, to: string, over: Partial<Job> = {}): Job {
  return {
    id,
    type: "install",
    host,
    timeline: "standard",
    updates: ["KB1"],
    window: { start: `${D}${from}:00Z`, end: `${D}${to}:00Z` },
    ...over,
  } as Job;
}
const pairs = (o: { cluster: string; first: Job; second: Job }[]) =>
  o.map((x) => `${x.cluster}: ${x.first.id} ${x.second.id}`);
const CLUSTERS = new Map([
  ["n1", "sql"],
  ["n2", "sql"],
  ["n3", "sql"],
  ["w1", "web"],
  ["w2", "web"],
]);

describe("clusterOverlaps", () => {
  it("windows that touch do not overlap; one minute of overlap on either side does", () => {
    const a = job("a", "n1", "04:00", "08:00");
    expect(
      pairs(clusterOverlaps([a, job("b", "n2", "08:00", "12:00"), job("c", "n3", "00:00", "04:00")], CLUSTERS)),
    ).toEqual([]);
    expect(pairs(clusterOverlaps([job("b", "n2", "07:59", "12:00"), a], CLUSTERS))).toEqual(["sql: a b"]);
    expect(pairs(clusterOverlaps([a, job("c", "n3", "00:00", "04:01")], CLUSTERS))).toEqual(["sql: c a"]);
  });

  it("only patching jobs on different nodes of one cluster; clusters in name order, jobs by start, host, id", () => {
    const jobs = [
      job("w-b", "w2", "01:00", "02:00"),
      job("w-a", "w1", "01:00", "02:00"),
      job("s-1", "n1", "01:00", "03:00"),
      job("s-2", "n1", "02:00", "03:00"),
      job("s-syn", "n2", "02:30", "04:00", { type: "synthetic" }),
      job("s-hc", "n3", "01:00", "03:00", { type: "healthcheck" }),
      job("s-un", "n3", "01:00", "03:00", { type: "uninstall" }),
      job("lone", "x1", "01:00", "03:00"),
      job("other", "y1", "01:00", "03:00"),
    ];
    expect(pairs(clusterOverlaps(jobs, CLUSTERS))).toEqual(["sql: s-1 s-syn", "sql: s-2 s-syn", "web: w-a w-b"]);
    // Same start and host: by id.
    expect(
      pairs(clusterOverlaps([job("z", "n2", "01:00", "02:00"), job("y", "n1", "01:00", "02:00")], CLUSTERS)),
    ).toEqual(["sql: y z"]);
    expect(
      pairs(
        clusterOverlaps(
          [job("k2", "n1", "01:00", "02:00"), job("k1", "n1", "01:00", "02:00"), job("m", "n2", "01:30", "03:00")],
          CLUSTERS,
        ),
      ),
    ).toEqual(["sql: k1 m", "sql: k2 m"]);
  });
});

describe("holdClusterOverlaps", () => {
  it("the earlier window is kept, the later node's job held; touching windows are both kept", () => {
    const a = job("a", "n1", "04:00", "08:00");
    const b = job("b", "n2", "07:59", "12:00");
    const c = job("c", "n3", "08:00", "12:00");
    const { kept, held } = holdClusterOverlaps([c, b, a], CLUSTERS);
    expect(kept.map((j) => j.id)).toEqual(["c", "a"]);
    expect(pairs(held)).toEqual(["sql: a b"]);
    // With b held, c no longer clashes with anything kept.
    expect(pairs(holdClusterOverlaps([a, c], CLUSTERS).held)).toEqual([]);
  });

  it("an emergency keeps its window before an earlier standard job; one node's own jobs never clash", () => {
    const std = job("std", "n1", "04:00", "08:00");
    const em = job("em", "n2", "05:00", "06:00", { timeline: "emergency" });
    const own = job("own", "n2", "05:30", "07:00");
    const { kept, held } = holdClusterOverlaps([std, em, own], CLUSTERS);
    expect(kept.map((j) => j.id)).toEqual(["em", "own"]);
    expect(pairs(held)).toEqual(["sql: em std"]);
  });

  it("jobs outside a cluster, and jobs that patch nothing, are kept as they are", () => {
    const jobs = [
      job("a", "n1", "04:00", "08:00"),
      job("hc", "n2", "04:00", "08:00", { type: "healthcheck" }),
      job("x", "x1", "04:00", "08:00"),
      job("w", "w1", "04:00", "08:00"),
    ];
    expect(holdClusterOverlaps(jobs, CLUSTERS)).toEqual({ kept: jobs, held: [] });
  });

  it("clusters are worked in name order", () => {
    const { held } = holdClusterOverlaps(
      [
        job("w1", "w1", "01:00", "02:00"),
        job("w2", "w2", "01:00", "02:00"),
        job("s1", "n1", "01:00", "02:00"),
        job("s2", "n2", "01:00", "02:00"),
      ],
      CLUSTERS,
    );
    expect(pairs(held)).toEqual(["sql: s1 s2", "web: w1 w2"]);
  });
});

const result = (host: string, over: Partial<HostResult> = {}) => ({ host, status: "compliant", ...over }) as HostResult;

describe("clusterHoldFindings", () => {
  it("marks the held node's updates and note, turns it noncompliant, and names both nodes and windows", () => {
    const first = job("a", "n1", "04:00", "08:00");
    const second = job("b", "n2", "07:00", "09:00", { updates: ["KB3", "KB1"] });
    const results = [result("n1"), result("n2", { held: ["KB2", "KB1"], notes: ["earlier note"] })];
    const found = clusterHoldFindings(
      [{ cluster: "sql", first, second }],
      results,
      (h) => `windows/assignments/${h}.yaml`,
    );
    expect(results).toEqual([
      result("n1"),
      result("n2", {
        status: "noncompliant",
        held: ["KB1", "KB2", "KB3"],
        notes: [
          "earlier note",
          "KB3, KB1 held: n1 of cluster 'sql' is patched in 2026-12-10T04:00:00Z – 2026-12-10T08:00:00Z",
        ],
      }),
    ]);
    expect(found).toEqual([
      {
        code: "cluster-held",
        severity: "warning",
        file: "windows/assignments/n2.yaml",
        line: null,
        column: null,
        message:
          "cluster 'sql': n2 (2026-12-10T07:00:00Z – 2026-12-10T09:00:00Z, standard) would overlap n1 (2026-12-10T04:00:00Z – 2026-12-10T08:00:00Z); n2's job is held until n1 is done",
      },
    ]);
  });

  it("a host already noncompliant keeps its status; a host without a result line still gets the finding", () => {
    const first = job("a", "n1", "04:00", "08:00");
    const second = job("b", "n2", "07:00", "09:00");
    const results = [result("n2", { status: "overdue" as HostResult["status"] })];
    clusterHoldFindings([{ cluster: "sql", first, second }], results, () => null);
    expect(results[0]).toEqual(
      result("n2", {
        status: "overdue" as HostResult["status"],
        held: ["KB1"],
        notes: ["KB1 held: n1 of cluster 'sql' is patched in 2026-12-10T04:00:00Z – 2026-12-10T08:00:00Z"],
      }),
    );
    const none = clusterHoldFindings([{ cluster: "sql", first, second }], [], () => null);
    expect(none.map((d) => [d.code, d.file])).toEqual([["cluster-held", null]]);
  });
});

describe("clusterSafetyPass", () => {
  const host = (name: string, cluster: string | null, file: string | null) => {
    const h = new HostContext(name);
    h.entry = { name, period: "D1-00", ...(cluster ? { cluster } : {}) } as HostContext["entry"];
    if (file) h.assignment = { file } as HostContext["assignment"];
    return h;
  };
  const a = job("a", "n1", "04:00", "08:00");
  const b = job("b", "n2", "07:00", "09:00");

  it("holds the later node of a unit's cluster, marks its result and reports at its assignment file", () => {
    const results = [result("n1"), result("n2")];
    const findings: Diagnostic[] = [];
    const unit = [host("n1", "sql", "windows/assignments/a.yaml"), host("n2", "sql", "windows/assignments/b.yaml")];
    expect(clusterSafetyPass(unit, [b, a], results, findings)).toEqual([a]);
    expect(results[1]).toMatchObject({ status: "noncompliant", held: ["KB1"] });
    expect(findings.map((d) => [d.code, d.file])).toEqual([["cluster-held", "windows/assignments/b.yaml"]]);
    const noFile: Diagnostic[] = [];
    clusterSafetyPass([host("n1", "sql", null), host("n2", "sql", null)], [a, b], [], noFile);
    expect(noFile.map((d) => d.file)).toEqual([null]);
  });

  it("a unit with fewer than two clustered hosts keeps every job, as a copy", () => {
    const findings: Diagnostic[] = [];
    const jobs = [a, b];
    const one = clusterSafetyPass([host("n1", "sql", null), host("n2", null, null)], jobs, [], findings);
    expect(one).toEqual([a, b]);
    expect(one).not.toBe(jobs);
    expect(findings).toEqual([]);
  });
});
