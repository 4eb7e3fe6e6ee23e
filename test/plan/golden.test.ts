import { readFile, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, FIXTURES, tempRepo } from "../helpers/repo.js";

// Golden files change only on purpose: UPDATE_GOLDEN=1 npx vitest run test/plan/golden.test.ts
const UPDATE = process.env.UPDATE_GOLDEN === "1";

describe("golden plan of test/fixtures/plan-basic", () => {
  it("matches expected/ byte for byte", async () => {
    const repo = await tempRepo("plan-basic");
    const out = join(repo, "out");
    await cli(
      "plan",
      "--repo",
      repo,
      "--inventory",
      join(repo, "inventory.jsonl"),
      "--out",
      out,
      "--now",
      "2026-12-10T09:00:00Z",
      "--no-verify-approvals",
    );
    const expected = join(FIXTURES, "plan-basic", "expected");
    for (const f of ["plan.json", "hosts.ndjson", "jobs.ndjson"]) {
      // The inventory's origin is a temp path; the golden file names it relative to the fixture.
      const actual = (await readFile(join(out, f), "utf8")).replaceAll(repo + "/", "");
      if (UPDATE) {
        await mkdir(expected, { recursive: true });
        await writeFile(join(expected, f), actual);
      }
      expect(actual, f).toBe(await readFile(join(expected, f), "utf8"));
    }
  });
});
