// The plan run's exposure judgment (exposure.ndjson) and the page that reads it. The rule (docs/commands.md, exposure):
// a host is exposed to a CVE when no update that fixes it is installed, superseded or rejected-installed there, and at
// least one of them applies and is not done (missing, overdue, blocked, pending-reboot, failed, exempt, deferred).
// Every expected line below is worked out by hand from that rule.
import { describe, expect, it } from "vitest";
import type { ExposureLine, HostResult, Plan, UpdateState } from "../../reconciler/model/plan.js";
import { ExposureLines, ExposureTally, type ExploitedUpdate } from "../../reconciler/plan/exposure.js";
import { exposureBody } from "../../reconciler/report/site/exposure-page.js";
import type { UpdateInfo } from "../../reconciler/report/update-info.js";
import { exposureText } from "../../reconciler/views/exposure.js";

const fix = (id: string, cves: string[]): ExploitedUpdate => ({
  id,
  cves,
  sources: ["cisa-kev"],
  since: "2026-12-01",
  timeline: "emergency",
  decision: "approved",
});
// CVE-2026-0001 is fixed by KBA and by KBB; CVE-2026-0002 by KBB alone.
const UPDATES = [fix("KBA", ["CVE-2026-0001"]), fix("KBB", ["cve-2026-0001", "CVE-2026-0002"])];

const line = (host: string, extra: Partial<HostResult> = {}): HostResult => ({
  host,
  status: "noncompliant",
  owner: "team-a",
  period: "D1-04",
  cluster: null,
  role: null,
  scannedAt: "2026-12-10T04:00:00Z",
  baselines: [],
  counts: {},
  updates: {},
  aboveBaseline: [],
  ...extra,
});
const judge = (states: Record<string, UpdateState>, extra: Partial<HostResult> = {}) =>
  new ExposureLines(UPDATES).lineOf(line("h", extra), new Map(Object.entries(states)));

describe("ExposureLines: one host's exposure from every state the plan run measured", () => {
  it("KBA installed, KBB not-applicable: fixed, not exposed to either CVE", () => {
    expect(judge({ KBA: "installed", KBB: "not-applicable" })).toBeNull();
  });

  it("KBA missing, KBB not-applicable: exposed to CVE-0001 by KBA; CVE-0002's only fix does not apply", () => {
    expect(judge({ KBA: "missing", KBB: "not-applicable" })).toEqual({
      host: "h",
      owner: "team-a",
      status: "noncompliant",
      cves: { "CVE-2026-0001": { KBA: "missing" } },
    });
  });

  it("KBA and KBB not-applicable: nothing applies, not exposed", () => {
    expect(judge({ KBA: "not-applicable", KBB: "not-applicable" })).toBeNull();
  });

  it("KBA missing, KBB installed (what a compact line cannot show): not exposed", () => {
    expect(judge({ KBA: "missing", KBB: "installed" })).toBeNull();
  });

  it("KBA superseded or rejected-installed counts as fixed: only CVE-0002 stays open by KBB", () => {
    const only2 = { "CVE-2026-0002": { KBB: "overdue" } };
    expect(judge({ KBA: "superseded", KBB: "overdue" })?.cves).toEqual(only2);
    expect(judge({ KBA: "rejected-installed", KBB: "overdue" })?.cves).toEqual(only2);
  });

  it("KBA blocked, KBB deferred: exposed to both CVEs, every open fix named in id order, estimated kept", () => {
    expect(judge({ KBB: "deferred", KBA: "blocked" }, { estimated: true })).toEqual({
      host: "h",
      owner: "team-a",
      status: "noncompliant",
      estimated: true,
      cves: { "CVE-2026-0001": { KBA: "blocked", KBB: "deferred" }, "CVE-2026-0002": { KBB: "deferred" } },
    });
    expect(Object.keys(judge({ KBB: "exempt", KBA: "failed" })!.cves["CVE-2026-0001"]!)).toEqual(["KBA", "KBB"]);
    expect(judge({ KBA: "pending-reboot" })?.cves).toEqual({ "CVE-2026-0001": { KBA: "pending-reboot" } });
  });

  it("not measured at all, or an unscanned host: no line (an unscanned host's exposure is unknown)", () => {
    expect(judge({})).toBeNull();
    expect(judge({ KBA: "missing" }, { status: "unscanned" })).toBeNull();
  });
});

// A plan with the two updates, for the page (only the fields the page reads matter; the rest are as a plan writes).
const PLAN: Plan = {
  apiVersion: "patchops/v1",
  kind: "Plan",
  now: "2026-12-10T09:00:00Z",
  policyRevision: "0".repeat(40),
  approvalVerification: "off",
  inputs: null,
  shard: null,
  detail: "compact",
  summary: {
    hosts: 3,
    byStatus: { compliant: 0, noncompliant: 3, stale: 0, unmanaged: 0, unscanned: 0 },
    jobs: { install: 0, synthetic: 0, healthcheck: 0, isolate: 0, notify: 0, uninstall: 0, restart: 0 },
    updates: Object.fromEntries(
      ["KBA", "KBB"].map((id) => [
        id,
        {
          decision: "approved" as const,
          decidedBy: null,
          file: null,
          timeline: id === "KBA" ? ("emergency" as const) : ("standard" as const),
          approvedAt: null,
          states: {},
          held: null,
        },
      ]),
    ),
  },
  pilot: { hosts: [], window: null },
  findings: [],
};
const info = (cves: string[]): UpdateInfo => ({
  title: "t",
  vendor: "microsoft",
  severity: "important",
  classification: "security",
  released: "2026-12-01",
  cves,
  exploited: { sources: ["cisa-kev", "<b>vendor</b>"], since: "2026-12-01" },
});
const rowsOf = (page: string) => [...page.matchAll(/<tr><td>(.*?)<\/td><\/tr>/g)].map((m) => m[1]);

describe("the exposure page reads exposure.ndjson", () => {
  it("counts and lists exactly the lines, with the timeline of each fix from the plan", () => {
    const lines: ExposureLine[] = [
      { host: "a", owner: "team-a", status: "noncompliant", cves: { "CVE-2026-0001": { KBA: "overdue" } } },
      {
        host: "b",
        owner: null,
        status: "stale",
        estimated: true,
        cves: { "CVE-2026-0001": { KBA: "missing", KBB: "missing" }, "CVE-2026-0002": { KBB: "missing" } },
      },
    ];
    const infos = new Map([
      ["KBA", info(["CVE-2026-0001"])],
      ["KBB", info(["CVE-2026-0001", "CVE-2026-0002"])],
    ]);
    const html = exposureBody(PLAN, { hosts: () => [], exposure: () => lines }, infos);
    expect(html).toContain("<p id=exposed-hosts>2 hosts exposed as of 2026-12-10T09:00:00Z.");
    expect(html).toContain("<h2>CVE-2026-0001: 2 hosts exposed</h2>");
    expect(html).toContain("<h2>CVE-2026-0002: 1 host exposed</h2>");
    expect(rowsOf(html)).toEqual([
      '<a href="host.html#a">a</a></td><td>team-a</td><td>KBA overdue (emergency)</td><td>agent scan',
      '<a href="host.html#b">b</a></td><td></td><td>KBA missing (emergency), KBB missing (standard)</td><td>estimated: no agent scan; matched from advisory text',
      '<a href="host.html#b">b</a></td><td></td><td>KBB missing (standard)</td><td>estimated: no agent scan; matched from advisory text',
    ]);
    expect(html).toContain("exploited per &lt;b&gt;vendor&lt;/b&gt;, cisa-kev since 2026-12-01");
  });

  it("escapes hostile host, owner, update and CVE text", () => {
    const evil = '"><script>alert(1)</script>';
    // The plan writes CVE ids in upper case, as the tally reads them.
    const cve = `CVE-2026-0003${evil.toUpperCase()}`;
    const id = `KB<i>${evil}`;
    const plan: Plan = {
      ...PLAN,
      summary: { ...PLAN.summary, updates: { [id]: PLAN.summary.updates.KBA! } },
    };
    const lines: ExposureLine[] = [
      { host: `h${evil}`, owner: `o${evil}`, status: "noncompliant", cves: { [cve]: { [id]: "missing" } } },
    ];
    const html = exposureBody(plan, { hosts: () => [], exposure: () => lines }, new Map([[id, info([cve])]]));
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<i>");
    const escaped = "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;";
    expect(html).toContain(`<a href="host.html#h%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E">h${escaped}</a>`);
    expect(html).toContain(`<td>o${escaped}</td>`);
    const upper = "&quot;&gt;&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;";
    expect(html).toContain(`<section class=cve id="CVE-2026-0003${upper}"><h2>CVE-2026-0003${upper}: 1 host`);
    expect(html).not.toContain("<SCRIPT>");
    expect(html).toContain(`<td>KB&lt;i&gt;${escaped} missing (emergency)</td>`);
  });

  it("a compact plan without exposure.ndjson: says so, counts nobody; a full one is judged from its lines", () => {
    const full = line("x", { updates: { KBA: "missing", KBB: "installed" } });
    const open = line("y", { updates: { KBA: "missing", KBB: "not-applicable" } });
    const infos = new Map([
      ["KBA", info(["CVE-2026-0001"])],
      ["KBB", info(["CVE-2026-0001"])],
    ]);
    const compact = exposureBody(PLAN, { hosts: () => [full, open] }, infos);
    expect(compact).toContain("<p id=no-exposure>This plan has no exposure.ndjson");
    expect(compact).not.toContain("exposed-hosts");
    const asFull = exposureBody({ ...PLAN, detail: "full" }, { hosts: () => [full, open] }, infos);
    expect(asFull).toContain("<p id=exposed-hosts>1 host exposed");
    expect(rowsOf(asFull)).toEqual([
      '<a href="host.html#y">y</a></td><td>team-a</td><td>KBA missing (emergency)</td><td>agent scan',
    ]);
  });

  it("the tally counts every line but lists at most its limit", () => {
    const t = new ExposureTally(UPDATES, "CVE-2026-0002", "n", 1);
    for (const host of ["a", "b", "c"])
      t.addLine({ host, owner: null, status: "noncompliant", cves: { "CVE-2026-0001": { KBA: "missing" } } });
    t.addLine({ host: "d", owner: null, status: "noncompliant", cves: { "CVE-2026-0002": { KBB: "failed" } } });
    t.addLine({ host: "e", owner: null, status: "noncompliant", cves: { "CVE-2026-0002": { KBB: "failed" } } });
    const x = t.result();
    expect(x.exposedHosts).toBe(2);
    expect(x.cves.map((c) => [c.cve, c.count, c.hosts.map((h) => h.host)])).toEqual([["CVE-2026-0002", 2, ["d"]]]);
  });
});

describe("exposure as text", () => {
  it("keeps hostile host, owner, source and update text on its own line", () => {
    const t = new ExposureTally(
      [{ ...fix("KB1\nforged: 0 hosts exposed", ["CVE-2026-0001"]), sources: ["kev\r\nforged"] }],
      null,
      "2026-12-10T09:00:00Z",
    );
    t.addLine({
      host: "h\nforged",
      owner: "o\u2028x",
      status: "noncompliant",
      cves: { "CVE-2026-0001": { "KB1\nforged: 0 hosts exposed": "missing" } },
    });
    expect(exposureText(t.result()).split("\n")).toEqual([
      "CVE-2026-0001 (exploited per kev\\r\\nforged since 2026-12-01; fixed by KB1\\nforged: 0 hosts exposed): 1 host exposed",
      "  h\\nforged  KB1\\nforged: 0 hosts exposed missing (emergency)  owner o\\u2028x",
      "1 host exposed as of 2026-12-10T09:00:00Z",
      "",
    ]);
  });
});
