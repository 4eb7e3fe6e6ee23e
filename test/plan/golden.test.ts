import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "vitest";
import { expectGolden } from "../helpers/golden.js";
import { cli, FIXTURES, tempRepo } from "../helpers/repo.js";

// Golden files change only on purpose: UPDATE_GOLDEN=1 npx vitest run test/plan/golden.test.ts (prints the diff).
// The facts this golden exists for are pinned by hand in test/promises/golden-facts.promises.test.ts.

// expected/ is the default (compact) plan; expected-full/ is `plan --detail full`, every update on every host line.
describe("golden plan of test/fixtures/plan-basic", () => {
  it.each([
    ["expected", []],
    ["expected-full", ["--detail", "full"]],
  ])("matches %s/ byte for byte", async (dir, extra) => {
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
      ...extra,
    );
    const expected = join(FIXTURES, "plan-basic", dir);
    for (const f of ["plan.json", "hosts.ndjson", "jobs.ndjson"]) {
      // The inventory's origin is a temp path; the golden file names it relative to the fixture.
      const actual = (await readFile(join(out, f), "utf8")).replaceAll(repo + "/", "");
      await expectGolden(join(expected, f), actual);
    }
  });
});
