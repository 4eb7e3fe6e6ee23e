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
    const m = /"host"\s*:\s*"([^"\\]{1,253})"/.exec(line);
    return { host: m?.[1], error: `not valid JSON (${(err as Error).message})` };
  }
  return checkRecord(value);
}
