import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendSnapshot } from "../../reconciler/git/status-branch.js";
import type { HostResult, Plan } from "../../reconciler/model/plan.js";
import { metrics } from "../../reconciler/report/metrics.js";
import { launchChromium } from "../helpers/browser.js";
import { cli, commitAll, FIXTURES, ROOT, tempRepo } from "../helpers/repo.js";
import { writeReport } from "../helpers/report.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const PAYLOAD = `<img src=x onerror="window.__pwned=(window.__pwned||0)+1">`;
const SCRIPT_PAYLOAD = `<script>window.__pwned=(window.__pwned||0)+1</script>`;

/** Opens a page and reports whether any injected script ran and whether any element was injected. */
async function visit(url: string, ready: string): Promise<{ page: Page; pwned: unknown; injected: number }> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector(ready);
  await page.waitForTimeout(50);
  const pwned = await page.evaluate("window.__pwned");
  const injected = Number(
    await page.evaluate(
      `document.querySelectorAll("img").length + [...document.scripts].filter((s) => s.textContent.includes("__pwned")).length`,
    ),
  );
  return { page, pwned, injected };
}

describe("the status site treats the status branch as untrusted (issue 21, point 17)", () => {
  it("refuses a crafted snapshot pushed to patchops-status, and no script runs in Chromium", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "policy", "2026-11-22T12:00:00Z");
    const planDir = join(repo, "plan");
    await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      join(repo, "examples/inventory.jsonl"),
      "--out",
      planDir,
      "--now",
      "2026-12-10T09:00:00Z",
      "--no-verify-approvals",
    );
    expect((await cli("status", "record", "--repo", repo, "--plan", planDir)).code).toBe(0);
    // What an attacker with push access to the status branch writes: the old site printed timeline and ids raw.
    const crafted = {
      apiVersion: "patchops/v1",
      kind: "StatusSnapshot",
      now: "2026-12-11T09:00:00Z",
      policyRevision: null,
      approvalVerification: "verified",
      hosts: 1,
      byStatus: { compliant: 1 },
      jobs: {},
      updates: {
        KB5035857: {
          decision: "approved",
          timeline: PAYLOAD,
          approvedAt: "2026-12-01T00:00:00Z",
          states: { installed: 1 },
        },
        [SCRIPT_PAYLOAD]: { decision: "approved", timeline: "emergency", approvedAt: null, states: { installed: 1 } },
      },
      byOwner: { [PAYLOAD]: { compliant: 1 } },
    };
    await appendSnapshot({
      repo,
      branch: "patchops-status",
      remote: null,
      name: "2026-12-11T090000Z.json",
      content: JSON.stringify(crafted),
      message: "innocent",
    });
    const site = join(repo, "site");
    const r = await cli("report", "--repo", repo, "--plan", planDir, "--out", site);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("patchops-status:snapshots/2026-12-11T090000Z.json was skipped: not a StatusSnapshot");
    const index = await readFile(join(site, "index.html"), "utf8");
    expect(index).not.toContain("onerror");
    expect(index).not.toContain("window.__pwned");
    const { page, pwned, injected } = await visit(`file://${site}/index.html`, "#card-hosts");
    expect(pwned).toBeUndefined();
    expect(injected).toBe(0);
    expect(await page.textContent("body")).toContain("1 snapshots");
    expect(await page.textContent("#refused-snapshots")).toContain("1 refused");
    await page.close();
  });

  it("escapes every string it renders, even ones that passed validation (policy titles, notes, metrics)", async () => {
    const repo = await tempRepo("minimal");
    const plan = JSON.parse(await readFile(join(FIXTURES, "plan-basic", "expected", "plan.json"), "utf8")) as Plan;
    const id = Object.keys(plan.summary.updates)[0]!;
    const host: HostResult = {
      host: "evil-01",
      status: "noncompliant",
      owner: PAYLOAD,
      period: SCRIPT_PAYLOAD,
      cluster: PAYLOAD,
      role: PAYLOAD,
      scannedAt: PAYLOAD,
      baselines: [PAYLOAD],
      counts: { missing: 1 },
      updates: { [id]: "missing" },
      aboveBaseline: [],
      blockedBy: { [id]: [PAYLOAD] },
      exemptions: [PAYLOAD],
      notes: [SCRIPT_PAYLOAD],
      os: { family: "windows", name: PAYLOAD, version: SCRIPT_PAYLOAD },
    };
    const m = metrics([]);
    m.updates.push({
      id: PAYLOAD,
      timeline: SCRIPT_PAYLOAD,
      approvedAt: null,
      hoursTo60: null,
      hoursTo80: null,
      hoursTo90: null,
      testPassedAt: null,
      table4: { testTo60: null, from60To80: null, from80To90: null },
      successRatio: 0.5,
      saturation: [
        { at: "2026-12-01T00:00:00Z", ratio: 0.1 },
        { at: "2026-12-02T00:00:00Z", ratio: 0.5 },
      ],
    });
    const info = new Map([
      [
        id,
        {
          title: `${SCRIPT_PAYLOAD} ${PAYLOAD}`,
          vendor: "x",
          severity: PAYLOAD,
          classification: SCRIPT_PAYLOAD,
          released: PAYLOAD,
          cves: [PAYLOAD],
        },
      ],
    ]);
    // A compact line counts the ids above the baseline; the page names the explain command with the host's name.
    const evilName = `evil-02${PAYLOAD}`;
    const compactHost: HostResult = {
      ...host,
      host: evilName,
      counts: { installed: 5, missing: 1 },
      aboveBaselineCount: 3,
    };
    delete compactHost.aboveBaseline;
    const site = join(repo, "site");
    await writeReport({ plan, hosts: [host, compactHost], jobs: [] }, { metrics: m, info }, site);
    for (const [url, ready] of [
      [`file://${site}/index.html`, "#card-hosts"],
      [`file://${site}/index.html?q=evil`, "#count"],
      [`file://${site}/host.html?h=evil-01`, "#open-count"],
      [`file://${site}/host.html?h=${encodeURIComponent(evilName)}`, "#above-count"],
      [`file://${site}/update.html?u=${encodeURIComponent(id)}`, "#facts"],
    ] as const) {
      const { page, pwned, injected } = await visit(url, ready);
      expect(pwned, url).toBeUndefined();
      expect(injected, url).toBe(0);
      // The text is shown as text, so the owner sees what was written.
      expect(await page.textContent("body"), url).toContain("onerror=");
      if (url.includes("evil-02"))
        expect(await page.textContent("#above-baseline")).toBe(
          `Above baseline (nobody approved these): 3 installed updates (a compact plan counts them; patchops explain --host ${evilName} --inventory <the scanned inventory> lists them)`,
        );
      if (process.env.UPDATE_GOLDEN === "1" && url.includes("host.html"))
        await page.screenshot({ path: join(ROOT, "docs/img/site-host-hostile.png"), fullPage: true });
      await page.close();
    }
  });
});
