// The pull-request check over a real git repository and the fake GitHub, in-process: which approvals of older commits
// still count (the policy files are the same as the head's) and which are stale, the owner teams of assignment files
// (and the previous owner when one moves), and what branch protection must be set, read through the real adapter.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protectionGaps } from "../../reconciler/approvals/protection.js";
import { verifyPullRequest } from "../../reconciler/approvals/pull-request.js";
import { GithubClient } from "../../reconciler/github/client.js";
import { ChangeAdvisoryBoardSpec } from "../../reconciler/model/cab.js";
import type { PolicySet } from "../../reconciler/model/policy-set.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { startFakeGithub, type FakeGithub } from "../helpers/github-server.js";
import { memorySource } from "../helpers/memory-source.js";
import { fixtureFiles } from "../helpers/plan-fixture.js";
import { commitAll, tempRepo } from "../helpers/repo.js";

const CAB = ChangeAdvisoryBoardSpec.parse({
  members: ["alice", "bob", "carol"],
  requiredApprovals: 2,
  teams: { "team-a": ["tina"], "team-b": ["ben"] },
});

let gh: FakeGithub;
let github: GithubClient;
let repo: string;
let set: PolicySet;
const sha: Record<string, string> = {};

beforeAll(async () => {
  gh = await startFakeGithub();
  github = new GithubClient({ owner: "acme", repo: "patch-policy" }, { token: "t", baseUrl: gh.url });
  repo = await tempRepo("minimal");
  sha.first = commitAll(repo, "policy", "2026-11-22T10:00:00Z");
  await writeFile(join(repo, "README.md"), "notes, not policy\n");
  sha.readme = commitAll(repo, "readme only", "2026-11-22T11:00:00Z");
  await writeFile(join(repo, "policies/policy.yaml"), fixtureFiles("minimal")["policies/policy.yaml"]! + "# edited\n");
  sha.head = commitAll(repo, "policy edited", "2026-11-22T12:00:00Z");
  const v = await validateSource(memorySource(fixtureFiles("minimal")), Date.parse("2026-12-10T09:00:00Z"));
  set = v.set;
});
afterAll(async () => gh.close());

async function check(
  number: number,
  headSha: string,
  files: string[],
  reviews: { login: string; commit: string }[],
  baseOwners?: Map<string, string>,
) {
  gh.pulls.push({
    number,
    author: "dave",
    mergedAt: null,
    commits: [headSha],
    reviews: reviews.map((r) => ({
      login: r.login,
      state: "APPROVED" as const,
      at: "2026-11-22T13:00:00Z",
      commit: r.commit,
    })),
  });
  return verifyPullRequest({
    repo,
    set,
    cab: CAB,
    files,
    github,
    pr: number,
    author: "dave",
    headSha,
    committedAt: Date.parse("2026-11-22T12:00:00Z"),
    ...(baseOwners ? { baseOwners } : {}),
  });
}

describe("approvals of older commits", () => {
  it("an approval of a commit whose policy files equal the head's still counts", async () => {
    const v = await check(
      1,
      sha.readme!,
      ["policies/policy.yaml"],
      [
        { login: "alice", commit: sha.first! },
        { login: "bob", commit: sha.readme! },
      ],
    );
    expect(v.approvers).toEqual(["alice", "bob"]);
    expect(v.stale).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it("an approval of a commit before the policy changed is stale and does not count", async () => {
    const v = await check(
      2,
      sha.head!,
      ["policies/policy.yaml"],
      [
        { login: "alice", commit: sha.first! },
        { login: "bob", commit: sha.head! },
      ],
    );
    expect(v.approvers).toEqual(["bob"]);
    expect(v.stale).toEqual(["alice"]);
    expect(v.lines).toEqual([
      { subject: "policies/policy.yaml", ok: false, detail: "1 of 2 needed from the CAB (2 needed) (bob)" },
    ]);
  });
});

describe("assignment files need their owner team", () => {
  const file = "windows/assignments/team-a.yaml";

  it("team-a's file: tina (team-a) is enough, without the CAB", async () => {
    const v = await check(3, sha.head!, [file], [{ login: "tina", commit: sha.head! }]);
    expect(v.lines).toEqual([{ subject: file, ok: true, detail: "approved by tina (owner team team-a)" }]);
  });

  it("moved from team-b: the previous owner team must approve too", async () => {
    const v = await check(4, sha.head!, [file], [{ login: "tina", commit: sha.head! }], new Map([[file, "team-b"]]));
    expect(v.lines).toEqual([
      { subject: file, ok: true, detail: "approved by tina (owner team team-a)" },
      {
        subject: `${file} (previous owner team-b)`,
        ok: false,
        detail: "0 of 1 needed from owner team team-b; approvals by non-members do not count (tina)",
      },
    ]);
    expect(v.ok).toBe(false);
    const both = await check(
      6,
      sha.head!,
      [file],
      [
        { login: "tina", commit: sha.head! },
        { login: "ben", commit: sha.head! },
      ],
      new Map([[file, "team-b"]]),
    );
    expect(both.lines.map((l) => [l.subject, l.ok, l.detail])).toEqual([
      [file, true, "approved by tina (owner team team-a)"],
      [`${file} (previous owner team-b)`, true, "approved by ben (owner team team-b)"],
    ]);
  });

  it("the same owner at the base: one line, no previous-owner check", async () => {
    const v = await check(7, sha.head!, [file], [{ login: "tina", commit: sha.head! }], new Map([[file, "team-a"]]));
    expect(v.lines.map((l) => l.subject)).toEqual([file]);
  });

  it("files outside the policy (README, scripts) need no one; CODEOWNERS needs the CAB", async () => {
    const v = await check(
      5,
      sha.head!,
      ["README.md", "docs/windows/notes.md", "scripts/x.sh", ".github/CODEOWNERS"],
      [],
    );
    expect(v.lines.map((l) => [l.subject, l.ok])).toEqual([[".github/CODEOWNERS", false]]);
  });
});

describe("branch protection, read from GitHub, against what the approval model relies on", () => {
  const full = { reviews: 2, dismissStale: true, codeOwners: true, forcePushes: false, admins: true, lastPush: true };

  it("all set, with exactly the CAB's requiredApprovals (2): no gap", async () => {
    gh.protection.set("main", full);
    expect(protectionGaps("main", await github.branchProtection("main"), CAB)).toEqual([]);
  });

  it("one review fewer than the CAB needs, and every other setting off", async () => {
    gh.protection.set("main", { reviews: 1, dismissStale: false, codeOwners: false, forcePushes: true, admins: false });
    expect(protectionGaps("main", await github.branchProtection("main"), CAB)).toEqual([
      "branch main requires 1 approving review(s), fewer than the CAB's requiredApprovals (2)",
      "branch main does not dismiss stale approvals when new commits are pushed",
      "branch main does not require approval of the most recent reviewable push, so a CAB member could push commits under a colleague's e-mail and approve them",
      "branch main does not require review from code owners",
      "branch main allows force pushes, which can rewrite the approved history",
      "branch main lets administrators bypass its protection",
    ]);
  });

  it("no review rule at all, or no protection at all", async () => {
    gh.protection.set("main", { ...full, reviews: null });
    // Without a review rule GitHub sends no review settings, so stale dismissal and code owners are off too.
    expect(protectionGaps("main", await github.branchProtection("main"), CAB)).toEqual([
      "branch main does not require pull request reviews",
      "branch main does not dismiss stale approvals when new commits are pushed",
      "branch main does not require review from code owners",
    ]);
    gh.protection.delete("main");
    expect(protectionGaps("main", await github.branchProtection("main"), CAB)).toEqual([
      "branch main is not protected: anyone with write access can push policy changes without review",
    ]);
  });
});
