// GitHub's published response shapes (the REST API description's examples, test/fixtures/github/openapi-examples.json):
// the fake GitHub builds its answers on them, and the conformance test checks its answers against them.
import { readFileSync } from "node:fs";
import { join } from "node:path";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const FILE = join(import.meta.dirname, "..", "fixtures", "github", "openapi-examples.json");
const EXAMPLES = (JSON.parse(readFileSync(FILE, "utf8")) as { examples: Record<string, Json> }).examples;

/** The published example for a route (e.g. "/repos/{owner}/{repo}/pulls/{pull_number}"); a list's first item. */
export function published(route: string, item = false): Json {
  const e = EXAMPLES[route];
  if (e === undefined) throw new Error(`no published example for ${route}`);
  const value = item && Array.isArray(e) ? e[0]! : e;
  return JSON.parse(JSON.stringify(value)) as Json;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `ours` laid over the published example: every key GitHub sends is present, and what the fake models wins. Objects
 * merge key by key; anything else (arrays included) is taken from `ours` when it says so.
 */
export function onPublished<T extends Record<string, unknown>>(template: Json, ours: T): T {
  if (!isObject(template)) return ours;
  const out: Record<string, unknown> = { ...template };
  for (const [k, v] of Object.entries(ours)) {
    const base = template[k];
    out[k] = isObject(v) && isObject(base) ? onPublished(base as Json, v) : v;
  }
  return out as T;
}

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/**
 * Where `actual` departs from the published `expected`: a key GitHub sends that is missing, or a value of another JSON
 * type (null on either side is accepted: GitHub's schema lets those fields be null). Lists compare their first items.
 */
export function shapeProblems(expected: unknown, actual: unknown, at = "$"): string[] {
  if (expected === null || actual === null) return [];
  if (kind(expected) !== kind(actual)) return [`${at}: ${kind(actual)}, GitHub sends ${kind(expected)}`];
  if (Array.isArray(expected) && Array.isArray(actual))
    return expected.length && actual.length ? shapeProblems(expected[0], actual[0], `${at}[0]`) : [];
  if (isObject(expected) && isObject(actual)) {
    const out: string[] = [];
    for (const [k, v] of Object.entries(expected)) {
      if (!(k in actual)) out.push(`${at}.${k}: missing`);
      else out.push(...shapeProblems(v, actual[k], `${at}.${k}`));
    }
    return out;
  }
  return [];
}
