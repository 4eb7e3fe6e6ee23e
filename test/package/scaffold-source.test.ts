// Where a scaffolded policy repository installs patchops from: a pinned release, never a local path or a bare name.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { keptManifestProblems, releaseSource, sourceProblem } from "../../reconciler/app/scaffold.js";
import { cli } from "../helpers/repo.js";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("the release a scaffold pins", () => {
  it("is the repository's git URL at the version's tag", () => {
    expect(releaseSource("git+https://github.com/acme/patchops.git", "0.2.0")).toBe(
      "git+https://github.com/acme/patchops.git#v0.2.0",
    );
    expect(releaseSource("https://github.com/acme/patchops.git", "0.2.0")).toBe(
      "git+https://github.com/acme/patchops.git#v0.2.0",
    );
    expect(releaseSource("github:acme/patchops#main", "1.0.0")).toBe("github:acme/patchops#v1.0.0");
  });

  it("refuses local paths and the unscoped registry name, accepts URLs and scoped names", () => {
    for (const bad of [
      "file:../patchops-0.1.0.tgz",
      "file:vendor/patchops-0.1.0.tgz",
      "link:../patchops",
      "./vendor/patchops-0.1.0.tgz",
      "../patchops",
      "/opt/patchops",
      "0.1.0",
      "^0.1.0",
      "~0.1.0",
      ">=0.1.0",
      "*",
      "latest",
      "npm:patchops@0.1.0",
    ])
      expect(sourceProblem(bad), bad).not.toBeNull();
    for (const good of [
      "git+https://github.com/acme/patchops.git#v0.2.0",
      "github:acme/patchops#v0.2.0",
      "https://github.com/acme/patchops/releases/download/v0.2.0/patchops-0.2.0.tgz",
      "npm:@acme/patchops@0.2.0",
    ])
      expect(sourceProblem(good), good).toBeNull();
  });

  it("init --source writes the given release, and a file: path is a usage error that writes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "patchops-init-source-"));
    dirs.push(dir);
    const bad = await cli("init", dir, "--source", "file:../patchops-0.1.0.tgz");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^patchops: init --source: 'file:\.\.\/patchops-0\.1\.0\.tgz' is a local path/);
    expect(bad.stdout).toBe("");
    await expect(readFile(join(dir, "package.json"), "utf8")).rejects.toThrow(/ENOENT/);

    const url = "https://github.com/acme/patchops/releases/download/v0.2.0/patchops-0.2.0.tgz";
    const good = await cli("init", dir, "--source", url);
    expect(good.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    expect(manifest.devDependencies).toEqual({ patchops: url });
  });

  it("names what in a kept package.json would break CI: a local path, the bare name, a git build npm 12 skips", () => {
    const manifest = (spec: string, extra: object = {}) =>
      JSON.stringify({ name: "policy", devDependencies: { patchops: spec }, ...extra });
    expect(keptManifestProblems(manifest("file:../patchops-0.1.0.tgz"))).toEqual([
      "package.json's patchops dependency 'file:../patchops-0.1.0.tgz' is a local path: npm ci fails on every machine that does not have that file (use the release's git URL or tarball URL)",
    ]);
    expect(keptManifestProblems(JSON.stringify({ dependencies: { patchops: "^0.1.0" } }))[0]).toMatch(
      /^package.json's patchops dependency '\^0\.1\.0' would ask the public npm registry/,
    );
    const git =
      "package.json installs patchops from git, and npm 12 runs its build (prepare) only when allowed: npm pkg set allowScripts.patchops=true --json";
    expect(keptManifestProblems(manifest("git+https://github.com/acme/patchops.git#v0.2.0"))).toEqual([git]);
    expect(keptManifestProblems(manifest("github:acme/patchops#v0.2.0"))).toEqual([git]);
    expect(keptManifestProblems(manifest("acme/patchops#v0.2.0"))).toEqual([git]);
    expect(
      keptManifestProblems(manifest("github:acme/patchops#v0.2.0", { allowScripts: { patchops: false } })),
    ).toEqual([git]);
    expect(keptManifestProblems(manifest("github:acme/patchops#v0.2.0", { allowScripts: { patchops: true } }))).toEqual(
      [],
    );
    // A release tarball is built already; a scoped registry name cannot be squatted; no patchops yet: nothing to say.
    expect(
      keptManifestProblems(manifest("https://github.com/acme/patchops/releases/download/v0.2.0/patchops-0.2.0.tgz")),
    ).toEqual([]);
    expect(keptManifestProblems(manifest("npm:@acme/patchops@0.2.0"))).toEqual([]);
    expect(keptManifestProblems(JSON.stringify({ name: "policy" }))).toEqual([]);
    expect(keptManifestProblems("{ not json")).toEqual([]);
  });

  it("init warns about a kept package.json that installs patchops from a file: path, and leaves it as it was", async () => {
    const dir = await mkdtemp(join(tmpdir(), "patchops-init-kept-"));
    dirs.push(dir);
    const text = JSON.stringify(
      { name: "policy", devDependencies: { patchops: "file:../patchops-0.1.0.tgz" } },
      null,
      2,
    );
    await writeFile(join(dir, "package.json"), text);
    const r = await cli("init", dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      "patchops: warning: package.json's patchops dependency 'file:../patchops-0.1.0.tgz' is a local path: npm ci fails on every machine that does not have that file (use the release's git URL or tarball URL)\n",
    );
    expect(r.stdout).toContain("kept your package.json");
    expect(await readFile(join(dir, "package.json"), "utf8")).toBe(text);
  });
});
