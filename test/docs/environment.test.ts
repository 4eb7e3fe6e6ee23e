// One table lists every environment variable: the CLI's (read at the edges), the scripts', the action's and the
// workflows'. Reading a new one without documenting it fails here.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/repo.js";

async function filesUnder(dir: string, ext: RegExp): Promise<string[]> {
  return (await readdir(join(ROOT, dir), { recursive: true }))
    .map((f) => `${dir}/${f.split("\\").join("/")}`)
    .filter((f) => ext.test(f));
}

describe("docs/reference/environment.md", () => {
  it("documents every variable the code, the scripts, the action and the workflows read", async () => {
    const found = new Map<string, string>();
    const code = [
      ...(await filesUnder("reconciler", /\.ts$/)),
      ...(await filesUnder("bench", /\.ts$/)),
      "test/helpers/system-tools.ts",
    ];
    for (const f of code) {
      const text = await readFile(join(ROOT, f), "utf8");
      for (const m of text.matchAll(/\benv(?:\.|\[")([A-Z][A-Z0-9_]+)/g)) found.set(m[1]!, f);
    }
    const shell = [
      "scripts/reconcile.sh",
      "scripts/deploy.sh",
      "action.yml",
      ...(await filesUnder(".github/workflows", /\.yml$/)),
      ...(await filesUnder("templates/policy-repo", /\.ya?ml$/)),
    ];
    for (const f of shell) {
      const text = await readFile(join(ROOT, f), "utf8");
      for (const m of text.matchAll(/\bPATCHOPS_[A-Z0-9_]+/g)) found.set(m[0], f);
    }
    expect(found.size).toBeGreaterThan(30);
    const table = await readFile(join(ROOT, "docs/reference/environment.md"), "utf8");
    const documented = new Set([...table.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!));
    const missing = [...found].filter(([name]) => !documented.has(name)).map(([name, f]) => `${name} (${f})`);
    expect(missing).toEqual([]);
  });
});
