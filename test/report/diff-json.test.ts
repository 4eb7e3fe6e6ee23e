// `diff --format json` is the same impact as the comment, as data; both sides are planned against one inventory read
// (stdin can be read only once) and each policy is read once.
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PolicyDiff } from "../../reconciler/report/policy-diff.js";
import { cli, commitAll, ROOT, tempRepo } from "../helpers/repo.js";
import { CLI_JS } from "../helpers/child.js";

const NOW = "2026-12-10T09:00:00Z";

async function approveMsrt(): Promise<string> {
  const repo = await tempRepo("example");
  commitAll(repo, "Policy as of November", "2026-11-22T12:00:00Z");
  const msrt = join(repo, "policies/updates/kb890830.yaml");
  await writeFile(
    msrt,
    (await readFile(msrt, "utf8")).replace(/^( {2}released: .*\n)/m, "$1  decision: approved\n  timeline: standard\n"),
  );
  commitAll(repo, "Approve the malicious software removal tool", "2026-11-24T12:00:00Z");
  return repo;
}

describe("diff --format json", () => {
  it("gives the comment's facts as data, and the markdown is rendered from the same data", async () => {
    const repo = await approveMsrt();
    const inventory = join(repo, "examples/inventory.jsonl");
    const args = ["diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--inventory", inventory, "--now", NOW];
    const json = await cli(...args, "--format", "json", "--out", join(repo, "impact.json"));
    expect(json.code).toBe(0);
    const d = JSON.parse(json.stdout) as PolicyDiff;
    expect(d.approvedNow).toEqual(["KB890830"]);
    expect(d.updates).toEqual([
      {
        id: "KB890830",
        title: expect.any(String),
        before: { decision: "pending", timeline: "standard", decidedBy: null },
        after: { decision: "approved", timeline: "standard", decidedBy: "file" },
      },
    ]);
    // Every scanned Windows host now misses the approved tool (the pilot goes first, so no job changes yet).
    expect(d.status.base).toMatchObject({ compliant: 23, noncompliant: 13, stale: 2, unscanned: 1 });
    expect(d.status.head).toMatchObject({ compliant: 0, noncompliant: 36, stale: 2, unscanned: 1 });
    expect(d.inventory?.facts).toMatchObject({ hosts: 38, malformed: 1 });
    expect(d.errors).toEqual([]);
    expect(await readFile(join(repo, "impact.json"), "utf8")).toBe(json.stdout);
    const md = await cli(...args);
    expect(md.stdout).toContain(`**Approves 1 update (KB890830); jobs change for ${d.hosts.total} hosts`);
    expect(md.stdout).toContain("| HEAD | 0 | 36 | 2 | 1 | 1 |");
  });

  it("reads the inventory once: from stdin, both sides are planned against every host", () => {
    const run = (inventory: string, input?: string) =>
      spawnSync(process.execPath, [CLI_JS, ...inventoryArgs(inventory)], {
        cwd: ROOT,
        input,
        encoding: "utf8",
      });
    let repo = "";
    const inventoryArgs = (inventory: string) => [
      "diff",
      "--repo",
      repo,
      "--base",
      "HEAD~1",
      "--head",
      "HEAD",
      "--inventory",
      inventory,
      "--now",
      NOW,
      "--format",
      "json",
    ];
    return approveMsrt().then(async (r) => {
      repo = r;
      const file = join(repo, "examples/inventory.jsonl");
      // The file is read in-process; standard input needs a process of its own.
      const fromFile = await cli(...inventoryArgs(file));
      expect(fromFile.code, fromFile.stderr).toBe(0);
      const fromStdin = run("-", await readFile(file, "utf8"));
      expect(fromStdin.status, fromStdin.stderr).toBe(0);
      const a = JSON.parse(fromFile.stdout) as PolicyDiff;
      const b = JSON.parse(fromStdin.stdout) as PolicyDiff;
      // Read twice, stdin would be empty for the head: its hosts would all be unscanned.
      expect(b.inventory?.facts.hosts).toBe(38);
      expect(b.status).toEqual(a.status);
      expect(b.status.head).toMatchObject({ noncompliant: 36, unscanned: 1 });
      expect(b.jobChanges).toEqual(a.jobChanges);
    });
  }, 60_000);
});
