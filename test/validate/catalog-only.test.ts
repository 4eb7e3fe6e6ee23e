import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tempRepo } from "../helpers/repo.js";

describe("catalog-only updates", () => {
  it("need source.sha256: nothing could check the download otherwise (exit 1, file:line:column)", async () => {
    const repo = await tempRepo("loop");
    const file = join(repo, "policies", "updates", "kb5003.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace(/\n\s+sha256: .*/, ""));
    const r = await cli("validate", "--repo", repo);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /policies\/updates\/kb5003\.yaml:\d+:\d+: error catalog-only-source: KB5003 is catalog-only but has no source\.sha256/,
    );
  });
});
