import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { schemaFiles } from "../../reconciler/model/json-schemas.js";
import { KINDS, kindForPath } from "../../reconciler/model/kinds.js";
import { ROOT } from "../helpers/repo.js";

describe("schemas/", () => {
  it("matches what the zod models generate (run `npm run schemas` after changing a model)", async () => {
    const generated = schemaFiles();
    const onDisk = (await readdir(join(ROOT, "schemas"))).filter((f) => f.endsWith(".json")).sort();
    expect(onDisk).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) {
      expect(await readFile(join(ROOT, "schemas", file), "utf8"), file).toBe(text);
    }
  });

  it("are draft 2020-12 and close every object", () => {
    for (const [file, text] of schemaFiles()) {
      const json = JSON.parse(text) as Record<string, unknown>;
      expect(json.$schema, file).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(json.additionalProperties, file).toBe(false);
    }
  });

  it("every example document names its schema for editors", async () => {
    const dirs = new Set(KINDS.map((k) => k.location.dir));
    let checked = 0;
    for (const dir of dirs) {
      // A kind the example policy has no file of (policies/advisories/) has no folder there.
      const files = await readdir(join(ROOT, dir)).catch(() => [] as string[]);
      for (const f of files.filter((x) => x.endsWith(".yaml"))) {
        const path = `${dir}/${f}`;
        const kind = kindForPath(path);
        if (!kind) continue;
        const first = (await readFile(join(ROOT, path), "utf8")).split("\n")[0];
        const depth = path.split("/").length - 1;
        expect(first, path).toBe(`# yaml-language-server: $schema=${"../".repeat(depth)}schemas/${kind.schemaFile}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});

describe("docs/reference/diagnostics.md", () => {
  it("documents every diagnostic code", async () => {
    const { DIAGNOSTIC_CODES } = await import("../../reconciler/diagnostics.js");
    const readme = await readFile(join(ROOT, "docs/reference/diagnostics.md"), "utf8");
    for (const code of Object.keys(DIAGNOSTIC_CODES)) expect(readme, code).toContain(`| \`${code}\` |`);
  });
});
