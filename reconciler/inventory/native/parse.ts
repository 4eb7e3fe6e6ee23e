// The native format: JSON Lines (one InventoryRecord a line) or a JSON array of them.
import { validatorFor } from "../../load/schema-check.js";
import { InventoryRecord } from "../../model/inventory.js";

export interface RecordResult {
  record?: InventoryRecord;
  /** The host name, when the record names one even though it is invalid. */
  host?: string;
  error?: string;
}

function describe(errors: { instancePath: string; message?: string; params?: Record<string, unknown> }[]): string {
  const e = errors[0];
  if (!e) return "invalid record";
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : "the record";
  if (e.params && "missingProperty" in e.params) return `${where} is missing '${String(e.params.missingProperty)}'`;
  if (e.params && "additionalProperty" in e.params)
    return `${where} has an unknown field '${String(e.params.additionalProperty)}'`;
  return `${where} ${e.message ?? "is invalid"}`;
}

/** Checks one parsed value against the InventoryRecord schema. */
export function checkRecord(value: unknown): RecordResult {
  const validate = validatorFor(InventoryRecord);
  const host =
    value && typeof value === "object" && typeof (value as { host?: unknown }).host === "string"
      ? (value as { host: string }).host
      : undefined;
  if (!validate(value)) return { host, error: describe(validate.errors ?? []) };
  if (Number.isNaN(Date.parse((value as InventoryRecord).scannedAt)))
    return { host, error: "scannedAt is not a valid instant" };
  return { record: value as InventoryRecord, host };
}

export function parseLine(line: string): RecordResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { host: topLevelHost(line), error: `not valid JSON (${(err as Error).message})` };
  }
  return checkRecord(value);
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
