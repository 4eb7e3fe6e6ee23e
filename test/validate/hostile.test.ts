import { symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { workingTreeSource } from "../../reconciler/load/source.js";
import { validateSource } from "../../reconciler/validate/validate.js";
import { cli, tempRepo } from "../helpers/repo.js";

const NOW = Date.parse("2026-12-01T00:00:00Z");
const ENVELOPE = "apiVersion: patchops/v1\nkind: Update\nmetadata:\n  name: bad\n";

async function diagnosticsFor(files: Record<string, string | Buffer>, prepare?: (dir: string) => Promise<void>) {
  const dir = await tempRepo("minimal", files);
  if (prepare) await prepare(dir);
  const { diagnostics } = await validateSource(workingTreeSource(dir), NOW);
  return diagnostics.filter((d) => d.severity !== "info");
}

describe("hostile input", () => {
  it("refuses an alias bomb (billion laughs) quickly, at the first alias", async () => {
    const bomb = [
      ENVELOPE + "spec:",
      '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      "  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
      "  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
      "  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
      "  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]",
      "  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]",
      "  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]",
    ].join("\n");
    const started = Date.now();
    const d = await diagnosticsFor({ "policies/updates/bad.yaml": bomb });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(d).toEqual([
      expect.objectContaining({ code: "alias-limit", file: "policies/updates/bad.yaml", line: 7, column: 10 }),
    ]);
  });

  it("reports a duplicate key at the repeated key", async () => {
    const d = await diagnosticsFor({ "policies/updates/bad.yaml": ENVELOPE + "spec:\n  id: KB1\n  id: KB2\n" });
    expect(d).toEqual([expect.objectContaining({ code: "duplicate-key", line: 7, column: 3 })]);
  });

  it.each(["__proto__", "constructor", "prototype"])("refuses the key %s without touching prototypes", async (key) => {
    const d = await diagnosticsFor({
      "policies/updates/bad.yaml": ENVELOPE + `spec:\n  ${key}:\n    polluted: true\n`,
    });
    expect(d).toEqual([expect.objectContaining({ code: "forbidden-key", line: 6, column: 3 })]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a file over 1 MiB without parsing it", async () => {
    const d = await diagnosticsFor({ "policies/updates/big.yaml": ENVELOPE + "# " + "x".repeat(1024 * 1024) + "\n" });
    expect(d).toEqual([expect.objectContaining({ code: "file-too-large", file: "policies/updates/big.yaml" })]);
  });

  it("reports a file that is not UTF-8 at the bad byte", async () => {
    const bytes = Buffer.concat([
      Buffer.from(ENVELOPE + "spec:\n  title: caf"),
      Buffer.from([0xe9]),
      Buffer.from("\n"),
    ]);
    const d = await diagnosticsFor({ "policies/updates/latin1.yaml": bytes });
    expect(d).toEqual([expect.objectContaining({ code: "not-utf8", line: 6, column: 13 })]);
  });

  it("reports a binary file", async () => {
    const d = await diagnosticsFor({ "policies/updates/blob.yaml": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]) });
    expect(d).toEqual([expect.objectContaining({ code: "binary-file", line: 1, column: 1 })]);
  });

  it("refuses a symbolic link that leaves the repository", async () => {
    const d = await diagnosticsFor({}, async (dir) => {
      await writeFile(join(dir, "..", "outside-secret.yaml"), ENVELOPE);
      await symlink(join(dir, "..", "outside-secret.yaml"), join(dir, "policies/updates/escape.yaml"));
    });
    expect(d).toEqual([
      expect.objectContaining({ code: "symlink-outside-repo", file: "policies/updates/escape.yaml" }),
    ]);
  });

  it("reports an empty file and a comment-only file", async () => {
    const d = await diagnosticsFor({
      "policies/updates/empty.yaml": "",
      "policies/updates/comments.yaml": "# nothing here\n",
    });
    expect(d.map((x) => [x.code, x.file])).toEqual([
      ["empty-file", "policies/updates/comments.yaml"],
      ["empty-file", "policies/updates/empty.yaml"],
    ]);
  });

  it("refuses several documents in one file, at the second", async () => {
    const d = await diagnosticsFor({
      "policies/updates/two.yaml": ENVELOPE + "spec: {}\n---\n" + ENVELOPE + "spec: {}\n",
    });
    expect(d).toEqual([expect.objectContaining({ code: "multi-document", line: 6, column: 1 })]);
  });

  it("warns about stray files in policy folders and ignores them", async () => {
    const d = await diagnosticsFor({
      "policies/updates/notes.txt": "remember the milk",
      "policies/updates/.gitkeep": "",
    });
    expect(d).toEqual([
      expect.objectContaining({ code: "stray-file", severity: "warning", file: "policies/updates/notes.txt" }),
    ]);
  });

  it("words wrong types for a person, at each offending node", async () => {
    const doc = [
      ENVELOPE + "spec:",
      "  id: [KB1]",
      "  title: 42",
      "  classification: securty",
      "  severity: urgent",
      "  released: 12/03/2024",
      "  cves: CVE-2024-1",
      "  restart: yes",
      "  pilot: maybe",
      "  colour: blue",
    ].join("\n");
    const d = await diagnosticsFor({ "policies/updates/bad.yaml": doc + "\n" });
    const got = d.map((x) => `${x.line}:${x.column} ${x.message}`);
    expect(got).toEqual([
      "6:7 spec.id must be a string (found a list)",
      "7:10 spec.title must be a string (found number 42)",
      "8:19 spec.classification must be one of security, critical, update, hotfix, rollup, service-pack, feature-pack, synthetic, definition, tool, driver, upgrade, other (found the string 'securty')",
      "9:13 spec.severity must be one of critical, important, moderate, low (found the string 'urgent')",
      "10:13 spec.released must be a calendar date, YYYY-MM-DD (found the string '12/03/2024')",
      "11:9 spec.cves must be a list (found the string 'CVE-2024-1')",
      "12:12 spec.restart must be one of required, maybe, never (found the string 'yes')",
      "13:10 spec.pilot must be true or false or a mapping (found the string 'maybe')",
      "14:3 spec has an unknown field 'colour'; allowed: id, title, vendor, bulletin, cves, classification, severity, released, decision, timeline, exploited, appliesTo, supersedes, requires, restart, uninstallable, remove, catalogOnly, source, pilot, rfc",
    ]);
    expect(new Set(d.map((x) => x.code))).toEqual(new Set(["schema"]));
  });

  it("suggests the field meant by a typo", async () => {
    const d = await diagnosticsFor({
      "policies/updates/kb1.yaml":
        "apiVersion: patchops/v1\nkind: Update\nmetadata:\n  name: kb1\nspec:\n  id: KB1\n  title: t\n  classification: update\n  released: 2024-01-01\n  supercedes: [KB0]\n",
    });
    expect(d).toEqual([
      expect.objectContaining({
        code: "schema",
        line: 10,
        column: 3,
        message: "spec has an unknown field 'supercedes' (did you mean 'supersedes'?)",
      }),
    ]);
  });

  it("reports wrong apiVersion, unknown kind and a kind in the wrong folder", async () => {
    const d = await diagnosticsFor({
      "policies/updates/a.yaml": "apiVersion: patchops/v2\nkind: Update\nmetadata: { name: a }\nspec: {}\n",
      "policies/updates/b.yaml": "apiVersion: patchops/v1\nkind: Patch\nmetadata: { name: b }\nspec: {}\n",
      "baselines/c.yaml":
        "apiVersion: patchops/v1\nkind: Exemption\nmetadata: { name: c }\nspec: { updates: ['*'], type: defer, reason: r, ticket: t, expires: 2026-12-31, hosts: [host-01] }\n",
    });
    expect(d.map((x) => `${x.file}:${x.line}:${x.column} ${x.code}`)).toEqual([
      "baselines/c.yaml:2:7 wrong-folder",
      "policies/updates/a.yaml:1:13 api-version",
      "policies/updates/b.yaml:2:7 unknown-kind",
    ]);
  });

  it("never crashes on a document that is not a mapping", async () => {
    const d = await diagnosticsFor({
      "policies/updates/list.yaml": "- 1\n- 2\n",
      "policies/updates/scalar.yaml": "hello\n",
    });
    expect(d.map((x) => x.code)).toEqual(["schema", "schema"]);
  });

  it("the CLI exits 1 with file:line:column and no stack trace", async () => {
    const dir = await tempRepo("minimal", { "policies/updates/bad.yaml": ENVELOPE + "spec:\n  id: KB1\n  id: KB2\n" });
    const r = await cli("validate", "--repo", dir, "--now", "2026-12-01T00:00:00Z");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("policies/updates/bad.yaml:7:3: error duplicate-key: Map keys must be unique");
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });
});
