// simple-git 4 drops the GIT_* variables it inherits unless told which to keep: the status branch's commits still
// carry the identity the reconcile job sets in its environment, and the replace-refs setting prints no warning.
import { execFileSync } from "node:child_process";
import { afterEach, expect, it, vi } from "vitest";
import { appendSnapshot } from "../../reconciler/git/status-branch.js";
import { commitAll, tempRepo } from "../helpers/repo.js";

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

it("a snapshot commit is authored and committed by the identity in GIT_AUTHOR_* and GIT_COMMITTER_*", async () => {
  const repo = await tempRepo("minimal");
  commitAll(repo, "policy");
  vi.stubEnv("GIT_AUTHOR_NAME", "Reconcile Bot");
  vi.stubEnv("GIT_AUTHOR_EMAIL", "reconcile@example.invalid");
  vi.stubEnv("GIT_COMMITTER_NAME", "Reconcile Committer");
  vi.stubEnv("GIT_COMMITTER_EMAIL", "committer@example.invalid");
  vi.stubEnv("GIT_COMMITTER_DATE", "2026-12-10T09:00:00Z");
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on("warning", onWarning);
  try {
    const c = await appendSnapshot({
      repo,
      branch: "patchops-status",
      remote: null,
      name: "2026-12-10T09-00-00Z.json",
      content: "{}\n",
      message: "status",
      key: null,
    });
    expect(git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%cI", c.commit)).toBe(
      "Reconcile Bot <reconcile@example.invalid>|Reconcile Committer <committer@example.invalid>|2026-12-10T09:00:00+00:00",
    );
  } finally {
    process.off("warning", onWarning);
  }
  expect(warnings.filter((w) => /simple-git/.test(w))).toEqual([]);
});
