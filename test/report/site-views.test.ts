import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HostResult, Job, Plan } from "../../reconciler/model/plan.js";
import { compareHosts, compareJobs } from "../../reconciler/plan/reconcile.js";
import { metrics, type UpdateMetrics } from "../../reconciler/report/metrics.js";
import { chartedUpdates } from "../../reconciler/report/site/build.js";
import { launchChromium } from "../helpers/browser.js";
import { FIXTURES, ROOT, tempRepo } from "../helpers/repo.js";
import { writeReport } from "../helpers/report.js";

// Screenshots are rewritten only on purpose: UPDATE_GOLDEN=1 npx vitest run test/report/site-views.test.ts
const UPDATE = process.env.UPDATE_GOLDEN === "1";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

function host(name: string, over: Partial<HostResult>): HostResult {
  return {
    host: name,
    status: "compliant",
    owner: "payments-dba",
    period: "D1-04",
    cluster: null,
    role: "sql",
    scannedAt: "2026-12-10T04:00:00Z",
    baselines: [],
    counts: {},
    updates: {},
    aboveBaseline: [],
    os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
    ...over,
  };
}

function job(h: string, over: Partial<Job>): Job {
  return {
    id: "0123456789abcdef",
    type: "install",
    host: h,
    owner: "payments-dba",
    updates: ["KB5035857"],
    timeline: "standard",
    period: "D1-04",
    window: { start: "2026-12-12T12:00:00Z", end: "2026-12-12T16:00:00Z" },
    deadline: "2026-12-12T16:00:00Z",
    enforcement: { forceInstall: true, forceRestart: true },
    priority: "normal",
    pre: [],
    post: [],
    reason: { summary: "x", files: [], commit: null },
    ...over,
  };
}

function metric(id: string, timeline: string, successRatio: number): UpdateMetrics {
  return {
    id,
    timeline,
    approvedAt: null,
    hoursTo60: null,
    hoursTo80: null,
    hoursTo90: null,
    testPassedAt: null,
    table4: { testTo60: null, from60To80: null, from80To90: null },
    successRatio,
    saturation: [
      { at: "2026-12-01T00:00:00Z", ratio: successRatio / 2 },
      { at: "2026-12-02T00:00:00Z", ratio: successRatio },
    ],
  };
}

describe("what owners and auditors see on the status site", () => {
  it("charts open emergency updates first, then the lowest saturation, not the alphabet", () => {
    const list = [
      metric("KB0001", "standard", 1),
      metric("KB0002", "standard", 0.95),
      metric("KB0003", "standard", 0.4),
      metric("KB9999", "emergency", 0.7),
      metric("KB9998", "emergency", 1),
    ];
    expect(chartedUpdates(list, 3).map((u) => u.id)).toEqual(["KB9999", "KB0003", "KB0002"]);
  });

  it("shows update facts, OS and build, job kinds, deferred updates, views by severity and OS, and CSV downloads", async () => {
    const plan = JSON.parse(await readFile(join(FIXTURES, "plan-basic", "expected", "plan.json"), "utf8")) as Plan;
    plan.summary.updates.KB5035857 = {
      decision: "approved",
      decidedBy: "file",
      file: "policies/updates/kb5035857.yaml",
      timeline: "emergency",
      approvedAt: "2026-12-09T00:00:00Z",
      states: { installed: 1, overdue: 1 },
      held: null,
    };
    plan.summary.updates.KB3042553 = {
      decision: "approved",
      decidedBy: "file",
      file: "policies/updates/kb3042553.yaml",
      timeline: "standard",
      approvedAt: "2026-12-01T00:00:00Z",
      states: { deferred: 3 },
      held: null,
    };
    const hosts = [
      host("pay-app-05", {
        status: "noncompliant",
        counts: { overdue: 1, deferred: 1 },
        updates: { KB5035857: "overdue", KB3042553: "deferred" },
        os: { family: "windows", name: "Windows Server 2019", version: "10.0.17763.5458" },
        failures: { KB5035857: { code: "0x80240022", at: "2026-12-09T14:10:00Z", attempts: 2 } },
      }),
      // Compact lines, as `plan` writes them: the installed update is counted, not listed.
      host("pay-sql-01", { counts: { installed: 1, deferred: 1 }, updates: { KB3042553: "deferred" } }),
      host("pay-sql-02", { counts: { deferred: 1 }, updates: { KB3042553: "deferred" } }),
      host("new-01", { status: "stale", owner: null, os: undefined }),
    ];
    const jobs = [
      job("pay-app-05", {
        type: "isolate",
        timeline: "immediate",
        window: { start: "2026-12-10T09:00:00Z", end: "2026-12-10T10:00:00Z" },
        enforcement: { forceInstall: false, forceRestart: false },
        priority: "high",
      }),
      job("pay-app-05", { timeline: "emergency", priority: "high" }),
    ];
    const info = new Map([
      [
        "KB5035857",
        {
          title: "March 2024 cumulative update for Windows Server 2022",
          vendor: "Microsoft",
          severity: "critical",
          classification: "security",
          released: "2024-03-12",
          cves: ["CVE-2024-21407"],
        },
      ],
      [
        "KB3042553",
        {
          title: "MS15-034: HTTP.sys remote code execution",
          vendor: "Microsoft",
          severity: "critical",
          classification: "security",
          released: "2015-04-14",
          cves: [],
        },
      ],
    ]);
    // In file order, as a plan writes them: hosts by lower-case name, jobs by window, host, type.
    hosts.sort(compareHosts);
    jobs.sort(compareJobs);
    const site = join(await tempRepo("minimal"), "site");
    const c = (await writeReport({ plan, hosts, jobs }, { metrics: metrics([]), info }, site)).compliance;
    const deferred = c.byUpdate.find((u) => u.id === "KB3042553")!;
    expect(deferred).toMatchObject({ deferred: 3, percent: null, fullyDeferred: true });

    const hostsCsv = await readFile(join(site, "hosts.csv"), "utf8");
    expect(hostsCsv.split("\r\n")[0]).toBe(
      "host,status,owner,period,cluster,role,os,os_version,scanned_at,open_updates,open",
    );
    expect(hostsCsv).toContain("pay-app-05,noncompliant,payments-dba,D1-04,,sql,Windows Server 2019,10.0.17763.5458,");
    expect(hostsCsv.trim().split("\r\n")).toHaveLength(1 + hosts.length);
    const updatesCsv = await readFile(join(site, "updates.csv"), "utf8");
    expect(updatesCsv).toContain(
      "KB3042553,MS15-034: HTTP.sys remote code execution,critical,security,2015-04-14,approved,standard,0,0,0,3,",
    );
    expect(updatesCsv).toMatch(/KB3042553,.*,deferred\r\n/);

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`file://${site}/index.html`);
    expect(await page.textContent("#verification-banner")).toContain("verification was OFF");
    const row = page.locator("#by-update tr", { hasText: "KB3042553" });
    expect(await row.locator("td").last().textContent()).toBe("deferred");
    expect(await page.locator("#by-update tr", { hasText: "KB5035857" }).textContent()).toContain("critical");
    expect(await page.locator("#by-severity tr", { hasText: "critical" }).count()).toBe(1);
    expect(await page.locator("#by-os tr", { hasText: "Windows Server 2019" }).locator("td").nth(1).textContent()).toBe(
      "1",
    );
    expect(await page.locator("#by-os tr", { hasText: "(not scanned)" }).count()).toBe(1);
    expect(await page.getAttribute("#csv-hosts", "href")).toBe("hosts.csv");
    if (UPDATE) await page.screenshot({ path: join(ROOT, "docs/img/site-index.png"), fullPage: true });

    await page.goto(`file://${site}/host.html?h=pay-app-05`);
    await page.waitForSelector("#jobs");
    const first = page.locator("#jobs tr").nth(1);
    expect(await first.textContent()).toContain("isolate: network port disabled until patched");
    expect(await first.textContent()).not.toContain("not forced");
    expect(await page.textContent("#os-build")).toBe("10.0.17763.5458");
    // The last job result (patchops plan --results): the failed update, the installer's code, when, and attempts.
    expect(await page.textContent("#failures")).toBe(
      "Last job failed: KB5035857 (0x80240022 at 2026-12-09T14:10:00Z, 2 attempts)",
    );
    expect(await page.textContent("#explain")).toContain("patchops explain --host pay-app-05");
    if (UPDATE) await page.screenshot({ path: join(ROOT, "docs/img/site-host-isolate.png"), fullPage: true });
    // Every update is listed on this line (none settled): the counts, and no note.
    expect(await page.textContent("#state-counts")).toBe("overdue 1 · deferred 1");
    expect(await page.locator("#compact-note").count()).toBe(0);

    // A compact line: the installed update is counted, not listed, and the page says so.
    await page.goto(`file://${site}/host.html?h=pay-sql-01`);
    await page.waitForSelector("#state-counts");
    expect(await page.textContent("#state-counts")).toBe("installed 1 · deferred 1");
    expect(await page.textContent("#compact-note")).toBe(
      "1 installed, superseded or not-applicable update is counted, not listed (a compact plan; plan --detail full lists them)",
    );

    await page.goto(`file://${site}/update.html?u=KB3042553`);
    await page.waitForSelector("#facts");
    expect(await page.textContent("#facts")).toContain("critical");
    expect(await page.textContent("#facts")).toContain("2015-04-14");
    expect(await page.textContent("#deferred")).toContain("Deferred on every host");
    if (UPDATE) await page.screenshot({ path: join(ROOT, "docs/img/site-update-deferred.png"), fullPage: true });
    await page.close();
  });
});
