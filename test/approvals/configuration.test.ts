// M3 (second review): the files that configure verification are policy, and plan will not run unverified on Actions.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeGithub } from "../helpers/github-server.js";
import { cli } from "../helpers/repo.js";
import { base, change, git, makeTemplate, NOW, ok, plan, pr, type Template, withFakeGithub } from "./trust-fixture.js";

let gh: FakeGithub;
let template: Template;
withFakeGithub("ghs_configtoken", (started) => (gh = started));
beforeAll(async () => {
  template = await makeTemplate();
});
beforeEach(() => {
  gh.pulls.length = 0;
  for (const k of ["GITHUB_ACTIONS", "CI", "PATCHOPS_ALLOW_UNVERIFIED"]) delete process.env[k];
});

const WORKFLOW = `name: reconcile
on: { schedule: [{ cron: "0 */4 * * *" }] }
env:
  PATCHOPS_VERIFY: "on"
jobs:
  plan: { runs-on: ubuntu-latest, steps: [{ run: npx patchops plan }] }
`;

describe("configuration files need the CAB quorum in approvals --pr (M3)", () => {
  it.each([
    [".github/workflows/reconcile.yml", WORKFLOW.replace('"on"', '"off"')],
    ["action.yml", "name: patchops\nruns: { using: node20, main: x.js }\n"],
    ["package.json", '{ "name": "policy", "dependencies": { "patchops": "github:mallory/patchops" } }\n'],
    ["package-lock.json", '{ "lockfileVersion": 3 }\n'],
  ])("%s changed with one CAB member's approval: waiting; with the quorum: passes", async (file, text) => {
    const { repo } = await base(gh, template);
    const baseSha = git(repo, "rev-parse", "HEAD");
    const head = await change(repo, { [file]: text }, "Mallory <mallory@example.com>");
    gh.pulls.push({ ...pr(81, [head], [ok("carol")], "mallory"), mergedAt: null, baseSha });
    const one = await cli("approvals", "--repo", repo, "--pr", "81", "--now", NOW);
    expect(one.stdout).toContain(
      `✗ ${file}: 1 of 2 needed from the CAB (2 needed), as it configures how approvals are verified`,
    );
    expect(one.stdout).not.toContain("no policy file changes");
    expect(one.code).toBe(1);
    gh.pulls[gh.pulls.length - 1]!.reviews.push(ok("alice"));
    const two = await cli("approvals", "--repo", repo, "--pr", "81", "--now", NOW);
    expect(two.stdout).toContain("✓ every change has the approvals it needs");
    expect(two.code).toBe(0);
  });

  it("a file elsewhere (docs) still needs nothing", async () => {
    const { repo } = await base(gh, template);
    const baseSha = git(repo, "rev-parse", "HEAD");
    const head = await change(repo, { "docs/notes.md": "x\n", "my-action.yml.txt": "x\n" });
    gh.pulls.push({ ...pr(82, [head], [], "mallory"), mergedAt: null, baseSha });
    const r = await cli("approvals", "--repo", repo, "--pr", "82", "--now", NOW);
    expect(r.stdout).toContain("✓ no policy file changes");
    expect(r.code).toBe(0);
  });
});

describe("plan refuses to run unverified on GitHub Actions unless the workflow pins it (M3)", () => {
  it("GITHUB_ACTIONS=true: --no-verify-approvals is exit 2 with one line; the pinned repository name allows it", async () => {
    const { repo } = await base(gh, template);
    process.env.GITHUB_ACTIONS = "true";
    const refused = await plan(repo, "--no-verify-approvals");
    expect(refused.code).toBe(2);
    expect(refused.plan).toBeNull();
    expect(refused.stderr.trim().split("\n")).toEqual([
      "patchops: --no-verify-approvals (PATCHOPS_VERIFY=off) is refused on GitHub Actions: no CAB approval would be checked. To allow it for a demonstration, set PATCHOPS_ALLOW_UNVERIFIED: acme/patch-policy in the workflow",
    ]);
    process.env.PATCHOPS_ALLOW_UNVERIFIED = "true";
    expect((await plan(repo, "--no-verify-approvals")).code).toBe(2);
    process.env.PATCHOPS_ALLOW_UNVERIFIED = "acme/patch-policy";
    const allowed = await plan(repo, "--no-verify-approvals");
    expect(allowed.plan.approvalVerification).toBe("off");
    // Verification on is never refused.
    delete process.env.PATCHOPS_ALLOW_UNVERIFIED;
    expect((await plan(repo)).plan.approvalVerification).toBe("verified");
  });

  it("CI=true alone (any other CI, the README's npm run reconcile) keeps the demo switch", async () => {
    const { repo } = await base(gh, template);
    process.env.CI = "true";
    const r = await plan(repo, "--no-verify-approvals");
    expect(r.plan.approvalVerification).toBe("off");
    expect(r.stderr).not.toContain("refused");
  });
});
