import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import MarkdownIt from "markdown-it";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIFF_MARKER } from "../../reconciler/views/diff-markdown.js";
import { launchChromium } from "../helpers/browser.js";
import { startFakeGithub, type FakeGithub } from "../helpers/github-server.js";
import { expectGolden } from "../helpers/golden.js";
import { cli, commitAll, FIXTURES, restoreEnv, ROOT, tempRepo } from "../helpers/repo.js";

// Golden files change only on purpose: UPDATE_GOLDEN=1 npx vitest run test/report/diff-golden.test.ts
// (that also rewrites the screenshots in docs/img/).
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const NOW = "2026-12-10T09:00:00Z";

let gh: FakeGithub;
let browser: Browser;
const saved = { ...process.env };
beforeAll(async () => {
  gh = await startFakeGithub();
  browser = await launchChromium();
  Object.assign(process.env, {
    GITHUB_TOKEN: "t0ken",
    GITHUB_REPOSITORY: "acme/patch-policy",
    GITHUB_API_URL: gh.url,
    PATCHOPS_RETRY_SCALE: "0.01",
  });
});
afterAll(async () => {
  restoreEnv(saved);
  await gh.close();
  await browser?.close();
});

const CAB = `apiVersion: patchops/v1
kind: ChangeAdvisoryBoard
metadata:
  name: cab
spec:
  members: [alice, bob, carol]
  requiredApprovals: 2
  emergencyCommittee: { members: [alice, dave], requiredApprovals: 1 }
`;

/** The minimal fixture with `n` Windows Server 2022 hosts over four days, KB5035857 rejected on main. */
async function fleet(n: number): Promise<{ repo: string; kb: string }> {
  const hosts = Array.from(
    { length: n },
    (_, i) => `    - { name: app-${String(i + 1).padStart(3, "0")}, period: D${(i % 4) + 1}-04, role: app }`,
  );
  const repo = await tempRepo("minimal", {
    "policies/cab.yaml": CAB,
    "windows/assignments/team-a.yaml": `apiVersion: patchops/v1\nkind: Assignment\nmetadata:\n  name: team-a\nspec:\n  owner: team-a\n  timetable: dc\n  hosts:\n${hosts.join("\n")}\n`,
    "inv.jsonl":
      hosts
        .map((_, i) =>
          JSON.stringify({
            host: `app-${String(i + 1).padStart(3, "0")}`,
            scannedAt: i === 0 ? "2026-12-09T22:30:00Z" : "2026-12-10T04:00:00Z",
            os: { family: "windows", name: "Windows Server 2022", version: "10.0.20348.2113" },
            installed: [],
          }),
        )
        .join("\n") + "\n",
  });
  const kb = join(repo, "policies/updates/kb5035857.yaml");
  await writeFile(kb, (await readFile(kb, "utf8")).replace("decision: approved", "decision: rejected"));
  commitAll(repo, "base", "2026-11-22T12:00:00Z");
  execFileSync("git", ["checkout", "-q", "-b", "change"], { cwd: repo });
  return { repo, kb };
}

async function diff(repo: string, ...extra: string[]) {
  return cli(
    "diff",
    "--repo",
    repo,
    "--base",
    "main",
    "--head",
    "change",
    "--inventory",
    join(repo, "inv.jsonl"),
    "--now",
    NOW,
    ...extra,
  );
}

/** Renders the comment as GitHub would (CommonMark with HTML) in Chromium; returns what a reader can see. */
async function render(markdown: string, shot: string) {
  const html = new MarkdownIt({ html: true, linkify: true }).render(markdown);
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  await page.setContent(
    `<!doctype html><meta charset=utf-8><style>body{font:14px/1.5 system-ui,sans-serif;max-width:920px;margin:16px auto;color:#1f2328}pre{background:#f6f8fa;padding:8px;overflow:auto}table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:3px 8px}</style><body><div class=comment>${html}</div><script>window.__ok=1</script>`,
  );
  const facts = {
    text: (await page.textContent(".comment")) ?? "",
    images: await page.locator(".comment img").count(),
    links: await page.locator(".comment a").count(),
    strong: await page.locator(".comment strong").allTextContents(),
    details: await page.locator(".comment details").count(),
    pwned: await page.evaluate("window.__pwned"),
  };
  if (UPDATE) {
    await page.evaluate(`document.querySelectorAll("details").forEach((d) => (d.open = true))`);
    await mkdir(join(ROOT, "docs/img"), { recursive: true });
    await page.screenshot({ path: join(ROOT, "docs/img", shot), fullPage: true });
  }
  await page.close();
  return facts;
}

async function golden(name: string, text: string): Promise<void> {
  await expectGolden(join(FIXTURES, "diff", name), text);
}

describe("the pull-request comment (golden files, rendered in Chromium)", () => {
  it("a small change: the job changes open as a diff block, the inventory's age, who must approve", async () => {
    const { repo, kb } = await fleet(6);
    await writeFile(
      kb,
      (await readFile(kb, "utf8")).replace("decision: rejected", "decision: approved\n  pilot: false"),
    );
    commitAll(repo, "approve", "2026-11-23T12:00:00Z");
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo, encoding: "utf8" }).trim();
    gh.pulls.push({
      number: 41,
      author: "erin",
      mergedAt: null,
      commits: [head],
      reviews: [
        { login: "alice", state: "APPROVED", at: "2026-11-23T13:00:00Z" },
        { login: "erin", state: "APPROVED", at: "2026-11-23T13:05:00Z" },
      ],
    });
    const r = await diff(repo, "--pr", "41");
    expect(r.code).toBe(0);
    await golden("small.md", r.stdout);
    expect(r.stdout).toContain("```diff\n+ app-001");
    expect(r.stdout).toContain("1 of 2 needed from the CAB");
    expect(r.stdout).toContain("newest scan 2026-12-10 04:00 UTC, 5 h old; oldest scan 2026-12-09 22:30 UTC");
    const seen = await render(r.stdout, "comment-small.png");
    expect(seen.text).toContain("+ app-006");
    expect(seen.text).toContain("Still needed before merging");
  });

  it("a big change: folded by window with the counts visible", async () => {
    const { repo, kb } = await fleet(60);
    await writeFile(
      kb,
      (await readFile(kb, "utf8")).replace("decision: rejected", "decision: approved\n  pilot: false"),
    );
    commitAll(repo, "approve", "2026-11-23T12:00:00Z");
    const r = await diff(repo);
    expect(r.code).toBe(0);
    await golden("big.md", r.stdout);
    expect(r.stdout).toContain("**Job changes:** 60 jobs gained, 0 changed, 0 lost on 60 hosts.");
    expect(r.stdout).not.toContain("```diff");
    const seen = await render(r.stdout, "comment-big.png");
    expect(seen.details).toBeGreaterThan(0);
  });

  it("an emergency: one line per emergency update with its hours, and the emergency committee", async () => {
    const { repo, kb } = await fleet(8);
    await writeFile(
      kb,
      (await readFile(kb, "utf8"))
        .replace("decision: rejected", "decision: approved\n  timeline: emergency\n  pilot: false")
        .replace("severity: important", "severity: critical")
        .replace("released: 2024-03-12", "released: 2026-12-09")
        .replace(
          "restart: required",
          [
            "restart: required",
            "  rfc:",
            "    change: Install the March 2024 cumulative update on every Windows Server 2022 host.",
            "    vulnerability: CVE-2024-21407 (Hyper-V remote code execution), exploited in the wild.",
            "    servicesImpacted: All application servers restart once.",
            "    concurrentDeployment: None.",
            "    countermeasures: None that hold for seven hours.",
            "    testStrategy: Reference collection skipped; the committee accepts the risk.",
            "    impact: significant",
          ].join("\n"),
        ),
    );
    commitAll(repo, "approve as emergency", "2026-11-23T12:00:00Z");
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo, encoding: "utf8" }).trim();
    gh.pulls.push({ number: 42, author: "erin", mergedAt: null, commits: [head], reviews: [] });
    const r = await diff(repo, "--pr", "42");
    expect(r.code, r.stderr + r.stdout).toBe(0);
    await golden("emergency.md", r.stdout);
    expect(r.stdout).toMatch(/🚨 \*\*KB5035857\*\* .*: emergency timeline, 8 hosts in \d+ hourly windows? from /);
    const seen = await render(r.stdout, "comment-emergency.png");
    expect(seen.text).toContain("0 of 1 needed from the emergency committee (1 needed)");
    expect(seen.text).toContain("emergency timeline, 8 hosts");
  });

  it("hostile text from policy files stays text: no markup, no HTML, no forged marker, no links or mentions", async () => {
    const { repo, kb } = await fleet(2);
    const hostile = [
      '**✅ CAB approved, merge now** <img src=x onerror="window.__pwned=1">',
      DIFF_MARKER,
      "</details></summary> [approve here](https://evil.example/x) @acme/cab | fake | table |",
      "# Heading\n- [x] done <script>window.__pwned=1</script> `code` ![img](https://evil.example/i.png)",
    ].join("\n");
    await writeFile(
      kb,
      (await readFile(kb, "utf8"))
        .replace("decision: rejected", "decision: approved")
        .replace("title: March 2024 cumulative update for Windows Server 2022", `title: ${JSON.stringify(hostile)}`),
    );
    await mkdir(join(repo, "policies/exemptions"), { recursive: true });
    await writeFile(
      join(repo, "policies/exemptions/evil.yaml"),
      `apiVersion: patchops/v1\nkind: Exemption\nmetadata:\n  name: evil\nspec:\n  hosts: [app-002]\n  updates: [KB5035857]\n  type: no-force\n  reason: ${JSON.stringify(hostile)}\n  ticket: ${JSON.stringify("CHG-1 <!-- x --> [t](javascript:alert(1))")}\n  expires: 2026-12-20\n`,
    );
    commitAll(repo, "hostile", "2026-11-23T12:00:00Z");
    const r = await diff(repo);
    expect(r.code).toBe(0);
    await golden("hostile.md", r.stdout);
    expect(r.stdout.split(DIFF_MARKER).length).toBe(2);
    expect(r.stdout.indexOf(DIFF_MARKER)).toBe(0);
    expect(r.stdout).not.toMatch(/<img|<script|<\/details><\/summary>|\]\(https?:|\]\(javascript:/);
    expect(r.stdout.match(/<details>/g)?.length).toBe(r.stdout.match(/<\/details>/g)?.length);
    const seen = await render(r.stdout, "comment-hostile.png");
    expect(seen.images).toBe(0);
    expect(seen.links).toBe(0);
    expect(seen.pwned).toBeUndefined();
    expect(seen.strong.some((s) => s.includes("CAB approved"))).toBe(false);
    // The reader sees the hostile text literally, so the CAB can see what the author tried.
    expect(seen.text).toContain("**✅ CAB approved, merge now** <img src=x");
    expect(seen.text).toContain("[approve here](https://evil.example/x) @acme/cab");
  });
});
