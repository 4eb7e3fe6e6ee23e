// fileAt reads every version through one `git cat-file --batch` (issue 33 point 3), with git show's answers.
import { chmod, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileAt } from "../../reconciler/git/history.js";
import { commitAll, tempDir } from "../helpers/repo.js";

const PATH = process.env.PATH;
afterEach(() => {
  process.env.PATH = PATH;
});

describe("fileAt", () => {
  it("reads 20 versions with one git process, and answers as git show did (missing: null; a link: its target)", async () => {
    const repo = await tempDir();
    const shas: string[] = [];
    for (let i = 0; i < 20; i++) {
      await writeFile(join(repo, "v.yaml"), `version: ${i}\n`);
      shas.push(commitAll(repo, `v${i}`, `2026-11-${String(i + 1).padStart(2, "0")}T00:00:00Z`));
    }
    await symlink("v.yaml", join(repo, "link.yaml"));
    const linked = commitAll(repo, "link", "2026-11-25T00:00:00Z");

    // Every git process this test's code starts is logged by a stand-in that runs the real git.
    const bin = await tempDir();
    const log = join(bin, "calls.log");
    await writeFile(log, "");
    await writeFile(
      join(bin, "git"),
      `#!/bin/sh\necho "$*" >> ${log}\nexec "$(command -v -p git || echo /usr/bin/git)" "$@"\n`,
    );
    await chmod(join(bin, "git"), 0o755);
    process.env.PATH = `${bin}:${PATH}`;

    const texts = await Promise.all(shas.map((sha) => fileAt(repo, sha, "v.yaml")));
    expect(texts).toEqual(shas.map((_, i) => `version: ${i}\n`));
    expect(await fileAt(repo, shas[0]!, "absent.yaml")).toBeNull();
    expect(await fileAt(repo, linked, "link.yaml")).toBe("v.yaml");
    const calls = (await readFile(log, "utf8")).split("\n").filter(Boolean);
    expect(calls.filter((c) => c.includes("show"))).toEqual([]);
    expect(calls.length).toBeLessThanOrEqual(2);
  });
});
