// The status site maps the fleet's unpatched hosts: every page tells search engines not to index it.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, commitAll, tempDir, tempRepo } from "../helpers/repo.js";

describe("the status site stays out of search engines", () => {
  it("carries robots noindex in the head of every HTML page, and a robots.txt that disallows everything", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "policy", "2026-11-22T12:00:00Z");
    const plan = join(await tempDir(), "plan");
    const site = join(await tempDir(), "site");
    const args = ["--repo", repo, "--inventory", join(repo, "examples/inventory.jsonl"), "--out", plan];
    expect((await cli("plan", ...args, "--now", "2026-12-10T09:00:00Z", "--no-verify-approvals")).code).toBe(0);
    expect((await cli("report", "--plan", plan, "--out", site)).code).toBe(0);
    const pages = (await readdir(site, { recursive: true })).filter((f) => f.endsWith(".html")).sort();
    expect(pages).toEqual(["exposure.html", "host.html", "index.html", "update.html"]);
    for (const name of pages) {
      const html = await readFile(join(site, name), "utf8");
      const head = html.slice(0, html.indexOf("</head>"));
      expect(head, name).toContain('<meta name="robots" content="noindex">');
    }
    expect(await readFile(join(site, "robots.txt"), "utf8")).toBe("User-agent: *\nDisallow: /\n");
  });
});
