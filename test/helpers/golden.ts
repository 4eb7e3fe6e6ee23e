// Golden files: compared byte for byte, rewritten only with UPDATE_GOLDEN=1, and then only after printing the diff of
// what changes, so a regenerated golden is read before it is committed (CI fails on any change under test/fixtures).
import { spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { expect } from "vitest";
import { ROOT, tempDir } from "./repo.js";

export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === "1";

/** A unified diff from `before` to `after` (empty when equal), with paths as the golden file's, by git. */
export async function goldenDiff(label: string, before: string, after: string): Promise<string> {
  if (before === after) return "";
  const dir = await tempDir("patchops-golden-");
  await mkdir(join(dir, "before"), { recursive: true });
  await mkdir(join(dir, "after"), { recursive: true });
  await writeFile(join(dir, "before", "golden"), before);
  await writeFile(join(dir, "after", "golden"), after);
  const r = spawnSync(
    "git",
    ["diff", "--no-index", "--no-color", "--no-prefix", "--", "before/golden", "after/golden"],
    {
      cwd: dir,
      encoding: "utf8",
    },
  );
  return r.stdout.replaceAll("before/golden", `a/${label}`).replaceAll("after/golden", `b/${label}`);
}

/**
 * Expects `actual` to equal the golden file. With UPDATE_GOLDEN=1 it first prints the diff of the rewrite to
 * standard error and rewrites the file; the facts a golden exists for are still asserted by its test.
 */
export async function expectGolden(file: string, actual: string): Promise<void> {
  const label = relative(ROOT, file);
  if (UPDATE_GOLDEN) {
    const before = await readFile(file, "utf8").catch(() => "");
    const diff = await goldenDiff(label, before, actual);
    if (diff) {
      process.stderr.write(`UPDATE_GOLDEN rewrites ${label}:\n${diff}`);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, actual);
    }
  }
  expect(actual, label).toBe(await readFile(file, "utf8"));
}
