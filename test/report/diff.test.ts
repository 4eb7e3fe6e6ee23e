import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGithub, type FakeGithub } from "../helpers/github-server.js";
import { expectGolden } from "../helpers/golden.js";
import { cli, commitAll, FIXTURES, restoreEnv, tempRepo } from "../helpers/repo.js";

// Golden files change only on purpose: UPDATE_GOLDEN=1 npx vitest run test/report/diff.test.ts (prints the diff).

async function realisticChange(): Promise<string> {
  const repo = await tempRepo("example");
  commitAll(repo, "Policy as of November", "2026-11-22T12:00:00Z");
  execFileSync("git", ["checkout", "-q", "-b", "rfc-kb3020369"], { cwd: repo });
  const ssu = join(repo, "policies/updates/kb3020369.yaml");
  await writeFile(
    ssu,
    (await readFile(ssu, "utf8")).replace(
      "  released: 2015-04-14\n",
      "  released: 2015-04-14\n  decision: approved\n  timeline: standard\n",
    ),
  );
  const web = join(repo, "windows/assignments/web-platform.yaml");
  await writeFile(
    web,
    (await readFile(web, "utf8")).replace("name: web-legacy-02, period: D4-16", "name: web-legacy-02, period: D4-20"),
  );
  await writeFile(
    join(repo, "policies/exemptions/dc-legacy-kerberos.yaml"),
    "# yaml-language-server: $schema=../../schemas/exemption.json\napiVersion: patchops/v1\nkind: Exemption\nmetadata:\n  name: dc-legacy-kerberos\nspec:\n  hosts: [dc-legacy-01]\n  updates: [KB3011780]\n  type: no-force\n  reason: The domain controller is restarted by the identity team after replication checks.\n  ticket: CHG-20502\n  expires: 2026-12-20\n",
  );
  commitAll(repo, "Approve the servicing stack update; move web-legacy-02", "2026-11-24T12:00:00Z");
  return repo;
}

describe("diff", () => {
  it("renders a realistic change as the golden comment", async () => {
    const repo = await realisticChange();
    const r = await cli(
      "diff",
      "--repo",
      repo,
      "--base",
      "main",
      "--head",
      "rfc-kb3020369",
      "--inventory",
      join(repo, "examples/inventory.jsonl"),
      "--now",
      "2026-12-10T09:00:00Z",
    );
    expect(r.code).toBe(0);
    await expectGolden(join(FIXTURES, "diff", "approve-ssu.md"), r.stdout);
    expect(r.stdout.split("\n")[4]).toMatch(/^\*\*Approves 1 update \(KB3020369\)/);
  });

  it("says an invalid head must not merge, and exits 1", async () => {
    const repo = await tempRepo("example");
    commitAll(repo, "base", "2026-11-22T12:00:00Z");
    execFileSync("git", ["checkout", "-q", "-b", "broken"], { cwd: repo });
    await writeFile(
      join(repo, "policies/updates/kb890830.yaml"),
      "apiVersion: patchops/v1\nkind: Update\nmetadata: { name: kb890830 }\nspec: { id: KB890830 }\n",
    );
    commitAll(repo, "broken", "2026-11-23T12:00:00Z");
    const r = await cli(
      "diff",
      "--repo",
      repo,
      "--base",
      "main",
      "--head",
      "broken",
      "--inventory",
      join(repo, "examples/inventory.jsonl"),
      "--now",
      "2026-12-10T09:00:00Z",
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("❌ **The policy at broken is invalid (3 errors); it must not merge.**");
  });

  it("caps a change touching thousands of hosts to GitHub's comment size", async () => {
    const repo = await tempRepo("minimal");
    const hosts = Array.from(
      { length: 10_000 },
      (_, i) => `    - { name: h${String(i).padStart(5, "0")}, period: D${(i % 4) + 1}-04 }`,
    );
    await writeFile(
      join(repo, "windows/assignments/team-a.yaml"),
      `apiVersion: patchops/v1\nkind: Assignment\nmetadata:\n  name: team-a\nspec:\n  owner: team-a\n  timetable: dc\n  hosts:\n${hosts.join("\n")}\n`,
    );
    const kb = join(repo, "policies/updates/kb5035857.yaml");
    await writeFile(kb, (await readFile(kb, "utf8")).replace("decision: approved", "decision: rejected"));
    commitAll(repo, "base", "2026-11-22T12:00:00Z");
    execFileSync("git", ["checkout", "-q", "-b", "big"], { cwd: repo });
    await writeFile(
      kb,
      (await readFile(kb, "utf8"))
        .replace("decision: rejected", "decision: approved")
        .replace("released: 2024-03-12", "released: 2026-12-01")
        .replace("restart: required", "restart: required\n  pilot: false"),
    );
    commitAll(repo, "approve", "2026-11-23T12:00:00Z");
    await writeFile(
      join(repo, "inv.jsonl"),
      hosts
        .map((_, i) =>
          JSON.stringify({
            host: `h${String(i).padStart(5, "0")}`,
            scannedAt: "2026-12-10T04:00:00Z",
            os: { family: "windows", version: "10.0.20348.1" },
            installed: [],
          }),
        )
        .join("\n") + "\n",
    );
    const r = await cli(
      "diff",
      "--repo",
      repo,
      "--base",
      "main",
      "--head",
      "big",
      "--inventory",
      join(repo, "inv.jsonl"),
      "--now",
      "2026-12-10T09:00:00Z",
    );
    expect(r.stdout.length).toBeLessThan(65_536);
    expect(r.stdout).toContain("jobs change for 10000 hosts");
    expect(r.stdout).toMatch(/…and \d+ more/);
  });
});

describe("comment", () => {
  let gh: FakeGithub;
  const saved = { ...process.env };
  beforeAll(async () => {
    gh = await startFakeGithub();
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
  });

  it("creates one comment, then updates that same comment, leaving other comments alone", async () => {
    gh.comments.set(12, [{ id: 1, body: "LGTM", user: "alice" }]);
    const dir = await tempRepo("minimal", { "a.md": "first plan\n", "b.md": "second plan\n" });
    const first = await cli("comment", "--pr", "12", "--file", join(dir, "a.md"));
    expect(first.stdout).toMatch(/^Created https:\/\/github.com\/acme\/patch-policy\/pull\/12#issuecomment-\d+/);
    const second = await cli("comment", "--pr", "12", "--file", join(dir, "b.md"));
    expect(second.stdout).toMatch(/^Updated /);
    const list = gh.comments.get(12)!;
    expect(list).toHaveLength(2);
    expect(list[0]!.body).toBe("LGTM");
    expect(list[1]!.body).toBe("<!-- patchops:plan-diff -->\nsecond plan\n");
  });

  it("needs a token and a repository", async () => {
    const token = process.env.GITHUB_TOKEN;
    delete process.env.GITHUB_TOKEN;
    try {
      const r = await cli("comment", "--pr", "1", "--file", "/dev/null");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("needs GITHUB_TOKEN");
    } finally {
      process.env.GITHUB_TOKEN = token;
    }
  });
});
