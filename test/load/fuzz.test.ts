import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLine } from "../../reconciler/inventory/native/parse.js";
import { convertHotfixCsv, convertHotfixJson } from "../../reconciler/inventory/hotfix/convert.js";
import { convertOsquery } from "../../reconciler/inventory/osquery/convert.js";
import { cvrfXmlToJson } from "../../reconciler/intake/feeds/cvrf-xml.js";
import { parseMsrcCvrf } from "../../reconciler/intake/feeds/cvrf.js";
import { parseCsaf } from "../../reconciler/intake/feeds/csaf.js";
import { loadPolicySet } from "../../reconciler/load/policy-set.js";
import { parseYamlFile } from "../../reconciler/load/yaml-file.js";
import { crossFileDiagnostics } from "../../reconciler/validate/validate.js";
import { memorySource } from "../helpers/memory-source.js";

const VALID = `apiVersion: patchops/v1
kind: Update
metadata:
  name: kb1
spec:
  id: KB1
  title: A title
  classification: security
  severity: important
  released: 2026-12-08
  decision: approved
  appliesTo: { os: [{ family: windows, versions: ">=10.0" }] }
  supersedes: [KB0]
  requires: [KB2]
  rfc: { change: c, impact: minor }
`;

/** Mutates a valid document: deletes, duplicates, or inserts YAML-significant characters. */
const mutated = fc
  .array(
    fc.tuple(
      fc.nat(),
      fc.constantFrom("delete", "insert", "duplicate"),
      fc.constantFrom(
        ":",
        "-",
        " ",
        "\n",
        "&a",
        "*a",
        "[",
        "]",
        "{",
        "}",
        "'",
        '"',
        "#",
        "!!binary",
        "<<: *a",
        "__proto__: 1\n",
        "\t",
        "?",
        "|",
        ">",
      ),
    ),
    { maxLength: 8 },
  )
  .map((edits) => {
    let s = VALID;
    for (const [pos, op, text] of edits) {
      const i = pos % (s.length + 1);
      if (op === "delete") s = s.slice(0, i) + s.slice(i + 1 + (pos % 5));
      else if (op === "insert") s = s.slice(0, i) + text + s.slice(i);
      else s = s.slice(0, i) + s.slice(i, i + (pos % 40)) + s.slice(i);
    }
    return s;
  });

const PARAMS = { numRuns: 300, interruptAfterTimeLimit: 20_000 };
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

/** A YAML read either parses, or says why in an error diagnostic that names the file. */
function parsedOrReported(r: ReturnType<typeof parseYamlFile>): void {
  if (r.parsed === undefined) {
    expect(r.diagnostics.some((d) => d.severity === "error")).toBe(true);
    for (const d of r.diagnostics) expect(d.file).toBe("policies/updates/x.yaml");
  } else expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
}

describe("fuzzing the loaders: every failure is a diagnostic, never a crash or a hang", () => {
  it("YAML policy documents: mutations of a valid one", async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (text) => {
        const { set, diagnostics } = await loadPolicySet(memorySource({ "policies/updates/kb1.yaml": text }));
        for (const d of diagnostics) {
          expect(typeof d.code).toBe("string");
          expect(d.file).toBe("policies/updates/kb1.yaml");
          // A position, where there is one, is a real line and column of the file.
          if (d.line !== null && d.line !== undefined) {
            expect(d.line).toBeGreaterThanOrEqual(1);
            expect(d.line).toBeLessThanOrEqual(text.split("\n").length + 1);
          }
        }
        // No silent drop: a document that did not load is an error diagnostic, and one that loaded is an Update.
        if (set.updates.length === 0) expect(diagnostics.some((d) => d.severity === "error")).toBe(true);
        else expect(typeof set.updates[0]!.spec.id).toBe("string");
        expect(() => crossFileDiagnostics(set, Date.parse("2026-12-10T00:00:00Z"))).not.toThrow();
        // `__proto__: 1` and friends never reach Object.prototype.
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTO_KEYS);
      }),
      PARAMS,
    );
  });

  it("YAML policy documents: arbitrary bytes and strings", async () => {
    await fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString("latin1")),
        ),
        (text) => {
          parsedOrReported(parseYamlFile("policies/updates/x.yaml", Buffer.from(text, "utf8")));
        },
      ),
      PARAMS,
    );
    await fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        parsedOrReported(parseYamlFile("policies/updates/x.yaml", Buffer.from(bytes)));
      }),
      PARAMS,
    );
  });

  it("inventory lines: arbitrary text and arbitrary JSON", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.json({ maxDepth: 4 }),
          fc.json().map((j) => `{"host":"h1","scannedAt":"2026-12-10T00:00:00Z","os":${j},"installed":[]}`),
        ),
        (line) => {
          const r = parseLine(line);
          // Exactly one: a record, or the reason the line is not one.
          expect((r.record !== undefined) !== (typeof r.error === "string")).toBe(true);
        },
      ),
      PARAMS,
    );
  });

  it("advisory feeds: arbitrary JSON and XML never crash the parsers", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json({ maxDepth: 5 }),
          fc
            .string({ maxLength: 300 })
            .map(
              (t) =>
                `<cvrf:cvrfdoc xmlns:cvrf="x"><cvrf:DocumentTitle>${t}</cvrf:DocumentTitle><vuln:Vulnerability>${t}</vuln:Vulnerability></cvrf:cvrfdoc>`,
            ),
        ),
        (text) => {
          let doc: unknown;
          try {
            doc = text.startsWith("<") ? cvrfXmlToJson(text) : JSON.parse(text);
          } catch (err) {
            expect(err).toBeInstanceOf(Error);
            return;
          }
          expect(Array.isArray(parseMsrcCvrf(doc, "f"))).toBe(true);
          expect(Array.isArray(parseCsaf(doc, "f"))).toBe(true);
        },
      ),
      PARAMS,
    );
  });

  it("scanner adapters: arbitrary osquery and Get-HotFix output", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 4 })), (text) => {
        for (const convert of [convertOsquery, convertHotfixJson, convertHotfixCsv]) {
          let r;
          try {
            r = convert(text, "f", undefined);
          } catch (err) {
            // Only malformed JSON may throw, and the reader turns that into a diagnostic.
            expect(err).toBeInstanceOf(SyntaxError);
            continue;
          }
          expect(Array.isArray(r.records) && Array.isArray(r.problems)).toBe(true);
        }
      }),
      PARAMS,
    );
  });
});
