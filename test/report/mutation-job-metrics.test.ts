// Job success from job results written out by hand: repeats counted once (the host in any case), each retry an
// attempt, uninstalls left out, codes and hosts ordered by failures then name, and the step summary's section in full.
import { describe, expect, it } from "vitest";
import type { JobResult } from "../../reconciler/model/job-result.js";
import { distinctResults, jobMetrics, jobSuccessMarkdown } from "../../reconciler/report/job-metrics.js";

const result = (
  jobId: string,
  host: string,
  finishedAt: string,
  updates: JobResult["updates"],
  type: JobResult["type"] = "install",
): JobResult => ({ jobId, host, type, status: "succeeded", updates, finishedAt });
const ok = { status: "succeeded" as const };
const fail = (code?: string) => ({ status: "failed" as const, ...(code ? { code } : {}) });

const RESULTS: JobResult[] = [
  result("j2", "h2", "2026-12-10T13:00:00Z", { KB1: fail("0x1"), kb2: fail() }),
  result("j1", "h1", "2026-12-10T12:00:00Z", { KB1: fail("0x1") }),
  // The same result again, the host in other case and the instant in another zone: counted once.
  result("j1", "H1", "2026-12-10T13:00:00+01:00", { KB1: fail("0x1") }),
  // A retry of j1 later: another attempt.
  result("j1", "h1", "2026-12-10T14:00:00Z", { KB1: ok }),
  result("j3", "h3", "2026-12-10T12:00:00Z", { KB2: fail("0x2"), KB3: ok }),
  result("j4", "h1", "2026-12-10T15:00:00Z", { KB1: fail("0x2") }, "uninstall"),
];

describe("jobMetrics", () => {
  it("distinct results in key order", () => {
    expect(distinctResults(RESULTS).map((r) => `${r.jobId}@${r.finishedAt}`)).toEqual([
      "j1@2026-12-10T12:00:00Z",
      "j1@2026-12-10T14:00:00Z",
      "j4@2026-12-10T15:00:00Z",
      "j2@2026-12-10T13:00:00Z",
      "j3@2026-12-10T12:00:00Z",
    ]);
  });

  it("attempts, successes, codes and failing hosts", () => {
    const m = jobMetrics(RESULTS);
    expect(m).toEqual({
      results: 5,
      updates: [
        { id: "KB1", attempts: 3, succeeded: 1, failed: 2, successRatio: 0.333 },
        { id: "KB2", attempts: 2, succeeded: 0, failed: 2, successRatio: 0 },
        { id: "KB3", attempts: 1, succeeded: 1, failed: 0, successRatio: 1 },
      ],
      failuresByCode: [
        { code: "0x1", failures: 2 },
        { code: "0x2", failures: 1 },
        { code: "unknown", failures: 1 },
      ],
      topFailingHosts: [
        { host: "h2", failures: 2, updates: ["KB1", "KB2"] },
        { host: "h1", failures: 1, updates: ["KB1"] },
        { host: "h3", failures: 1, updates: ["KB2"] },
      ],
    });
  });

  it("at most ten failing hosts", () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      result(`j${i}`, `h${String(i).padStart(2, "0")}`, "2026-12-10T12:00:00Z", { KB1: fail("0x1") }),
    );
    expect(jobMetrics(many).topFailingHosts.map((h) => h.host)).toEqual([
      "h00",
      "h01",
      "h02",
      "h03",
      "h04",
      "h05",
      "h06",
      "h07",
      "h08",
      "h09",
    ]);
  });
});

describe("jobSuccessMarkdown", () => {
  it("nothing before the first result", () => {
    expect(jobSuccessMarkdown(jobMetrics([]))).toBe("");
  });

  it("the worst updates first, then codes and hosts", () => {
    expect(jobSuccessMarkdown(jobMetrics(RESULTS))).toBe(
      [
        "",
        "### Job success (5 job results)",
        "",
        "| update | attempts | succeeded | failed | success ratio |",
        "|---|---|---|---|---|",
        "| KB2 | 2 | 0 | 2 | 0% |",
        "| KB1 | 3 | 1 | 2 | 33.3% |",
        "| KB3 | 1 | 1 | 0 | 100% |",
        "",
        "Failures by code: `0x1` 2 · `0x2` 1 · `unknown` 1",
        "Top failing hosts: h2 (2), h1 (1), h3 (1)",
        "",
      ].join("\n"),
    );
  });

  it("one result, no failure", () => {
    expect(jobSuccessMarkdown(jobMetrics([result("j1", "h1", "2026-12-10T12:00:00Z", { KB1: ok })]))).toBe(
      [
        "",
        "### Job success (1 job result)",
        "",
        "| update | attempts | succeeded | failed | success ratio |",
        "|---|---|---|---|---|",
        "| KB1 | 1 | 1 | 0 | 100% |",
        "",
        "No failures.",
        "",
      ].join("\n"),
    );
  });
});
