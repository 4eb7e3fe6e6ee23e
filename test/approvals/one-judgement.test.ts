// M2 (second review): a catalog entry under a rule needs the CAB's quorum for every field beyond what the rule
// implies, and `plan` and `approvals --pr` judge it with the same function (approvals/requirements.ts).
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { updateDoc } from "../helpers/documents.js";
import type { FakeGithub } from "../helpers/github-server.js";
import { cli, commitAll, copyRepo } from "../helpers/repo.js";
import {
  change,
  installed,
  INVENTORY,
  makeTemplate,
  NOW,
  ok,
  plan,
  pr,
  type Template,
  withFakeGithub,
} from "./trust-fixture.js";
import { mkdir, writeFile } from "node:fs/promises";

let gh: FakeGithub;
let template: Template & { rule: string };
const RULE = `apiVersion: patchops/v1
kind: ApprovalRule
metadata:
  name: ws2022
spec:
  products: [Windows Server 2022]
  classifications: [security]
  approveAfterDays: 3
`;
withFakeGithub("ghs_judgetoken", (started) => (gh = started));
beforeAll(async () => {
  const t = await makeTemplate();
  // The hosts report their OS name (as examples/inventory.jsonl does), so the rule's products select them.
  const inv = INVENTORY.replaceAll('"family":"windows"', '"family":"windows","name":"Windows Server 2022"');
  const rule = await change(t.dir, { "policies/rules/ws2022.yaml": RULE, "inv.jsonl": inv });
  template = { ...t, rule };
});
beforeEach(() => {
  gh.pulls.length = 0;
});

async function start(): Promise<string> {
  const repo = await copyRepo(template.dir);
  gh.pulls.push(pr(100, [template.root], [ok("alice"), ok("bob"), ok("tina")]));
  gh.pulls.push(pr(1, [template.kb100], [ok("alice"), ok("bob")]));
  gh.pulls.push(pr(2, [template.rule], [ok("alice"), ok("bob")]));
  return repo;
}

/**
 * A catalog entry (no decision) that the ws2022 rule approves by NOW (2026-12-06 + 3 days: its pilot is still ahead),
 * with `extra` spec lines.
 */
const entry = (extra = "", os = "[{ family: windows, names: [Windows Server 2022] }]", released = "2026-12-06") =>
  updateDoc("KB5888888", { decision: null, released, extra })
    .replace("  pilot: false\n", "")
    .replace("appliesTo: { os: [{ family: windows }] }", `appliesTo: { os: ${os} }`);

/** Commits the entry at `at` (default: the next tick), merged as PR #40 with carol's approval only. */
async function addEntry(repo: string, text: string, at?: string): Promise<string> {
  const sha = at
    ? await (async () => {
        await mkdir(join(repo, "policies/updates"), { recursive: true });
        await writeFile(join(repo, "policies/updates/kb5888888.yaml"), text);
        return commitAll(repo, "entry", at, "Mallory <mallory@example.com>");
      })()
    : await change(repo, { "policies/updates/kb5888888.yaml": text }, "Mallory <mallory@example.com>");
  gh.pulls.push({ ...pr(40, [sha], [ok("carol", sha)], "mallory"), baseSha: `${sha}~1` });
  return sha;
}

/** The plan's approval-unverified finding for the entry, if any. */
const unverified = (p: Awaited<ReturnType<typeof plan>>) =>
  p.plan.findings.find((f) => f.code === "approval-unverified" && f.file?.endsWith("kb5888888.yaml"))?.message;

async function both(repo: string, sha: string) {
  const p = await plan(repo);
  const check = await cli("approvals", "--repo", repo, "--pr", "40", "--base", `${sha}~1`, "--now", NOW);
  return { p, check };
}

describe("one judgement for a catalog entry under a rule (M2)", () => {
  it("an entry that says only what the rule implies needs one CAB member, in plan and in the PR check alike", async () => {
    const repo = await start();
    const sha = await addEntry(repo, entry());
    const { p, check } = await both(repo, sha);
    // Verified: approved by the rule (its pilot is what holds it now, not the approval).
    expect(unverified(p)).toBeUndefined();
    expect(p.stdout).toContain("KB5888888    2 hosts (PILOT");
    expect(check.stdout).toContain("✓ policies/updates/kb5888888.yaml: approved by carol (one CAB member)");
    expect(check.code).toBe(0);
  });

  const beyond: [string, string, RegExp, string?][] = [
    [
      "catalogOnly and a download source",
      `  catalogOnly: true\n  source: { url: https://evil.example/kb5888888.msu, sha256: ${"a".repeat(64)} }\n`,
      /catalogOnly: true .*; source \(downloads https:\/\/evil\.example\/kb5888888\.msu\)/,
    ],
    ["supersedes an approved update", "  supersedes: [KB100]\n", /supersedes the approved KB100/],
    ["requires an approved update", "  requires: [KB100]\n", /requires the approved KB100/],
    ["pilot: false", "  pilot: false\n", /pilot: false \(skips the reference collection\)/],
    [
      "appliesTo wider than the rule's products",
      "",
      /appliesTo every windows host, wider than rule products/,
      "[{ family: windows, names: [Windows Server 2022] }, { family: windows }]",
    ],
  ];
  it.each(beyond)(
    "%s needs the quorum: one member is not enough in plan or in the PR check",
    async (_n, extra, why, os) => {
      const repo = await start();
      const sha = await addEntry(repo, entry(extra, os));
      const { p, check } = await both(repo, sha);
      expect(installed(p.jobs)).toEqual(["KB100"]);
      expect(JSON.stringify(p.jobs)).not.toContain("evil.example");
      expect(unverified(p)).toMatch(/1 of 2 needed from the CAB \(2 needed, as the entry goes beyond its rule: /);
      expect(unverified(p)).toMatch(why);
      expect(p.code).toBe(1);
      expect(check.stdout).toMatch(
        /✗ policies\/updates\/kb5888888\.yaml: 1 of 2 needed from the CAB \(2 needed, as the entry goes beyond its rule/,
      );
      expect(check.stdout).toMatch(why);
      expect(check.code).toBe(1);
    },
  );

  it("a released date that ends the rule's delay before the entry arrives needs the quorum, from that exact instant", async () => {
    // released 2026-11-01, delay 3 days: the bake time is over at 2026-11-04T00:00:00Z.
    const text = entry("", undefined, "2026-11-01");
    const before = await start();
    const sha1 = await addEntry(before, text, "2026-11-03T23:59:59Z");
    const b = await both(before, sha1);
    expect(unverified(b.p)).toBeUndefined();
    expect(b.p.stdout).toContain("KB5888888");
    expect(b.check.code).toBe(0);

    gh.pulls.length = 0;
    const at = await start();
    const sha2 = await addEntry(at, text, "2026-11-04T00:00:00Z");
    const a = await both(at, sha2);
    expect(unverified(a.p)).toMatch(/1 of 2 needed from the CAB/);
    expect(JSON.stringify(a.p.plan.findings)).toContain("released 2026-11-01, so rule delay of 3 days is already over");
    expect(a.check.stdout).toContain("released 2026-11-01, so rule delay of 3 days is already over");
    expect(a.check.code).toBe(1);
  });

  it("the same entry with the quorum verifies", async () => {
    const repo = await start();
    const sha = await change(repo, { "policies/updates/kb5888888.yaml": entry("  supersedes: [KB100]\n") });
    gh.pulls.push(pr(41, [sha], [ok("carol"), ok("alice")], "mallory"));
    const p = await plan(repo);
    expect(unverified(p)).toBeUndefined();
    // Verified, it supersedes KB100, which gets no more jobs.
    expect(installed(p.jobs)).toEqual([]);
    expect(p.stdout).not.toContain("KB100 ");
  });
});
