// Installing patchops without a registry entry: `npm install` from the release's git tag (its `prepare` builds it),
// and the release tag's bundled action, which runs from a bare checkout with no npm install and no build.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers/repo.js";

const VERSION = (JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "advice.detachedHead=false", "-c", "user.name=Release", "-c", "user.email=release@example.com", ...args],
    {
      cwd,
      encoding: "utf8",
    },
  );
}

function run(cwd: string, command: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, GITHUB_TOKEN: "", ...env } });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** This working tree (tracked and new files, as the next commit would hold them) as a repository tagged vVERSION. */
async function sourceRepo(): Promise<{ work: string; bare: string }> {
  const work = await tempDir("patchops-src-");
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  })
    .split("\0")
    .filter((f) => f !== "" && existsSync(join(ROOT, f)));
  for (const f of files) {
    await mkdir(dirname(join(work, f)), { recursive: true });
    await cp(join(ROOT, f), join(work, f));
  }
  git(work, "init", "-q", "-b", "main");
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", `patchops ${VERSION}`);
  git(work, "tag", "-a", `v${VERSION}`, "-m", `patchops v${VERSION}`);
  const bare = join(await tempDir("patchops-bare-"), "patchops.git");
  git(dirname(bare), "clone", "-q", "--bare", work, bare);
  git(work, "remote", "add", "origin", bare);
  return { work, bare };
}

describe("installing a release without a registry", () => {
  let src = { work: "", bare: "" };
  beforeAll(async () => {
    src = await sourceRepo();
  }, 120_000);

  it("npm install git+file://…#vX.Y.Z builds patchops through prepare and runs it", async () => {
    const project = await tempDir("patchops-git-install-");
    await cp(join(ROOT, "test/fixtures/package/adopter-package.json"), join(project, "package.json"));
    const spec = `git+file://${src.bare}#v${VERSION}`;
    // npm runs a second install inside its clone of the tag (for prepare): the environment reaches that one too.
    const offline = { npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" };
    const install = run(project, "npm", ["install", "--save-dev", spec], offline);
    expect(install.err + install.out, "npm install from the git tag").not.toMatch(/npm error/);
    expect(install.code).toBe(0);
    // prepare built dist/ inside npm's clone; the package's `files` decide what was installed.
    expect(existsSync(join(project, "node_modules/patchops/dist/reconciler/cli/main.js"))).toBe(true);
    expect(existsSync(join(project, "node_modules/patchops/test"))).toBe(false);
    const manifest = JSON.parse(await readFile(join(project, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    expect(manifest.devDependencies.patchops).toBe(spec);
    const bin = join(project, "node_modules/.bin/patchops");
    expect(run(project, bin, ["--version"])).toEqual({ code: 0, out: `${VERSION}\n`, err: "" });
    const validate = run(project, bin, [
      "validate",
      "--repo",
      join(project, "node_modules/patchops/templates/policy-repo"),
    ]);
    expect(validate.err).toBe("");
  }, 600_000);

  it("the release tag carries one bundled file: the action runs from a bare checkout of the tag", async () => {
    await symlink(join(ROOT, "node_modules"), join(src.work, "node_modules"), "dir");
    const tagged = git(src.work, "rev-parse", `v${VERSION}^{commit}`).trim();

    // A tag that does not match package.json's version is refused before anything moves.
    const wrong = run(src.work, "bash", ["scripts/release-action.sh", "v9.9.9", "origin"]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toBe(`release-action: the tag v9.9.9 does not match package.json's version ${VERSION}\n`);
    // Nor from a repository other than the one init pins.
    const fork = run(src.work, "bash", ["scripts/release-action.sh", `v${VERSION}`, "origin"], {
      GITHUB_REPOSITORY: "someone/fork",
    });
    expect(fork.code).toBe(2);
    expect(fork.err).toMatch(/is not someone\/fork; fix it before releasing/);

    const r = run(src.work, "bash", ["scripts/release-action.sh", `v${VERSION}`, "origin"], {
      GITHUB_REPOSITORY: "patchops/patchops",
    });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const major = `v${VERSION.split(".")[0]}`;
    const remoteTag = git(src.bare, "rev-parse", `v${VERSION}^{commit}`).trim();
    expect(git(src.bare, "rev-parse", `${major}^{commit}`).trim()).toBe(remoteTag);
    // The bundle commit sits on the tagged sources and adds exactly one file.
    expect(git(src.bare, "rev-parse", `${remoteTag}^`).trim()).toBe(tagged);
    expect(git(src.bare, "diff", "--name-only", tagged, remoteTag)).toBe("dist/action/patchops.mjs\n");

    // What the runner has for `uses: owner/patchops@vN`: the tag's tree, no node_modules.
    const action = join(await tempDir("patchops-action-"), "patchops");
    git(dirname(action), "clone", "-q", "--branch", major, src.bare, action);
    expect(existsSync(join(action, "node_modules"))).toBe(false);
    const cli = join(action, "dist/action/patchops.mjs");
    expect(run(action, "node", [cli, "--version"])).toEqual({ code: 0, out: `${VERSION}\n`, err: "" });
    const policy = await tempDir("patchops-action-policy-");
    const init = run(policy, "node", [cli, "init"]);
    expect(init.err).toBe("");
    expect(init.code).toBe(0);
    expect(run(policy, "node", [cli, "validate"])).toEqual({ code: 0, out: "✓ 6 documents valid\n", err: "" });
  }, 120_000);
});
