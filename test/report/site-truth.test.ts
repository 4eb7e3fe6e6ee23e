// The status site tells an owner what to act on: each exemption as a risk accepted until a date under a ticket, the
// host's next deadline, and every time in UTC and in the host's own time zone (read in a real browser).
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policySourceFor } from "../../reconciler/app/policy-source.js";
import { loadPolicySet } from "../../reconciler/load/policy-set.js";
import { siteFactsOf } from "../../reconciler/report/site/policy-facts.js";
import { launchChromium } from "../helpers/browser.js";
import { cli, commitAll, tempDir, tempRepo } from "../helpers/repo.js";

let browser: Browser;
let site = "";
beforeAll(async () => {
  browser = await launchChromium();
  const repo = await tempRepo("example");
  commitAll(repo, "policy", "2026-11-22T12:00:00Z");
  const plan = join(await tempDir(), "plan");
  site = join(await tempDir(), "site");
  const inventory = join(repo, "examples/inventory.jsonl");
  const planned = await cli(
    "plan",
    "--repo",
    repo,
    "--inventory",
    inventory,
    "--out",
    plan,
    "--now",
    "2026-12-10T09:00:00Z",
    "--no-verify-approvals",
  );
  expect(planned.code).toBe(0);
  expect((await cli("report", "--repo", repo, "--plan", plan, "--out", site)).code).toBe(0);
}, 120_000);
afterAll(async () => browser?.close());

async function hostText(name: string): Promise<Record<string, string>> {
  const page = await browser.newPage();
  await page.goto(`file://${site}/host.html?h=${encodeURIComponent(name)}`);
  await page.waitForSelector("#next-deadline");
  const text = async (sel: string) => ((await page.locator(sel).count()) ? await page.locator(sel).innerText() : "");
  const out = {
    deadline: await text("#next-deadline"),
    exemptions: await text("#exemptions"),
    jobs: await text("#jobs"),
    all: await page.locator("#host").innerText(),
  };
  await page.close();
  return out;
}

describe("the host page", () => {
  it("gives a no-force host its next deadline in UTC and in its timetable's zone, and its exemption as an accepted risk", async () => {
    // pay-sql-03: payments-dba's timetable is datacenter (America/Los_Angeles); its install job's window is
    // 2026-12-12 12:00–16:00 UTC, deadline 16:00 UTC = 08:00 PST (UTC-8 since 1 November), a Saturday.
    const t = await hostText("pay-sql-03");
    expect(t.deadline).toMatch(
      /^next deadline 2026-12-12T16:00:00Z \(Sat,? 12 Dec 2026, 08:00 (GMT-8|PST)\) · time zone America\/Los_Angeles$/,
    );
    expect(t.jobs).toMatch(/2026-12-12T12:00:00Z \(Sat,? 12 Dec 2026, 04:00 (GMT-8|PST)\) – 2026-12-12T16:00:00Z/);
    expect(t.exemptions).toBe(
      "pay-sql-restart-control: never forced, still due by the deadline; risk accepted until 2027-01-31 (CHG-20431)",
    );
    expect(t.all).toMatch(/exempt risk accepted until 2027-01-31 \(CHG-20431\)/);
  });

  it("shows a deferred update as a risk accepted until the exemption expires, under its ticket", async () => {
    const t = await hostText("web-legacy-01");
    expect(t.all).toContain("KB3042553\tdeferred risk accepted until 2027-01-15 (RISK-0917)");
    expect(t.exemptions).toBe(
      "web-legacy-http-sys: deferred, not deployed; risk accepted until 2027-01-15 (RISK-0917)",
    );
    expect(t.deadline).toBe("next deadline none: nothing planned · time zone America/Los_Angeles");
  });
});

describe("a host's time zone from the policy", () => {
  it("is its assignment's timetable zone when named, its owner's zone when the owner has one, else unknown (UTC only)", async () => {
    const repo = await tempRepo("example");
    const facts = siteFactsOf((await loadPolicySet(await policySourceFor(repo, undefined))).set);
    // Named in web-platform-dublin.yaml (timetable dublin-weekly) and in payments-dba.yaml (datacenter).
    expect(facts.zoneOf({ host: "BUILD-01", owner: "web-platform" })).toBe("Europe/Dublin");
    expect(facts.zoneOf({ host: "pay-sql-03", owner: "payments-dba" })).toBe("America/Los_Angeles");
    // Selected by facts, not named: payments-dba plans only in Los Angeles time; web-platform in two zones.
    expect(facts.zoneOf({ host: "pay-sql-99", owner: "payments-dba" })).toBe("America/Los_Angeles");
    expect(facts.zoneOf({ host: "web-99", owner: "web-platform" })).toBeNull();
    expect(facts.zoneOf({ host: "stray", owner: null })).toBeNull();
    expect(facts.exemptions["web-legacy-http-sys"]).toEqual({
      type: "defer",
      expires: "2027-01-15",
      ticket: "RISK-0917",
      updates: ["KB3042553"],
    });
  });
});
