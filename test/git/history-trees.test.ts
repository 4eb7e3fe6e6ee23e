// Tree questions verification asks of git through its one `git cat-file --batch` (issue 33): whether a file is a
// regular file at a commit (a symbolic link is not), and whether the policy folders are the same at two commits.
import { execFileSync } from "node:child_process";
import { mkdir, symlink, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { regularFileAt, samePolicyTree } from "../../reconciler/git/history.js";
import { commitAll, tempDir } from "../helpers/repo.js";

async function repoWithHistory() {
  const repo = await tempDir();
  await mkdir(join(repo, "policies/updates"), { recursive: true });
  await mkdir(join(repo, "other"), { recursive: true });
  await writeFile(join(repo, "policies/updates/a.yaml"), "a: 1\n");
  await writeFile(join(repo, "policies/updates/run.yaml"), "run: 1\n");
  await chmod(join(repo, "policies/updates/run.yaml"), 0o755);
  await symlink("a.yaml", join(repo, "policies/updates/link.yaml"));
  await writeFile(join(repo, "README"), "top\n");
  await writeFile(join(repo, "other/notes"), "one\n");
  const first = commitAll(repo, "first");
  await writeFile(join(repo, "other/notes"), "two\n");
  const otherOnly = commitAll(repo, "outside the policy folders");
  await writeFile(join(repo, "policies/updates/a.yaml"), "a: 2\n");
  const policyEdit = commitAll(repo, "a policy edit");
  await mkdir(join(repo, "windows"), { recursive: true });
  await writeFile(join(repo, "windows/t.yaml"), "t: 1\n");
  const windowsAdded = commitAll(repo, "a new policy folder");
  execFileSync("git", ["rm", "-q", "windows/t.yaml"], { cwd: repo });
  const windowsGone = commitAll(repo, "the folder removed again");
  return { repo, first, otherOnly, policyEdit, windowsAdded, windowsGone };
}

describe("tree questions through git cat-file", () => {
  it("reads a regular or executable file, not a symbolic link, a folder or an absent file", async () => {
    const { repo, first, policyEdit } = await repoWithHistory();
    expect(await regularFileAt(repo, first, "policies/updates/a.yaml")).toBe("a: 1\n");
    expect(await regularFileAt(repo, policyEdit, "policies/updates/a.yaml")).toBe("a: 2\n");
    expect(await regularFileAt(repo, first, "policies/updates/run.yaml")).toBe("run: 1\n");
    expect(await regularFileAt(repo, first, "README")).toBe("top\n");
    expect(await regularFileAt(repo, first, "policies/updates/link.yaml")).toBeNull();
    expect(await regularFileAt(repo, first, "policies/updates")).toBeNull();
    expect(await regularFileAt(repo, first, "policies/updates/none.yaml")).toBeNull();
    expect(await regularFileAt(repo, first, "nowhere/a.yaml")).toBeNull();
    expect(await regularFileAt(repo, "f".repeat(40), "README")).toBeNull();
  });

  it("compares the policy folders only, and answers false for a commit git does not have", async () => {
    const { repo, first, otherOnly, policyEdit, windowsAdded, windowsGone } = await repoWithHistory();
    expect(await samePolicyTree(repo, first, first)).toBe(true);
    expect(await samePolicyTree(repo, first, otherOnly)).toBe(true);
    expect(await samePolicyTree(repo, otherOnly, policyEdit)).toBe(false);
    expect(await samePolicyTree(repo, policyEdit, windowsAdded)).toBe(false);
    expect(await samePolicyTree(repo, policyEdit, windowsGone)).toBe(true);
    expect(await samePolicyTree(repo, first, "f".repeat(40))).toBe(false);
  });

  it("takes only a commit as a commit: a blob written to look like one compares as unknown", async () => {
    const { repo, policyEdit } = await repoWithHistory();
    const git = (args: string[], input?: string) =>
      execFileSync("git", args, { cwd: repo, encoding: "utf8", ...(input === undefined ? {} : { input }) }).trim();
    const tree = git(["rev-parse", `${policyEdit}^{tree}`]);
    const fake = git(["hash-object", "-w", "--stdin"], `tree ${tree}\nauthor x <x@x> 0 +0000\n\nnot a commit\n`);
    expect(await samePolicyTree(repo, fake, policyEdit)).toBe(false);
    expect(await samePolicyTree(repo, tree, policyEdit)).toBe(false);
  });
});
