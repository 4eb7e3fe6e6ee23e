// The compact host line, pinned by hand: a host with each update state, its counts per state (in the order of the
// state list) and only the unsettled ids listed; `--detail full` lists every id with the same counts.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HostResult } from "../../reconciler/model/plan.js";
import { parseResults } from "../../reconciler/results/parse.js";
import { sortResults } from "../../reconciler/results/read.js";
import { hostUpdates } from "../../reconciler/plan/passes/host-plan.js";
import { planFixture, readInventoryText } from "../helpers/plan-fixture.js";
import { FIXTURES } from "../helpers/repo.js";

const NOW = "2026-12-10T09:00:00Z";

// test/fixtures/plan-basic (its states in expected-full/hosts.ndjson) with two additions: a baseline that requires
// KB300 (SQL Server 2016 only) of every app host, so it is not-applicable there, and a failed job result for KB100
// on host-c, newer than host-c's scan.
const BASELINE = `apiVersion: patchops/v1
kind: Baseline
metadata:
  name: app
spec:
  selector: { role: app }
  requiredUpdates: [KB300]
  revision: 2026-07-01
`;
const RESULT = JSON.stringify({
  jobId: "61e649435c0ee676",
  host: "host-c",
  status: "failed",
  updates: { KB100: { status: "failed", code: "0x80240022" } },
  finishedAt: "2026-12-10T08:00:00Z",
});

async function planned(detail: "compact" | "full"): Promise<Map<string, string>> {
  const text = await readFile(join(FIXTURES, "plan-basic", "inventory.jsonl"), "utf8");
  const { inventory } = await readInventoryText(text);
  const parsed = parseResults(RESULT + "\n", "results.ndjson");
  expect(parsed.diagnostics).toEqual([]);
  const r = await planFixture({
    base: "plan-basic",
    files: { "baselines/app.yaml": BASELINE },
    hosts: inventory,
    now: NOW,
    input: { results: sortResults(parsed.results), detail },
  });
  expect(r.plan.detail).toBe(detail);
  return new Map(r.hosts.map((h) => [h.host, JSON.stringify(h)]));
}

const OS = '"os":{"family":"windows","name":"Windows Server 2022","version":"10.0.20348.2340"},"estimated":true}';
const HEAD = (host: string, status: string, period: string) =>
  `{"host":"${host}","status":"${status}","owner":"team-a","period":"${period}","cluster":null,"role":"app","scannedAt":"2026-12-10T04:00:00Z","baselines":["app"],`;

describe("a compact host line (plan's default)", async () => {
  const compact = await planned("compact");
  const full = await planned("full");

  it("installed and not-applicable: counted, not listed", () => {
    expect(compact.get("host-a")).toBe(
      HEAD("host-a", "compliant", "D1-04") + '"counts":{"installed":2,"not-applicable":1},"updates":{},' + OS,
    );
    expect(full.get("host-a")).toBe(
      HEAD("host-a", "compliant", "D1-04") +
        '"counts":{"installed":2,"not-applicable":1},"updates":{"KB100":"installed","KB300":"not-applicable","KB400":"installed"},"aboveBaseline":[],' +
        OS,
    );
  });

  it("superseded: counted, not listed; the installed id nobody approved (KB101): counted, not listed", () => {
    expect(compact.get("host-b")).toBe(
      HEAD("host-b", "compliant", "D1-08") +
        '"counts":{"installed":1,"superseded":1,"not-applicable":1},"updates":{},"aboveBaselineCount":1,' +
        OS,
    );
    expect(full.get("host-b")).toBe(
      HEAD("host-b", "compliant", "D1-08") +
        '"counts":{"installed":1,"superseded":1,"not-applicable":1},"updates":{"KB100":"superseded","KB300":"not-applicable","KB400":"installed"},"aboveBaseline":["KB101"],' +
        OS,
    );
  });

  it("failed: listed, with the failure", () => {
    expect(compact.get("host-c")).toBe(
      HEAD("host-c", "noncompliant", "D2-04") +
        '"counts":{"installed":1,"not-applicable":1,"failed":1},"updates":{"KB100":"failed"},' +
        '"failures":{"KB100":{"code":"0x80240022","at":"2026-12-10T08:00:00Z","attempts":1}},' +
        OS,
    );
  });

  it("deferred and exempt: listed, with the exemption", () => {
    expect(compact.get("host-d")).toBe(
      HEAD("host-d", "compliant", "D2-08") +
        '"counts":{"installed":1,"not-applicable":1,"deferred":1},"updates":{"KB100":"deferred"},"exemptions":["defer-d"],' +
        OS,
    );
    expect(compact.get("host-e")).toBe(
      HEAD("host-e", "noncompliant", "D3-04") +
        '"counts":{"installed":1,"not-applicable":1,"exempt":1},"updates":{"KB100":"exempt"},"exemptions":["noforce-e"],' +
        OS,
    );
  });

  it("missing and rejected-installed: listed", () => {
    expect(compact.get("host-f")).toBe(
      HEAD("host-f", "noncompliant", "D3-08") +
        '"counts":{"installed":1,"missing":1,"not-applicable":1,"rejected-installed":1},"updates":{"KB100":"missing","KB200":"rejected-installed"},"aboveBaselineCount":1,' +
        OS,
    );
  });

  it("overdue and pending-reboot: listed", () => {
    expect(compact.get("host-g")).toBe(
      HEAD("host-g", "noncompliant", "D4-04") +
        '"counts":{"overdue":1,"not-applicable":1,"pending-reboot":1},"updates":{"KB100":"pending-reboot","KB400":"overdue"},' +
        OS,
    );
  });

  it("blocked and missing: listed, with what blocks it", () => {
    expect(compact.get("host-h")).toBe(
      HEAD("host-h", "noncompliant", "D4-08") +
        '"counts":{"installed":2,"missing":1,"not-applicable":1,"blocked":1},"updates":{"KB302":"blocked","SYN-1":"missing"},"aboveBaselineCount":1,"blockedBy":{"KB302":["KB303"]},' +
        OS,
    );
  });

  it("never scanned: no counts, nothing listed", () => {
    expect(compact.get("silent")).toBe(
      '{"host":"silent","status":"unscanned","owner":"team-a","period":"D4-12","cluster":null,"role":"app","scannedAt":null,"baselines":["app"],"counts":{},"updates":{},"notes":["assigned but absent from the inventory: its agent is not reporting"]}',
    );
  });

  it("a full line differs only in listing the settled ids and the ids above the baseline too", () => {
    for (const [host, line] of compact) {
      const c = JSON.parse(line) as HostResult;
      const f = JSON.parse(full.get(host)!) as HostResult;
      const unsettled = Object.fromEntries(
        Object.entries(f.updates).filter(([, s]) => !["installed", "superseded", "not-applicable"].includes(s)),
      );
      const { aboveBaseline, ...rest } = f;
      const above = aboveBaseline!.length > 0 ? { aboveBaselineCount: aboveBaseline!.length } : {};
      expect({ ...rest, updates: unsettled, ...above }, host).toEqual(c);
    }
  });
});

describe("hostUpdates", () => {
  it("counts every state in the order of the state list and lists the unsettled ones in id order", () => {
    // One id per state, in no particular order (the evaluation's order is not the file's).
    const states = new Map([
      ["KB11", "failed"],
      ["KB02", "superseded"],
      ["KB10", "rejected-installed"],
      ["KB01", "installed"],
      ["KB05", "not-applicable"],
      ["KB04", "overdue"],
      ["KB03", "missing"],
      ["KB06", "exempt"],
      ["KB08", "blocked"],
      ["KB07", "deferred"],
      ["KB09", "pending-reboot"],
      ["KB00", "installed"],
    ] as const);
    const compact = hostUpdates(states, "compact");
    expect(JSON.stringify(compact)).toBe(
      '{"counts":{"installed":2,"superseded":1,"missing":1,"overdue":1,"not-applicable":1,"exempt":1,"deferred":1,"blocked":1,"pending-reboot":1,"rejected-installed":1,"failed":1},' +
        '"updates":{"KB03":"missing","KB04":"overdue","KB06":"exempt","KB07":"deferred","KB08":"blocked","KB09":"pending-reboot","KB10":"rejected-installed","KB11":"failed"}}',
    );
    const full = hostUpdates(states, "full");
    expect(full.counts).toEqual(compact.counts);
    expect(Object.keys(full.updates)).toEqual([
      "KB00",
      "KB01",
      "KB02",
      "KB03",
      "KB04",
      "KB05",
      "KB06",
      "KB07",
      "KB08",
      "KB09",
      "KB10",
      "KB11",
    ]);
    expect(hostUpdates(new Map(), "compact")).toEqual({ counts: {}, updates: {} });
    // An id such as __proto__ stays an own key.
    expect(Object.keys(hostUpdates(new Map([["__proto__", "missing"]] as const), "compact").updates)).toEqual([
      "__proto__",
    ]);
  });
});
