// Reads inventory files (or stdin) line by line into host records; bad records become diagnostics, never drops.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import { fromNative, type HostRecord, type Inventory } from "./host-record.js";
import { checkRecord, parseLine } from "./native/parse.js";
import { detectFormat, INVENTORY_FORMATS, type InventoryFormat } from "./formats.js";
import { convertHotfixCsv, convertHotfixJson } from "./hotfix/convert.js";
import { convertOsquery } from "./osquery/convert.js";
import { screenTableRefusal } from "./screen-tables.js";

export class InventoryReadError extends Error {}

interface Collector {
  inventory: Inventory;
  diagnostics: Diagnostic[];
}

function keep(c: Collector, rec: HostRecord): void {
  const key = rec.host.toLowerCase();
  const prev = c.inventory.records.get(key);
  if (prev) {
    c.diagnostics.push(
      diagnostic(
        "inventory-duplicate",
        "warning",
        `host ${rec.host} is scanned again at ${rec.origin} (also ${prev.origin}); the latest scan wins`,
      ),
    );
    if (prev.scannedAt >= rec.scannedAt) return;
  }
  c.inventory.records.set(key, rec);
}

function bad(c: Collector, file: string, line: number, host: string | undefined, reason: string): void {
  const where = `${file}:${line}`;
  c.diagnostics.push(
    diagnostic(
      "inventory-malformed",
      "warning",
      `${host ? `host ${host}: ` : ""}${reason}${host ? "; the host is treated as stale" : "; the record names no host"}`,
      { file, line, column: 1 },
    ),
  );
  if (host) {
    const key = host.toLowerCase();
    if (!c.inventory.malformed.has(key)) c.inventory.malformed.set(key, { host, reason: `${where}: ${reason}` });
  }
}

async function readNativeLines(c: Collector, file: string, stream: Readable): Promise<void> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  for await (const raw of lines) {
    n++;
    const line = raw.trim();
    if (line === "") continue;
    const r = parseLine(line);
    if (r.record) keep(c, fromNative(r.record, `${file}:${n}`));
    else bad(c, file, n, r.host, r.error ?? "invalid record");
  }
}

function readNativeArray(c: Collector, file: string, text: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InventoryReadError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new InventoryReadError(`${file}: expected a JSON array of records or JSON Lines`);
  value.forEach((v, i) => {
    const r = checkRecord(v);
    // Arrays carry no line numbers: the position is the element's index, reported as line index+1.
    if (r.record) keep(c, fromNative(r.record, `${file}[${i}]`));
    else bad(c, file, i + 1, r.host, `element ${i}: ${r.error}`);
  });
}

async function sniff(path: string): Promise<string> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString("utf8");
  } finally {
    await fh.close();
  }
}

async function readWhole(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Reads every inventory input. "-" means standard input. JSON Lines stream record by record;
 * other formats are read whole (their producers write one document).
 */
export async function readInventory(
  files: readonly string[],
  options: { format?: InventoryFormat | "auto"; stdin?: Readable; scannedAt?: string } = {},
): Promise<{ inventory: Inventory; diagnostics: Diagnostic[] }> {
  const c: Collector = { inventory: { records: new Map(), malformed: new Map() }, diagnostics: [] };
  for (const file of files) {
    const isStdin = file === "-";
    const label = isStdin ? "<stdin>" : file;
    let head: string;
    let stream: () => Readable;
    if (isStdin) {
      const whole = await readWhole(options.stdin ?? process.stdin);
      head = whole.slice(0, 4096);
      stream = () => Readable.from([whole]);
    } else {
      try {
        head = await sniff(file);
      } catch (err) {
        throw new InventoryReadError(
          `cannot read inventory ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
      stream = () => createReadStream(file);
    }
    const refusal = screenTableRefusal(head, label);
    if (refusal) throw new InventoryReadError(refusal);
    const format = options.format && options.format !== "auto" ? options.format : detectFormat(head);
    if (!format)
      throw new InventoryReadError(
        `${label}: cannot tell the inventory format; pass --inventory-format (${INVENTORY_FORMATS.join(", ")})`,
      );
    if (format === "native") {
      if (head.trimStart().startsWith("[")) readNativeArray(c, label, await readWhole(stream()));
      else await readNativeLines(c, label, stream());
      continue;
    }
    const text = await readWhole(stream());
    let converted;
    try {
      converted =
        format === "osquery"
          ? convertOsquery(text, label, options.scannedAt)
          : format === "hotfix-json"
            ? convertHotfixJson(text, label, options.scannedAt)
            : convertHotfixCsv(text, label, options.scannedAt);
    } catch (err) {
      throw new InventoryReadError(`${label} is not valid ${format} output: ${(err as Error).message}`);
    }
    for (const r of converted.records) {
      const checked = checkRecord(r.value);
      if (checked.record) keep(c, fromNative(checked.record, r.origin));
      else bad(c, label, r.line, checked.host, checked.error ?? "invalid record");
    }
    for (const p of converted.problems) bad(c, label, p.line, p.host, p.reason);
  }
  return c;
}
