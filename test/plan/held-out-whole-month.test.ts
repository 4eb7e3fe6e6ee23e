// The whole held-out months (June and September 2025, every CVE): intake never throws and never writes a draft that
// `validate` rejects, with and without the agent-scanned inventory. Slow (two 3 MB documents):
// in SLOW_END_TO_END.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { cli, FIXTURES, tempDir } from "../helpers/repo.js";
import { heldOutRepo } from "./held-out-fleet.js";

const NOW = "2025-09-10T06:00:00Z";

async function wholeMonths(): Promise<string[]> {
  const dir = await tempDir();
  const out: string[] = [];
  for (const month of ["Jun", "Sep"]) {
    const file = join(dir, `cvrfDocument-2025-${month}.xml`);
    await writeFile(
      file,
      gunzipSync(await readFile(join(FIXTURES, "msrc-held-out", `cvrfDocument-2025-${month}.xml.gz`))),
    );
    out.push(file);
  }
  return out;
}

describe("whole held-out MSRC months", () => {
  for (const withInventory of [true, false])
    it(`intake ${withInventory ? "with the agent-scanned inventory" : "without an inventory (every update drafted)"}: no draft validate rejects (beyond the RFC answers a person writes)`, async () => {
      const feeds = await wholeMonths();
      const { repo, inventory } = await heldOutRepo();
      const args = ["intake", "--repo", repo, "--now", NOW, "--feed", ...feeds];
      const r = await cli(...args, ...(withInventory ? ["--inventory", inventory] : []));
      // Nothing refused, nothing the validator would reject: every advisory drafted, enriched, or reported.
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^intake: \d+ updates in 2 feeds/);
      // What validate still finds is only what a fresh draft may lack: RFC answers a person writes (docs/intake.md).
      const validated = await cli("validate", "--repo", repo, "--now", NOW, "--format", "json");
      const found = JSON.parse(validated.stdout) as { diagnostics: { code: string; severity: string }[] };
      const errors = new Set(found.diagnostics.filter((d) => d.severity === "error").map((d) => d.code));
      expect([...errors].filter((c) => !["rfc-todo", "rfc-incomplete", "missing-severity"].includes(c))).toEqual([]);
    });
});
