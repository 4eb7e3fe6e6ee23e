// Checks a parsed document against its kind's JSON Schema and words each error for a person.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { z } from "zod";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import { jsonSchemaOf } from "../model/json-schema-of.js";
import { locate, type ParsedYaml } from "./yaml-file.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** The JSON Schema (draft 2020-12) of a zod schema, as written to schemas/. */
let ajv: Ajv2020 | null = null;
const compiled = new WeakMap<z.ZodType, ValidateFunction>();

export function validatorFor(schema: z.ZodType): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    if (!ajv) {
      ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
      addFormats(ajv);
    }
    v = ajv.compile(jsonSchemaOf(schema));
    compiled.set(schema, v);
  }
  return v;
}

type Segment = string | number;

function parsePointer(pointer: string): Segment[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function dotted(path: readonly Segment[]): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || "the document";
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string '${value.length > 40 ? value.slice(0, 40) + "…" : value}'`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  null: "null",
};

function describeSchema(s: Record<string, unknown>): string {
  if ("const" in s) return `'${String(s.const)}'`;
  if (Array.isArray(s.enum)) return `one of ${s.enum.join(", ")}`;
  if (typeof s.type === "string") {
    const t = TYPE_WORDS[s.type] ?? s.type;
    if ((s.type === "integer" || s.type === "number") && (s.minimum !== undefined || s.maximum !== undefined)) {
      return `${t} from ${String(s.minimum ?? "-∞")} to ${String(s.maximum ?? "∞")}`;
    }
    return t;
  }
  return "a valid value";
}

function closest(word: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestScore) {
      bestScore = d;
      best = o;
    }
  }
  return bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

function word(e: ErrorObject): { path: Segment[]; keyOf: boolean; message: string } {
  const path = parsePointer(e.instancePath);
  const where = dotted(path);
  const p = e.params as Record<string, unknown>;
  const ps = (e.parentSchema ?? {}) as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return { path, keyOf: false, message: `${where} is missing the required field '${String(p.missingProperty)}'` };
    case "additionalProperties": {
      const prop = String(p.additionalProperty);
      const known = Object.keys((ps.properties as Record<string, unknown>) ?? {});
      const hint = closest(prop, known);
      return {
        path: [...path, prop],
        keyOf: true,
        message: `${where} has an unknown field '${prop}'${hint ? ` (did you mean '${hint}'?)` : known.length ? `; allowed: ${known.join(", ")}` : ""}`,
      };
    }
    case "enum":
      return {
        path,
        keyOf: false,
        message: `${where} must be one of ${(p.allowedValues as unknown[]).join(", ")} (found ${typeName(e.data)})`,
      };
    case "const":
      return {
        path,
        keyOf: false,
        message: `${where} must be '${String(p.allowedValue)}' (found ${typeName(e.data)})`,
      };
    case "type":
      return {
        path,
        keyOf: false,
        message: `${where} must be ${TYPE_WORDS[String(p.type)] ?? String(p.type)} (found ${typeName(e.data)})`,
      };
    case "pattern":
    case "format":
      return {
        path,
        keyOf: false,
        message: `${where} must be ${typeof ps.description === "string" ? lowerFirst(ps.description) : e.keyword === "format" ? `a valid ${String(p.format)}` : `text matching ${String(p.pattern)}`} (found ${typeName(e.data)})`,
      };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { path, keyOf: false, message: `${where} must be ${describeSchema(ps)} (found ${typeName(e.data)})` };
    case "minItems":
      return {
        path,
        keyOf: false,
        message: `${where} must list at least ${String(p.limit)} item${p.limit === 1 ? "" : "s"}`,
      };
    case "maxItems":
      return { path, keyOf: false, message: `${where} may list at most ${String(p.limit)} items` };
    case "minLength":
      return { path, keyOf: false, message: `${where} must not be empty` };
    case "maxLength":
      return { path, keyOf: false, message: `${where} may be at most ${String(p.limit)} characters long` };
    case "anyOf":
    case "oneOf": {
      const branches = ((ps[e.keyword] as Record<string, unknown>[]) ?? []).map(describeSchema);
      return { path, keyOf: false, message: `${where} must be ${branches.join(" or ")} (found ${typeName(e.data)})` };
    }
    default:
      return { path, keyOf: false, message: `${where} ${e.message ?? "is invalid"}` };
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1).replace(/\.$/, "");
}

/** Checks a value against a schema; each error becomes a diagnostic at the offending node. */
export function checkSchema(parsed: ParsedYaml, schema: z.ZodType): Diagnostic[] {
  const validate = validatorFor(schema);
  if (validate(parsed.value)) return [];
  const errors = validate.errors ?? [];
  // A failed union reports every branch's errors too; keep only the union's own, worded once.
  const unions = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf").map((e) => e.schemaPath);
  const kept = errors.filter(
    (e) =>
      e.keyword === "anyOf" ||
      e.keyword === "oneOf" ||
      !unions.some((u) => e.schemaPath.startsWith(u.replace(/\/(anyOf|oneOf)$/, "/$1/"))),
  );
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of kept) {
    const w = word(e);
    if (seen.has(w.message)) continue;
    seen.add(w.message);
    out.push(diagnostic("schema", "error", w.message, { file: parsed.file, ...locate(parsed, w.path, w.keyOf) }));
  }
  return out;
}
