// Turns the bytes of one policy file into a YAML document with positions, or diagnostics.
import { CORE_SCHEMA, load as loadYaml } from "js-yaml";
import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Node,
} from "yaml";
import { diagnostic, type Diagnostic } from "../diagnostics.js";

export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_ALIAS_COUNT = 100;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export interface ParsedYaml {
  file: string;
  /** The document tree and line index (for positions); built on first use when the fast path read the file. */
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  value: unknown;
  /** The decoded text, kept so positions can be found again once the document tree is dropped. */
  text: string;
}

/** Files at least this large that hold plain YAML (see PLAIN) are read by js-yaml, about ten times faster. */
export const FAST_PATH_BYTES = 64 * 1024;
/**
 * Anything beyond plain block and flow collections of plain or quoted scalars goes the careful way (the `yaml`
 * parser with every check): anchors, aliases and merge keys, tags, block scalars, directives and document markers,
 * reserved characters, tabs, and the keys patchops refuses.
 */
const NOT_PLAIN = /[&*!|>%@`\t]|<<|^---|^\.\.\.|__proto__|constructor|prototype/m;

/** The value of a large plain file read by js-yaml (YAML 1.2 core schema), or undefined to go the careful way. */
function fastValue(text: string): unknown {
  if (text.length < FAST_PATH_BYTES || NOT_PLAIN.test(text)) return undefined;
  try {
    // Duplicate keys, a second document or any syntax error throw: the careful path then reports them with positions.
    return shareStrings(loadYaml(text, { schema: CORE_SCHEMA, json: false }));
  } catch {
    return undefined;
  }
}

// A large file repeats short values (periods, roles, owners) thousands of times: keep one copy of each.
const shared = new Map<string, string>();
function shareStrings(value: unknown): unknown {
  if (typeof value === "string") {
    if (value.length > 24) return value;
    const hit = shared.get(value);
    if (hit !== undefined) return hit;
    if (shared.size < 10_000) shared.set(value, value);
    return value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = shareStrings(value[i]);
    return value;
  }
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = shareStrings(o[k]);
  }
  return value;
}

/** A parsed file whose tree is built only when a position is asked (for a finding). */
function lazyParsed(file: string, text: string, value: unknown): ParsedYaml {
  let tree: Pick<ParsedYaml, "doc" | "lines"> | null = null;
  return {
    file,
    value,
    text,
    get doc() {
      return (tree ??= positionsOf(text)).doc;
    },
    get lines() {
      return (tree ??= positionsOf(text)).lines;
    },
  };
}

/** The document tree and line index of text that parsed before (for positions asked after loading). */
export function positionsOf(text: string): Pick<ParsedYaml, "doc" | "lines"> {
  const lines = new LineCounter();
  const doc = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  const first = Array.isArray(doc) ? doc.find((d) => d.contents !== null) : undefined;
  return { doc: first ?? (Array.isArray(doc) ? doc[0]! : (doc as unknown as Document.Parsed)), lines };
}

export interface Position {
  line: number;
  column: number;
}

export function positionOf(lines: LineCounter, offset: number): Position {
  const p = lines.linePos(offset);
  return { line: p.line, column: p.col };
}

/** Position of the node at `path` in the document, or of its nearest existing ancestor. */
export function locate(
  parsed: Pick<ParsedYaml, "doc" | "lines">,
  path: readonly (string | number)[],
  keyOf = false,
): Position {
  let node: unknown = parsed.doc.contents;
  let best: Node | null = (node as Node) ?? null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (keyOf && i === path.length - 1 && isScalar(pair.key)) {
        best = pair.key;
        break;
      }
      node = pair.value;
      if (node) best = node as Node;
      else {
        best = pair.key as Node;
        break;
      }
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (!item) break;
      node = item;
      best = item as Node;
    } else break;
  }
  const offset = best?.range?.[0] ?? 0;
  return positionOf(parsed.lines, offset);
}

function decode(file: string, bytes: Buffer): { text: string } | { diagnostic: Diagnostic } {
  // Windows editors and PowerShell save UTF-16 with a byte-order mark: say so, rather than "binary".
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const which = bytes[0] === 0xff ? "UTF-16LE" : "UTF-16BE";
    return {
      diagnostic: diagnostic(
        "not-utf8",
        "error",
        `${file} is ${which} (it starts with a byte-order mark); re-save it as UTF-8`,
        {
          file,
          line: 1,
          column: 1,
        },
      ),
    };
  }
  if (bytes.includes(0)) {
    return {
      diagnostic: diagnostic("binary-file", "error", `${file} is a binary file (it holds NUL bytes), not YAML`, {
        file,
        line: 1,
        column: 1,
      }),
    };
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return {
      diagnostic: diagnostic("not-utf8", "error", `${file} is not valid UTF-8 (first bad byte at offset ${bad})`, {
        file,
        ...lineColumnAtByte(bytes, bad),
      }),
    };
  }
}

function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 1; i <= bytes.length; i++) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, i));
    } catch {
      // A truncated multi-byte sequence at the end is fine; a bad one fails for every longer prefix too.
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, Math.min(bytes.length, i + 3)));
      } catch {
        return i - 1;
      }
    }
  }
  return 0;
}

function lineColumnAtByte(bytes: Buffer, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] !== 0x0a) continue;
    line += 1;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** Parses one file: size, encoding, syntax, duplicate keys, alias bombs, one document, forbidden keys. */
export function parseYamlFile(file: string, bytes: Buffer): { parsed?: ParsedYaml; diagnostics: Diagnostic[] } {
  if (bytes.length > MAX_FILE_BYTES) {
    return {
      diagnostics: [
        diagnostic(
          "file-too-large",
          "error",
          `${file} is ${bytes.length} bytes; policy files may be at most ${MAX_FILE_BYTES} bytes (1 MiB)`,
          { file },
        ),
      ],
    };
  }
  const decoded = decode(file, bytes);
  if ("diagnostic" in decoded) return { diagnostics: [decoded.diagnostic] };
  const text = decoded.text.startsWith("\uFEFF") ? decoded.text.slice(1) : decoded.text;
  const fast = fastValue(text);
  if (fast !== undefined && fast !== null && typeof fast === "object")
    return { parsed: lazyParsed(file, text, fast), diagnostics: [] };
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    keepSourceTokens: false,
  });
  const list = Array.isArray(docs) ? docs : [];
  const diagnostics: Diagnostic[] = [];
  const real = list.filter((d) => d.contents !== null || d.errors.length > 0);
  if (real.length === 0) {
    return {
      diagnostics: [diagnostic("empty-file", "error", `${file} holds no YAML document`, { file, line: 1, column: 1 })],
    };
  }
  for (const d of real) {
    for (const e of d.errors) {
      const pos = positionOf(lines, e.pos[0]);
      const code = e.code === "DUPLICATE_KEY" ? "duplicate-key" : "yaml-syntax";
      const msg = withoutSource(e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, ""));
      diagnostics.push(diagnostic(code, "error", msg, { file, ...pos }));
    }
  }
  if (real.length > 1) {
    const second = real[1]!;
    const pos = positionOf(lines, second.range[0]);
    diagnostics.push(
      diagnostic(
        "multi-document",
        "error",
        `${file} holds ${real.length} YAML documents; put one document in each file`,
        { file, ...pos },
      ),
    );
  }
  if (diagnostics.length > 0) return { diagnostics };
  const doc = real[0]!;
  const forbidden = findForbiddenKeys(doc.contents);
  if (forbidden.length > 0) {
    return {
      diagnostics: forbidden.map((k) =>
        diagnostic("forbidden-key", "error", `the key '${String(k.value)}' is not allowed`, {
          file,
          ...positionOf(lines, k.range?.[0] ?? 0),
        }),
      ),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      return {
        diagnostics: [
          diagnostic(
            "alias-limit",
            "error",
            `the document expands more than ${MAX_ALIAS_COUNT} aliases; write the values out instead`,
            {
              file,
              ...firstAliasPosition(doc, lines),
            },
          ),
        ],
      };
    }
    return {
      diagnostics: [
        diagnostic("yaml-syntax", "error", withoutSource((err as Error).message), { file, line: 1, column: 1 }),
      ],
    };
  }
  return { parsed: { file, doc, lines, value, text }, diagnostics: [] };
}

function findForbiddenKeys(root: unknown): { value: unknown; range?: [number, number, number] | null }[] {
  const found: { value: unknown; range?: [number, number, number] | null }[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) && FORBIDDEN_KEYS.has(String(pair.key.value))) found.push(pair.key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
  }
  return found.sort((a, b) => (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0));
}

function firstAliasPosition(doc: Document.Parsed, lines: LineCounter): Position {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.shift();
    if (isAlias(node)) return positionOf(lines, node.range?.[0] ?? 0);
    if (isMap(node)) for (const p of node.items) stack.push(p.value);
    else if (isSeq(node)) stack.push(...node.items);
  }
  return { line: 1, column: 1 };
}

/**
 * The parser quotes the offending text in some messages. A file that is not YAML at all (a stray .env, a git
 * config behind a link) must never have its content echoed into a CI log, so the quoted text is cut: the
 * position already says where to look.
 */
export function withoutSource(message: string): string {
  const cut = message
    .replace(/^(Unexpected \S+ token in YAML (?:stream|document)):[\s\S]*$/, "$1")
    .replace(/^(Block scalar header includes extra characters|Not a YAML token|Unresolved tag):[\s\S]*$/, "$1");
  return cut.length > 160 ? `${cut.slice(0, 160)}…` : cut;
}
