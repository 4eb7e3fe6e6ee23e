// The native format: JSON Lines (one InventoryRecord a line) or a JSON array of them.
import { z } from "zod";
import { validatorFor } from "../../load/schema-check.js";
import { UpdateId } from "../../model/common.js";
import { jsonSchemaOf } from "../../model/json-schema-of.js";
import { InventoryRecord, PACKAGE_NAME } from "../../model/inventory.js";
import type { ScanIds } from "../host-record.js";
import { scanNumbers } from "../id-set.js";
import { guessFormat } from "../linux/packages.js";

export interface RecordResult {
  record?: InventoryRecord;
  /** The host name, when the record names one even though it is invalid. */
  host?: string;
  error?: string;
  /** Where in the line the problem is (1-based), when it can be told; else the line's start. */
  column?: number;
  /**
   * The record's update ids as numbers (see id-set.ts), with the record: shared buffers, good only until the next
   * record is checked (a summary copies them into its store, a whole record into its own sets).
   */
  ids?: ScanIds;
}

/**
 * The record's schema but for the form of its update ids: a fleet lists a few thousand distinct ids hundreds of
 * thousands of times, so each spelling is checked against `UpdateId`'s pattern once (`scanNumbers`) rather than at
 * every mention. A record failing either check is checked again against the whole schema, for its message.
 */
const RecordButIds = InventoryRecord.extend({
  installed: z.array(z.string()),
  pendingRebootUpdates: z.array(z.string()).optional(),
});
const UPDATE_ID = new RegExp((jsonSchemaOf(UpdateId) as { pattern: string }).pattern, "u");
const isUpdateId = (id: string): boolean => UPDATE_ID.test(id);

/** A value as a message quotes it: JSON, cut short, so a hostile string is shown, never interpreted. */
function quoted(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

type Path = (string | number)[];

function describe(
  value: unknown,
  errors: { instancePath: string; message?: string; params?: Record<string, unknown> }[],
): { error: string; path: Path } {
  const e = errors[0];
  if (!e) return { error: "invalid record", path: [] };
  const path: Path = e.instancePath
    ? e.instancePath
        .slice(1)
        .split("/")
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
    : [];
  const where = path.length ? path.join(".") : "the record";
  if (e.params && "missingProperty" in e.params)
    return { error: `${where} is missing '${String(e.params.missingProperty)}'`, path };
  if (e.params && "additionalProperty" in e.params)
    return { error: `${where} has an unknown field '${String(e.params.additionalProperty)}'`, path };
  const at = valueAt(value, path);
  if (e.params && "pattern" in e.params && typeof at === "string")
    return { error: `${where} ${quoted(at)} is not ${grammarOf(path)}`, path };
  return { error: `${where} ${e.message ?? "is invalid"}`, path };
}

function grammarOf(path: Path): string {
  const field = path.filter((p) => typeof p === "string").join(".");
  if (field === "host") return "a host name (RFC 1123: labels of letters, digits and '-', dot-separated)";
  if (/(^|\.)(name|source)$/.test(field)) return "a package name (letters, digits and . _ + -, not leading)";
  if (/(^|\.)version$/.test(field)) return "a package version ([epoch:]version[-release])";
  return "in the expected form";
}

function valueAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** The 1-based column of the value at `path` in the line: its JSON text, searched after its key. */
function columnOf(line: string | undefined, value: unknown, path: Path): number | undefined {
  if (line === undefined || path.length === 0) return undefined;
  const at = valueAt(value, path);
  const key = path.findLast((p) => typeof p === "string");
  const text = at === undefined ? null : JSON.stringify(at);
  if (text === null || text === undefined) return undefined;
  // The value after its own key when there is one ("name":"…"), else its first occurrence.
  const keyed = key === undefined ? -1 : line.search(new RegExp(`"${key}"\\s*:\\s*${escapeRegExp(text)}`));
  const i = keyed >= 0 ? line.indexOf(text, keyed + key!.length + 2) : line.indexOf(text);
  return i >= 0 ? i + 1 : undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** dpkg's own rules (Debian Policy 5.6.1, 5.6.12): lower-case names of two or more; upstream starts with a digit. */
const DEB_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const DEB_VERSION = /^(?:[0-9]+:)?[0-9][A-Za-z0-9.+~-]*$/;
/** rpm: NAME of letters, digits and ._+- (not leading '-'); [EPOCH:]VERSION[-RELEASE], neither with a '-'. */
const RPM_VERSION = /^(?:[0-9]+:)?[A-Za-z0-9._+~^]+(?:-[A-Za-z0-9._+~^]+)?$/;

/** The format's own grammar for the record's package names and versions: the first violation, with its path. */
function packageProblem(r: InventoryRecord): { error: string; path: Path } | null {
  if (!r.packages && !r.availableUpdates) return null;
  const format = r.packageFormat ?? guessFormat(r.os.name ?? "");
  const name = format === "deb" ? DEB_NAME : PACKAGE_NAME;
  const version = format === "deb" ? DEB_VERSION : RPM_VERSION;
  const grammar = format === "deb" ? "dpkg" : "rpm";
  for (const list of ["packages", "availableUpdates"] as const)
    for (const [i, p] of (r[list] ?? []).entries()) {
      const source = "source" in p ? p.source : undefined;
      for (const [field, v, re] of [
        ["name", p.name, name],
        ["source", source, name],
        ["version", p.version, version],
      ] as const) {
        if (v === undefined || re.test(v)) continue;
        const what = field === "version" ? "version" : "package name";
        return { error: `${list}.${i}.${field} ${quoted(v)} is not a ${grammar} ${what}`, path: [list, i, field] };
      }
      if (format === "deb" && p.version.endsWith("-"))
        return { error: `${list}.${i}.version ${quoted(p.version)} is not a dpkg version`, path: [list, i, "version"] };
    }
  return null;
}

/** A host name the record gives that patchops may plan under (it could be named in an assignment), or undefined. */
export function plannableHost(host: string | undefined): string | undefined {
  return host !== undefined && host.length <= 253 && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(host) ? host : undefined;
}

/** Checks one parsed value against the InventoryRecord schema and the package grammar of its format. */
export function checkRecord(value: unknown, line?: string): RecordResult {
  const host =
    value && typeof value === "object" && typeof (value as { host?: unknown }).host === "string"
      ? (value as { host: string }).host
      : undefined;
  const failed = (p: { error: string; path: Path }): RecordResult => {
    const column = columnOf(line, value, p.path);
    return { host, error: p.error, ...(column ? { column } : {}) };
  };
  const wholeSchema = () => {
    const validate = validatorFor(InventoryRecord);
    validate(value);
    return failed(describe(value, validate.errors ?? []));
  };
  if (!validatorFor(RecordButIds)(value)) return wholeSchema();
  const record = value as InventoryRecord;
  const installed = scanNumbers(record.installed, isUpdateId, 0);
  const pending = record.pendingRebootUpdates ? scanNumbers(record.pendingRebootUpdates, isUpdateId, 1) : null;
  if (!installed || (record.pendingRebootUpdates && !pending)) return wholeSchema();
  if (Number.isNaN(Date.parse(record.scannedAt)))
    return failed({ error: "scannedAt is not a valid instant", path: ["scannedAt"] });
  const problem = packageProblem(record);
  if (problem) return failed(problem);
  return { record, host, ids: { installed, pending } };
}

export function parseLine(line: string): RecordResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { host: topLevelHost(line), error: `not valid JSON (${(err as Error).message})` };
  }
  return checkRecord(value, line);
}

/**
 * The host a broken line names in its own top-level "host" key; a "host" nested inside (a product, a tag) is not
 * the record's host, and attributing the broken line to it would make that other host stale.
 */
export function topLevelHost(line: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < line.length && i < 1 << 20; i++) {
    const ch = line[i];
    if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") depth--;
    else if (ch === '"') {
      const end = stringEnd(line, i);
      if (end < 0) return undefined;
      if (depth === 1 && line.slice(i, end + 1) === '"host"') {
        const m = /^\s*:\s*"([^"\\]{1,253})"/.exec(line.slice(end + 1, end + 300));
        if (m) return m[1];
      }
      i = end;
    }
  }
  return undefined;
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}
