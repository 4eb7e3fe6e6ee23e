// Issue 31 point 8: a pilot override is shown on the status site, "pilot overridden by AUTHOR in COMMIT (PR #N):
// REASON", escaped (the reason is data, never markup), beside the update's approval time, which does not move.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../reconciler/model/plan.js";
import { metrics } from "../../reconciler/report/metrics.js";
import { launchChromium } from "../helpers/browser.js";
import { tempDir } from "../helpers/repo.js";
import { writeReport } from "../helpers/report.js";
import { LA_TIMETABLE, Scenario, assignmentDoc, policyDoc, scans, standardUpdate } from "../helpers/scenario.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

// December 2026: the pilot window is 9 Dec 02:00Z – 10 Dec 02:00Z; ref-1 never reports KB900, so the pilot fails.
const HOSTS = ["ref-1", "app-2", "app-3"];
const FILES = {
  "policies/policy.yaml": policyDoc(
    "  escalation: { afterHours: 24, action: isolate }\n  pilot: { minSuccessRatio: 1, hosts: { role: ref } }\n",
  ),
  "windows/timetables/dc.yaml": LA_TIMETABLE,
  "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
    "{ name: ref-1, period: D1-04, role: ref }",
    "{ name: app-2, period: D2-04, role: app }",
    "{ name: app-3, period: D3-04, role: app }",
  ]),
  "policies/updates/kb900.yaml": standardUpdate("KB900"),
};
const APPROVED = "2026-12-01T12:00:00Z";
/** A reason written to break out of HTML and Markdown: it must be shown as the text it is. */
const REASON = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> **bold** [x](javascript:alert(1)) & 'quoted'`;

/** The plan after the CAB's override commit (verification off: the reason only), and a verified copy of it. */
async function overridden(): Promise<{ plain: Awaited<ReturnType<Scenario["planAt"]>>; approvedAt: string }> {
  const scenario = new Scenario(FILES, APPROVED);
  const failed = await scenario.planAt("2026-12-10T09:00:00Z", scans("2026-12-10T09:00:00Z", HOSTS));
  expect(failed.plan.summary.updates.KB900!.pilot!.state).toBe("failed");
  const approvedAt = failed.plan.summary.updates.KB900!.approvedAt!;
  scenario.step(
    {
      "policies/updates/kb900.yaml": standardUpdate(
        "KB900",
        `  pilot: { override: proceed, reason: ${JSON.stringify(REASON)} }\n`,
      ),
    },
    "2026-12-20T10:00:00Z",
  );
  const after = "2026-12-20T12:00:00Z";
  const plain = await scenario.planAt(after, scans(after, HOSTS));
  expect(plain.plan.summary.updates.KB900!.pilot!.state).toBe("overridden");
  return { plain, approvedAt };
}

async function siteOf(plan: Plan, r: Awaited<ReturnType<Scenario["planAt"]>>): Promise<string> {
  const out = join(await tempDir(), "site");
  await writeReport(
    { plan, hosts: [...r.hosts.values()], jobs: r.jobs },
    { metrics: metrics([]), info: new Map() },
    out,
  );
  return out;
}

async function updatePage(site: string) {
  const page = await browser.newPage();
  await page.goto(`file://${site}/update.html?u=KB900`);
  await page.waitForSelector("#facts");
  await page.waitForTimeout(50);
  return page;
}

describe("the status site shows a pilot override (issue 31, point 8)", () => {
  it("verified: by whom, in which commit and pull request, and why; escaped; the approval time unchanged", async () => {
    const { plain, approvedAt } = await overridden();
    // Approved in a commit of 1 Dec, released 8 Dec: approved from 8 Dec 00:00Z, before and after the override of
    // 20 Dec 10:00Z.
    expect(approvedAt).toBe("2026-12-08T00:00:00Z");
    expect(plain.plan.summary.updates.KB900!.approvedAt).toBe(approvedAt);
    // What a verified plan records for the reviewed change that added the override (approvals/verify.ts).
    const plan = structuredClone(plain.plan);
    plan.summary.updates.KB900!.pilot!.override = {
      reason: REASON,
      commit: "0123456789abcdef0123456789abcdef01234567",
      pull: 12,
      author: "dave",
      approvers: ["alice", "bob"],
      at: "2026-12-20T10:00:00Z",
    };
    const site = await siteOf(plan, plain);
    const page = await updatePage(site);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    expect(await page.locator("#update img").count()).toBe(0);
    expect(await page.textContent("#pilot-override")).toBe(
      `pilot overridden by dave in 0123456789ab (PR #12): ${REASON}`,
    );
    expect(await page.locator("#facts tr", { has: page.locator("th", { hasText: /^approved$/ }) }).textContent()).toBe(
      "approved2026-12-08T00:00:00Z",
    );
    await page.close();

    // The index's compliance table says it under the update's title, escaped the same way.
    const index = await readFile(join(site, "index.html"), "utf8");
    expect(index).not.toContain("<script>window.__pwned");
    expect(index).toContain(
      "pilot overridden by dave in 0123456789ab (PR #12): &lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt; **bold** [x](javascript:alert(1)) &amp; &#39;quoted&#39;",
    );
    const home = await browser.newPage();
    await home.goto(`file://${site}/index.html`);
    await home.waitForSelector("#by-update");
    expect(await home.evaluate("window.__pwned")).toBeUndefined();
    expect(await home.locator("#by-update .override").textContent()).toBe(
      `pilot overridden by dave in 0123456789ab (PR #12): ${REASON}`,
    );
    await home.close();
  });

  it("not verified: the reason, and that who decided is not known", async () => {
    const { plain } = await overridden();
    const site = await siteOf(plain.plan, plain);
    const page = await updatePage(site);
    expect(await page.textContent("#pilot-override")).toBe(
      `pilot overridden (not verified: who decided is not known): ${REASON}`,
    );
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    await page.close();
  });
});
