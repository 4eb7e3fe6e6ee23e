import { describe, expect, it } from "vitest";
import type { JobResult } from "../../reconciler/model/job-result.js";
import { jobMetrics, jobSuccessMarkdown } from "../../reconciler/report/job-metrics.js";
import { metrics } from "../../reconciler/report/metrics.js";
import type { StatusSnapshot } from "../../reconciler/report/snapshot.js";

const r = (host: string, jobId: string, at: string, updates: JobResult["updates"]): JobResult => ({
  jobId,
  host,
  type: "install",
  status: Object.values(updates).some((u) => u.status === "failed") ? "failed" : "succeeded",
  updates,
  finishedAt: at,
});

describe("job-success metrics", () => {
  const results = [
    r("a", "j1", "2026-12-10T12:00:00Z", {
      KB1: { status: "succeeded" },
      KB2: { status: "failed", code: "0x80240022" },
    }),
    r("b", "j2", "2026-12-10T13:00:00Z", { KB1: { status: "failed", code: "0x80070643" } }),
    r("b", "j3", "2026-12-11T13:00:00Z", { KB1: { status: "failed", code: "0x80070643" } }),
    r("c", "j4", "2026-12-10T14:00:00Z", { KB1: { status: "succeeded" } }),
  ];

  it("counts the success ratio per update, failures per code and the top failing hosts", () => {
    const m = jobMetrics(results);
    expect(m.results).toBe(4);
    expect(m.updates).toEqual([
      { id: "KB1", attempts: 4, succeeded: 2, failed: 2, successRatio: 0.5 },
      { id: "KB2", attempts: 1, succeeded: 0, failed: 1, successRatio: 0 },
    ]);
    expect(m.failuresByCode).toEqual([
      { code: "0x80070643", failures: 2 },
      { code: "0x80240022", failures: 1 },
    ]);
    expect(m.topFailingHosts).toEqual([
      { host: "b", failures: 2, updates: ["KB1"] },
      { host: "a", failures: 1, updates: ["KB2"] },
    ]);
  });

  it("counts a result recorded in several snapshots (or also given to report) once", () => {
    const snap = (now: string, jobResults: JobResult[]): StatusSnapshot => ({
      apiVersion: "patchops/v1",
      kind: "StatusSnapshot",
      now,
      policyRevision: null,
      approvalVerification: "verified",
      hosts: 3,
      byStatus: { compliant: 1, noncompliant: 2, stale: 0, unscanned: 0, unmanaged: 0 },
      jobs: { install: 0, synthetic: 0, healthcheck: 0, isolate: 0, notify: 0, uninstall: 0, restart: 0 },
      updates: {},
      byOwner: {},
      jobResults,
    });
    const m = metrics(
      [snap("2026-12-10T18:00:00Z", results.slice(0, 3)), snap("2026-12-11T18:00:00Z", results)],
      results,
    );
    expect(m.jobs).toEqual(jobMetrics(results));
  });

  it("renders a job-success section for the step summary, worst updates first", () => {
    expect(jobSuccessMarkdown(jobMetrics(results))).toBe(
      [
        "",
        "### Job success (4 job results)",
        "",
        "| update | attempts | succeeded | failed | success ratio |",
        "|---|---|---|---|---|",
        "| KB2 | 1 | 0 | 1 | 0% |",
        "| KB1 | 4 | 2 | 2 | 50% |",
        "",
        "Failures by code: `0x80070643` 2 · `0x80240022` 1",
        "Top failing hosts: b (2), a (1)",
        "",
      ].join("\n"),
    );
    expect(jobSuccessMarkdown(jobMetrics([]))).toBe("");
  });
});
