// The auditors' CSV files written out in full for a small input: headers, one row per host and per approved update,
// empty cells for what is unknown, the formula guard and RFC 4180 quoting, with CRLF line ends.
import { describe, expect, it } from "vitest";
import type { HostResult } from "../../reconciler/model/plan.js";
import type { UpdateCompliance } from "../../reconciler/report/compliance.js";
import { csvCell, hostsCsv, updatesCsv } from "../../reconciler/report/csv.js";
import type { UpdateInfo } from "../../reconciler/report/update-info.js";

const host = (name: string, over: Partial<HostResult>): HostResult => ({
  host: name,
  status: "compliant",
  owner: null,
  period: null,
  cluster: null,
  role: null,
  scannedAt: null,
  baselines: [],
  counts: {},
  updates: {},
  aboveBaseline: [],
  ...over,
});

describe("csvCell", () => {
  it("empty for null and undefined; numbers and booleans as written; a formula lead only on strings", () => {
    expect([null, undefined, 0, -1, true, false, "", "a"].map(csvCell)).toEqual([
      "",
      "",
      "0",
      "-1",
      "true",
      "false",
      "",
      "a",
    ]);
    expect(["=1", "+1", "-1", "@x", "\tx", "\rx"].map(csvCell)).toEqual([
      "'=1",
      "'+1",
      "'-1",
      "'@x",
      "'\tx",
      '"\'\rx"',
    ]);
    expect(["a,b", 'say "hi"', "a\nb", "a=b"].map(csvCell)).toEqual(['"a,b"', '"say ""hi"""', '"a\nb"', "a=b"]);
  });
});

describe("hostsCsv", () => {
  it("a header, then one row per host with its open updates", () => {
    const rows = [
      ...hostsCsv([
        host("h1", {
          status: "noncompliant",
          owner: "team-a",
          period: "D1-04",
          cluster: "sql",
          role: "db",
          scannedAt: "2026-12-10T04:00:00Z",
          os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
          updates: { KB1: "missing", KB2: "installed", KB3: "failed", KB4: "exempt", KB5: "deferred" },
        }),
        host("h2", { os: { family: "linux", name: null, version: "22.04" } }),
        host("=h3", { status: "unscanned" }),
      ]),
    ];
    expect(rows).toEqual([
      "host,status,owner,period,cluster,role,os,os_version,scanned_at,open_updates,open\r\n",
      "h1,noncompliant,team-a,D1-04,sql,db,Windows Server 2022,10.0.20348.2113,2026-12-10T04:00:00Z,3,KB1:missing KB3:failed KB4:exempt\r\n",
      "h2,compliant,,,,,linux,22.04,,0,\r\n",
      "'=h3,unscanned,,,,,,,,0,\r\n",
    ]);
  });
});

describe("updatesCsv", () => {
  const u = (id: string, over: Partial<UpdateCompliance>): UpdateCompliance => ({
    id,
    decision: "approved",
    timeline: "standard",
    installed: 2,
    missing: 1,
    notApplicable: 3,
    exempt: 0,
    deferred: 0,
    unscanned: 1,
    percent: 50,
    fullyDeferred: false,
    ...over,
  });
  const info = new Map<string, UpdateInfo>([
    [
      "KB1",
      {
        title: "Cumulative Update, December",
        vendor: "Microsoft",
        severity: "critical",
        classification: "security",
        released: "2026-12-08",
        cves: [],
      },
    ],
  ]);
  it("a header, the update's description when known, and deferred instead of a percentage", () => {
    expect(
      updatesCsv(
        [
          u("KB1", {}),
          u("KB2", { timeline: "emergency", deferred: 2, percent: null, fullyDeferred: true, installed: 0 }),
        ],
        info,
      ),
    ).toBe(
      "update,title,severity,classification,released,decision,timeline,installed,missing,exempt,deferred,not_applicable,unscanned,percent\r\n" +
        'KB1,"Cumulative Update, December",critical,security,2026-12-08,approved,standard,2,1,0,0,3,1,50\r\n' +
        "KB2,,,,,approved,emergency,0,1,0,2,3,1,deferred\r\n",
    );
    expect(updatesCsv([], info)).toBe(
      "update,title,severity,classification,released,decision,timeline,installed,missing,exempt,deferred,not_applicable,unscanned,percent\r\n",
    );
  });
});
