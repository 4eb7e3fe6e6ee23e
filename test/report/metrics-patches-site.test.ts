// Issue 31 point 9 on the status site: the compliance table lists patches, and a patch of package versions
// (SOURCE@DAY, or an advisory) has a page of its own listing them.
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metrics } from "../../reconciler/report/metrics.js";
import { launchChromium } from "../helpers/browser.js";
import { DEB01, debHost, planLinux } from "../helpers/linux-patches.js";
import { tempDir } from "../helpers/repo.js";
import { writeReport } from "../helpers/report.js";
import { assignmentDoc } from "../helpers/scenario.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const CURL = ["curl", "libcurl3-gnutls", "libcurl3-nss", "libcurl4"];

describe("the status site counts Linux patches (issue 31, point 9)", () => {
  it("one row per patch in the compliance table, and a page per patch naming its package versions", async () => {
    // deb-02 has every curl binary at the offered version already: curl@2026-12-10 is done there (1 of 2 hosts).
    const deb02 = debHost("deb-02", (r) => {
      const rec = r as { packages: { name: string; version: string }[]; availableUpdates: { name: string }[] };
      for (const p of rec.packages) if (CURL.includes(p.name)) p.version = "7.88.1-10+deb12u15";
      rec.availableUpdates = rec.availableUpdates.filter((u) => !CURL.includes(u.name));
    });
    const r = await planLinux([DEB01, deb02], "2026-12-10T13:30:00Z", {
      "windows/assignments/team-a.yaml": assignmentDoc("team-a", "dc", [
        "{ name: deb-01, period: D1-00 }",
        "{ name: deb-02, period: D1-00 }",
      ]),
      "policies/updates/kb5035857.yaml": null,
    });
    const site = join(await tempDir(), "site");
    await writeReport(r, { metrics: metrics([]), info: new Map() }, site);
    const page = await browser.newPage();
    await page.goto(`file://${site}/index.html`);
    await page.waitForSelector("#by-update");
    const rows = await page
      .locator("#by-update tr")
      .evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    // update, title, …, installed, missing, exempt, deferred, %
    expect(rows.map((c) => [c[0], c[1], c[6], c[7], c[10]])).toEqual([
      ["DSA-9001-1", "5 package versions", "0", "2", "0"],
      ["DSA-9002-1", "2 package versions", "0", "2", "0"],
      ["curl@2026-12-10", "4 package versions", "1", "1", "50"],
    ]);
    await page.locator("#by-update a", { hasText: "curl@2026-12-10" }).click();
    await page.waitForSelector("#facts");
    expect(await page.textContent("#update h2")).toBe("curl@2026-12-10");
    expect(await page.textContent("#title")).toBe(
      "4 package versions: CURL=7.88.1-10+DEB12U15, LIBCURL3-GNUTLS=7.88.1-10+DEB12U15, LIBCURL3-NSS=7.88.1-10+DEB12U15, LIBCURL4=7.88.1-10+DEB12U15",
    );
    expect(await page.locator("#update a[href^='host.html']").allTextContents()).toEqual(["deb-01"]);
    await page.close();
  });
});
