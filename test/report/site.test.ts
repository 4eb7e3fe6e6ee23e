import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HostResult, Plan } from "../../reconciler/model/plan.js";
import { metrics } from "../../reconciler/report/metrics.js";
import { cli, commitAll, FIXTURES, tempRepo } from "../helpers/repo.js";
import { writeReport } from "../helpers/report.js";
import { chromiumPath } from "../helpers/system-tools.js";

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});
afterAll(async () => browser?.close());

const OPEN = ["missing", "overdue", "blocked", "pending-reboot", "exempt"];

describe("the status site in a real browser", () => {
  it("searches a host, shows the figures of the plan, and renders metrics from the status history", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "policy", "2026-11-22T12:00:00Z");
    const inv = join(repo, "examples/inventory.jsonl");
    for (const now of ["2026-12-10T05:00:00Z", "2026-12-10T09:00:00Z"]) {
      await cli(
        "plan",
        "--repo",
        repo,
        "--inventory",
        inv,
        "--out",
        join(repo, "plan"),
        "--now",
        now,
        "--no-verify-approvals",
      );
      await cli("status", "record", "--repo", repo, "--plan", join(repo, "plan"));
    }
    const site = join(repo, "site");
    const r = await cli("report", "--repo", repo, "--plan", join(repo, "plan"), "--out", site);
    expect(r.code).toBe(0);
    const plan = JSON.parse(await readFile(join(repo, "plan/plan.json"), "utf8")) as Plan;
    const hosts = (await readFile(join(repo, "plan/hosts.ndjson"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as HostResult);

    const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`file://${site}/index.html`);
    expect(await page.textContent("#card-hosts b")).toBe(String(plan.summary.hosts));
    expect(await page.textContent("#card-compliant b")).toBe(String(plan.summary.byStatus.compliant));
    expect(await page.textContent("#card-stale b")).toBe(String(plan.summary.byStatus.stale));
    expect(await page.textContent("body")).toContain("2 snapshots");

    await page.fill("#q", "payments-dba");
    expect(await page.textContent("#count")).toBe(
      `${hosts.filter((h) => h.owner === "payments-dba").length} hosts match`,
    );
    await page.fill("#q", "pay-sql-04");
    expect(await page.textContent("#count")).toBe("1 host matches");
    await page.click("a[href='host.html?h=pay-sql-04']");
    await page.waitForSelector("#open-count");
    const h = hosts.find((x) => x.host === "pay-sql-04")!;
    expect(await page.textContent("#open-count")).toBe(
      String(Object.values(h.updates).filter((s) => OPEN.includes(s)).length),
    );
    expect(await page.textContent("#host")).toContain(`period ${h.period}`);
    const shot = join(repo, "status-site.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect((await stat(shot)).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("stays usable with 50,000 hosts: an index, paging, host data in chunks", async () => {
    const repo = await tempRepo("minimal");
    const plan = JSON.parse(await readFile(join(FIXTURES, "plan-basic", "expected", "plan.json"), "utf8")) as Plan;
    const hosts: HostResult[] = Array.from({ length: 50_000 }, (_, i) => ({
      host: `srv-${String(i).padStart(5, "0")}`,
      status: i % 10 === 0 ? "noncompliant" : "compliant",
      owner: `team-${i % 25}`,
      period: "D1-04",
      cluster: null,
      role: "app",
      scannedAt: "2026-12-10T04:00:00Z",
      baselines: [],
      // Compact lines, as `plan` writes them.
      counts: i % 10 === 0 ? { missing: 1 } : { installed: 1 },
      updates: i % 10 === 0 ? { KB100: "missing" as const } : ({} as HostResult["updates"]),
      aboveBaseline: [],
    }));
    const site = join(repo, "big");
    await writeReport({ plan, hosts, jobs: [] }, { metrics: metrics([]), info: new Map() }, site);
    expect((await readdir(join(site, "data"))).filter((f) => f.startsWith("hosts-")).length).toBe(100);
    const page = await browser.newPage();
    await page.goto(`file://${site}/index.html`);
    await page.fill("#q", "team-7");
    expect(await page.textContent("#count")).toBe("2000 hosts match");
    expect(await page.locator("#results tr").count()).toBe(51);
    await page.click("#next");
    expect(await page.textContent("#pager")).toContain("page 2 of 40");
    await page.goto(`file://${site}/host.html?h=srv-49990`);
    await page.waitForSelector("#open-count");
    expect(await page.textContent("#open-count")).toBe("1");
    await page.close();
  });
});
