// Escaping round-trips, one per sink, with fast-check strings that favour each sink's special characters: what the
// reader of the sink (a browser, GitHub's Markdown, a spreadsheet, the Actions runner) gets back is the text we had.
import fc from "fast-check";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { csvCell } from "../../reconciler/report/csv.js";
import { escapeHtml } from "../../reconciler/report/html.js";
import { escapeMarkdown } from "../../reconciler/report/markdown.js";
import { escapeData, escapeProperty } from "../../reconciler/views/diagnostics.js";

// Characters each sink treats specially, mixed with ordinary and non-ASCII text.
const SPECIAL = [..."<>&\"'`*_{}[]()#!|~:@\\,=+-%\r\n\t;/ "];
const text = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
    { weight: 2, arbitrary: fc.constantFrom(..."aZ09ßé中🙂") },
    { weight: 1, arbitrary: fc.constantFrom("&amp;", "&lt;", "%25", "%0A", "&#39;", "\\*", "<!--", "-->") },
  ),
  maxLength: 40,
});

/** A browser's reading of the five entities escapeHtml writes. */
const decodeHtml = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e]!);

describe("HTML (the status site)", () => {
  it("decodes back to the text, with no raw < > \" ' and no & that does not start an entity", () => {
    fc.assert(
      fc.property(text, (s) => {
        const e = escapeHtml(s);
        expect(decodeHtml(e)).toBe(s);
        expect(e).not.toMatch(/[<>"']/);
        expect(e.replace(/&(amp|lt|gt|quot|#39);/g, "")).not.toContain("&");
      }),
      { numRuns: 500 },
    );
  });
});

describe("Markdown (pull-request comments and digests), rendered by markdown-it as CommonMark", () => {
  const md = new MarkdownIt("commonmark");
  it("renders inline as exactly the text (line breaks and tabs as one space), with no markup", () => {
    fc.assert(
      fc.property(text, (s) => {
        const html = md.renderInline(`x ${escapeMarkdown(s)} x`);
        expect(html).not.toMatch(/<(?!br)[a-z]/i);
        const shown = decodeHtml(html);
        expect(shown).toBe(`x ${s.replace(/[\r\n\t\u2028\u2029]+/g, " ")} x`);
      }),
      { numRuns: 500 },
    );
  });
});

/** One CSV record parsed as RFC 4180 says (and spreadsheets read it). */
function parseCsvRecord(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let cell = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else cell += line[i++];
      }
    } else while (i < line.length && line[i] !== ",") cell += line[i++];
    out.push(cell);
    if (i >= line.length) return out;
    i++;
  }
}

describe("CSV (hosts.csv, updates.csv)", () => {
  it("each cell reads back as the text, with a quote mark before a formula's lead (= + - @ tab CR)", () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (cells) => {
        const back = parseCsvRecord(cells.map(csvCell).join(","));
        expect(back).toEqual(cells.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)));
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * The Actions runner's reading of a workflow command (actions/runner, ActionCommand.cs): its unescape mappings in
 * their order, %25 last.
 */
const unescapeData = (s: string) => s.replaceAll("%0D", "\r").replaceAll("%0A", "\n").replaceAll("%25", "%");
const unescapeProperty = (s: string) =>
  s
    .replaceAll("%0D", "\r")
    .replaceAll("%0A", "\n")
    .replaceAll("%3A", ":")
    .replaceAll("%2C", ",")
    .replaceAll("%25", "%");

describe("GitHub workflow commands (::error file=…,title=…::message)", () => {
  it("the message and each property read back as the text, and split where the runner splits", () => {
    fc.assert(
      fc.property(text, text, text, (file, title, message) => {
        const line = `::error file=${escapeProperty(file)},title=${escapeProperty(title)}::${escapeData(message)}`;
        expect(line.split("\n")).toHaveLength(1);
        const m = /^::error (.*?)::(.*)$/s.exec(line)!;
        const props = Object.fromEntries(
          m[1]!.split(",").map((p) => [p.slice(0, p.indexOf("=")), unescapeProperty(p.slice(p.indexOf("=") + 1))]),
        );
        expect(props).toEqual({ file, title });
        expect(unescapeData(m[2]!)).toBe(message);
      }),
      { numRuns: 500 },
    );
  });
});
