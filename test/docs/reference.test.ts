// The generated reference pages match what the code defines (run `npm run -s docs:reference` after a change).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { referencePages } from "../../scripts/docs-reference.js";
import { ROOT } from "../helpers/repo.js";

describe("docs/reference/", () => {
  it("is what the commander definitions, the JSON Schemas and the diagnostic codes generate", async () => {
    for (const [file, text] of await referencePages())
      expect(await readFile(join(ROOT, "docs/reference", file), "utf8"), `docs/reference/${file}`).toBe(text);
  });

  it("lists every command, every option and every field", async () => {
    const cli = await readFile(join(ROOT, "docs/reference/cli.md"), "utf8");
    // Hand-picked from the commands' definitions: a subcommand, a required option, a negated flag.
    expect(cli).toContain("## patchops export ansible\n");
    expect(cli).toContain("## patchops status record\n");
    expect(cli).toMatch(/\| `--plan <dir>` \(required\) \|/);
    expect(cli).toContain("| `--no-verify-approvals` |");
    const formats = await readFile(join(ROOT, "docs/reference/formats.md"), "utf8");
    expect(formats).toContain("## Update\n");
    expect(formats).toMatch(/\| `spec\.approveAfterDays` \| integer \| yes \| ≥ 0, ≤ 365 \|/);
    const codes = await readFile(join(ROOT, "docs/reference/diagnostics.md"), "utf8");
    expect(codes).toContain("| `yaml-syntax` | The file is not valid YAML. Fix the syntax at the position shown. |");
  });
});
