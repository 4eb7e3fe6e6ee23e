// The JSON Schema files under schemas/, generated from the zod models (one source of truth per shape).
import { jsonSchemaOf } from "./json-schema-of.js";
import { InventoryRecord } from "./inventory.js";
import { JobResult } from "./job-result.js";
import { KINDS } from "./kinds.js";
import { ExposureLine, HostResult, Job, Plan } from "./plan.js";
import { StatusSnapshot } from "./snapshot.js";

const BASE = "https://patchops.dev/schemas/";

/** File name → file text, for every kind and output. */
export function schemaFiles(): Map<string, string> {
  const out = new Map<string, string>();
  const add = (file: string, schema: Parameters<typeof jsonSchemaOf>[0]) => {
    const json = { $id: BASE + file, ...jsonSchemaOf(schema) };
    out.set(file, JSON.stringify(json, null, 2) + "\n");
  };
  for (const k of KINDS) add(k.schemaFile, k.schema);
  add("inventory-record.json", InventoryRecord);
  add("plan.json", Plan);
  add("job.json", Job);
  add("host.json", HostResult);
  add("exposure-line.json", ExposureLine);
  add("job-result.json", JobResult);
  add("status-snapshot.json", StatusSnapshot);
  return out;
}
