// Reads inventory files (or stdin) line by line into host records; bad records become diagnostics, never drops.
import { InputError } from "../errors.js";
import { createHash, type Hash } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { diagnostic, type Diagnostic } from "../diagnostics.js";
import { completed, fromNative, heldRecord, summaryOf, type HostRecord, type Inventory } from "./host-record.js";
import { DEFAULT_STORE_BYTES, IdStore } from "./id-store.js";
import type { InventoryRecord } from "../model/inventory.js";
import { checkRecord, parseLine, plannableHost } from "./native/parse.js";
import { MAX_LINE_BYTES } from "./input.js";
import { detectFormat, INVENTORY_FORMATS, type InventoryFormat } from "./formats.js";
import { convertHotfixCsv, convertHotfixJson } from "./hotfix/convert.js";
import { convertOsquery } from "./osquery/convert.js";
import { screenTableRefusal } from "./screen-tables.js";
import {
  boundedLines,
  openInventoryFile,
  openInventoryStream,
  wholeText,
  WholeInputTooLarge,
  type InventoryInput,
} from "./input.js";

export class InventoryReadError extends InputError {
  override name = "InventoryReadError";
}

interface Collector {
  inventory: Inventory;
  diagnostics: Diagnostic[];
  /** Set when records are kept as summaries: the sources their lines are read again from. */
  rereader: Rereader | null;
  /** With the rereader: where pass one keeps hosts' update ids, so that most lines are never read again. */
  store: IdStore | null;
  /** Lower-case host names: JSON Lines of other hosts may be skipped unread. */
  only: ReadonlySet<string> | null;
  /** The plan's instant: a duplicate scan dated after it never beats one that is not. */
  now: number | null;
}

/**
 * Pass two of a streaming plan reads a host's line again when pass one's store (`IdStore`) does not hold its update
 * ids (an agent scan, or past the store's budget), rather than holding a million installed sets: from the inventory
 * file itself, or from a spooled copy of what standard input, a pipe or a UTF-16 file gave (as UTF-8).
 */
class Rereader {
  private readonly sources: { path: string; fd: number | null; label: string }[] = [];
  private spoolDir: string | null = null;
  private buffer = Buffer.alloc(1 << 16);

  /** A source read in place. */
  file(path: string, label: string): number {
    this.sources.push({ path, fd: null, label });
    return this.sources.length - 1;
  }

  /** A source copied while it is read: returns its index and the tee that writes the copy. */
  spool(label: string): { source: number; tee: (chunks: AsyncIterable<Buffer>) => AsyncGenerator<Buffer> } {
    this.spoolDir ??= mkdtempSync(join(tmpdir(), "patchops-inventory-"));
    const path = join(this.spoolDir, `input-${this.sources.length}.jsonl`);
    const fd = openSync(path, "w");
    this.sources.push({ path, fd: null, label });
    async function* tee(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      try {
        for await (const chunk of chunks) {
          writeSync(fd, chunk);
          yield chunk;
        }
      } finally {
        closeSync(fd);
      }
    }
    return { source: this.sources.length - 1, tee };
  }

  whole(rec: HostRecord): HostRecord {
    const place = rec.place!;
    const src = this.sources[place.source]!;
    src.fd ??= openSync(src.path, "r");
    if (this.buffer.length < place.bytes) this.buffer = Buffer.alloc(place.bytes);
    const n = readSync(src.fd, this.buffer, 0, place.bytes, place.offset);
    // The line was checked against the schema in pass one; here it must still be that host's scan, with lists of ids.
    let value: {
      host?: unknown;
      scannedAt?: unknown;
      installed?: unknown;
      pendingRebootUpdates?: unknown;
      agentScan?: unknown;
      scanErrors?: unknown;
    } | null;
    try {
      value = JSON.parse(this.buffer.toString("utf8", 0, n).trim()) as typeof value;
    } catch {
      value = null;
    }
    const ids = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
    if (
      !value ||
      value.host !== rec.host ||
      typeof value.scannedAt !== "string" ||
      Date.parse(value.scannedAt) !== rec.scannedAt ||
      !ids(value.installed) ||
      (rec.pendingRebootUpdates === null ? value.pendingRebootUpdates !== undefined : !ids(value.pendingRebootUpdates))
    )
      throw new InventoryReadError(
        `inventory ${src.label} changed while it was being planned (${rec.origin} no longer holds the scan of ${rec.host}); plan again from a file nothing writes to`,
      );
    // The line was checked against the schema in pass one: its agent scan and scan errors have the record's shape.
    const scan = value as Pick<InventoryRecord, "agentScan" | "scanErrors">;
    const whole = completed(rec, value.installed, value.pendingRebootUpdates as string[] | undefined, scan);
    if (whole.agentScanned !== rec.agentScanned)
      throw new InventoryReadError(
        `inventory ${src.label} changed while it was being planned (${rec.origin} no longer holds the scan of ${rec.host}); plan again from a file nothing writes to`,
      );
    return whole;
  }

  dispose(): void {
    for (const s of this.sources)
      if (s.fd !== null) {
        closeSync(s.fd);
        s.fd = null;
      }
    if (this.spoolDir) rmSync(this.spoolDir, { recursive: true, force: true });
    this.spoolDir = null;
  }
}

function keep(c: Collector, rec: HostRecord): void {
  const key = rec.host.toLowerCase();
  const prev = c.inventory.records.get(key);
  if (!prev) {
    c.inventory.records.set(key, rec);
    return;
  }
  const where = { file: rec.origin.replace(/:\d+$|\[\d+\]$/, ""), line: lineOf(rec.origin), column: 1 };
  if (prev.scannedAt === rec.scannedAt) {
    if (scanSignature(c, prev) === scanSignature(c, rec)) {
      c.diagnostics.push(
        diagnostic(
          "inventory-duplicate",
          "warning",
          `host ${rec.host} is scanned again at ${rec.origin} (also ${prev.origin}) with the same scan; one is kept`,
          where,
        ),
      );
      return;
    }
    // Two different scans of one instant: neither can be believed over the other, whatever the order of the lines.
    c.diagnostics.push(
      diagnostic(
        "inventory-duplicate",
        "warning",
        `host ${rec.host}: ${prev.origin} and ${rec.origin} are different scans dated ${rec.scannedAtText}; neither is used and the host is treated as stale`,
        where,
      ),
    );
    if (!c.inventory.malformed.has(key))
      c.inventory.malformed.set(key, {
        host: rec.host,
        reason: `${prev.origin} and ${rec.origin}: different scans at the same instant`,
      });
    return;
  }
  const future = (r: HostRecord) => c.now !== null && r.scannedAt > c.now;
  // A scan dated after the plan's instant (a wrong clock) never beats one that is not, however far ahead it lies.
  const wins = future(prev) !== future(rec) ? future(prev) : rec.scannedAt > prev.scannedAt;
  const kept = wins ? rec : prev;
  const dropped = wins ? prev : rec;
  c.diagnostics.push(
    diagnostic(
      "inventory-duplicate",
      "warning",
      future(dropped) && !future(kept)
        ? `host ${rec.host} is scanned again at ${rec.origin} (also ${prev.origin}); the scan at ${dropped.origin} is dated ${dropped.scannedAtText}, after the plan's instant (the scanner's clock is wrong), so ${kept.origin} is used`
        : `host ${rec.host} is scanned again at ${rec.origin} (also ${prev.origin}); the latest scan wins`,
      where,
    ),
  );
  if (wins) c.inventory.records.set(key, rec);
}

function lineOf(origin: string): number | null {
  const m = /:(\d+)$|\[(\d+)\]$/.exec(origin);
  return m ? Number(m[1] ?? Number(m[2]) + 1) : null;
}

/** What a scan says, to tell a repeated line from a contradicting one (a summary is read whole for it). */
function scanSignature(c: Collector, r: HostRecord): string {
  const rec = r.place && c.inventory.whole ? c.inventory.whole(r) : r;
  const sorted = (s: ReadonlySet<string> | null) => (s ? [...s].sort() : null);
  return JSON.stringify([
    rec.os,
    rec.osReported,
    sorted(rec.installed),
    rec.pendingReboot,
    sorted(rec.pendingRebootUpdates),
    rec.products,
    sorted(rec.features),
    Object.entries(rec.labels).sort(),
    rec.role,
    rec.cluster,
    rec.agentHealthy,
    rec.linux
      ? [
          rec.linux.format,
          [...rec.linux.installed].sort(),
          [...rec.linux.available].sort(([a], [b]) => (a < b ? -1 : 1)),
        ]
      : null,
  ]);
}

function bad(c: Collector, file: string, line: number, named: string | undefined, reason: string, column = 1): void {
  const where = `${file}:${line}`;
  // A name no assignment could hold (braces, quotes, spaces) is not planned under: the record names no usable host.
  const host = plannableHost(named);
  c.diagnostics.push(
    diagnostic(
      "inventory-malformed",
      "warning",
      `${host ? `host ${host}: ` : ""}${reason}${host ? "; the host is treated as stale" : named !== undefined ? "; the record names no host patchops can plan" : "; the record names no host"}`,
      { file, line, column },
    ),
  );
  if (host) {
    const key = host.toLowerCase();
    if (!c.inventory.malformed.has(key)) c.inventory.malformed.set(key, { host, reason: `${where}: ${reason}` });
  }
}

const HOST_KEY = Buffer.from('"host"');

/** A JSON whitespace byte: space, tab, line feed, carriage return. */
function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/**
 * A line that is surely another host's record: it holds no escape (so every key is written plainly, including the
 * top-level "host"), every `"host"` in it is a key with a string value in JSON's spacing, and each names a host not
 * in `only`. Anything else is read: a line naming a wanted host anywhere, a line without a plain host key, a line
 * with a backslash or a `"host"` written any other way.
 */
export function otherHostsLine(only: ReadonlySet<string>): (line: Buffer) => boolean {
  return (line) => {
    if (line.indexOf(0x5c) >= 0) return false;
    let named = false;
    for (let at = line.indexOf(HOST_KEY); at >= 0; at = line.indexOf(HOST_KEY, at + HOST_KEY.length)) {
      // Anything but `"host" : "…"` in JSON's own spacing (a value "host", a form feed, null) cannot be judged: read.
      let p = at + HOST_KEY.length;
      while (isSpace(line[p])) p++;
      if (line[p] !== 0x3a) return false;
      p++;
      while (isSpace(line[p])) p++;
      if (line[p] !== 0x22) return false;
      const end = line.indexOf(0x22, p + 1);
      if (end < 0) return false;
      if (only.has(line.toString("utf8", p + 1, end).toLowerCase())) return false;
      named = true;
    }
    return named;
  };
}

async function readNativeLines(
  c: Collector,
  file: string,
  input: InventoryInput,
  maxLineBytes?: number,
): Promise<void> {
  let chunks = input.chunks();
  let source = -1;
  if (c.rereader) {
    // A UTF-8 file is read again in place; anything else is copied as the UTF-8 it was decoded to.
    if (input.path !== undefined && input.encoding === "utf-8") source = c.rereader.file(input.path, file);
    else {
      const spool = c.rereader.spool(file);
      source = spool.source;
      chunks = spool.tee(chunks);
    }
  }
  for await (const l of boundedLines(chunks, maxLineBytes, c.only ? otherHostsLine(c.only) : undefined)) {
    if ("tooLong" in l) {
      const host = /"host"\s*:\s*"([^"\\]{1,253})"/.exec(l.head)?.[1];
      bad(
        c,
        file,
        l.n,
        host,
        `the line is ${l.tooLong} bytes, longer than patchops reads (${maxLineBytes ?? MAX_LINE_BYTES} bytes); it is skipped`,
      );
      continue;
    }
    const line = l.text.trim();
    if (line === "") continue;
    const r = parseLine(line);
    if (r.record)
      keep(
        c,
        source >= 0
          ? summaryOf(
              r.record,
              file,
              l.n,
              { source, offset: l.offset, bytes: l.bytes },
              c.store && r.ids ? { store: c.store, ids: r.ids } : undefined,
            )
          : fromNative(r.record, `${file}:${l.n}`, r.ids),
      );
    else bad(c, file, l.n, r.host, r.error ?? "invalid record", r.column);
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
    if (r.record) keep(c, fromNative(r.record, `${file}[${i}]`, r.ids));
    else bad(c, file, i + 1, r.host, `element ${i}: ${r.error}`);
  });
}

/** A file in which no record was usable is an error, not a run of unscanned hosts that exits 0. */
function unusable(
  c: Collector,
  file: string,
  input: InventoryInput,
  before: { records: number; diagnostics: number },
): void {
  const problems = c.diagnostics.slice(before.diagnostics).filter((d) => d.code === "inventory-malformed").length;
  if (c.inventory.records.size > before.records || problems === 0) return;
  c.diagnostics.push(
    diagnostic(
      "inventory-unusable",
      "error",
      `no record in ${file} could be used (${problems} malformed${input.encoding === "utf-8" ? "" : `, read as ${input.encoding.toUpperCase()}`}); check the scanner's output`,
      { file, line: 1, column: 1 },
    ),
  );
}

/**
 * Reads every inventory input. "-" means standard input. JSON Lines stream record by record;
 * other formats are read whole (their producers write one document).
 */
export async function readInventory(
  files: readonly string[],
  options: {
    format?: InventoryFormat | "auto";
    stdin?: Readable;
    scannedAt?: string;
    maxLineBytes?: number;
    /**
     * Keep JSON Lines records as summaries (no update ids) and read each again when it is planned: memory no longer
     * grows with installed sets. The caller must call `inventory.dispose()` when done.
     */
    summaries?: boolean;
    /**
     * With `summaries`: the bytes pass one may use to hold hosts' update ids (default 256 MiB; 0 holds none), so
     * that their lines are not read again. Hosts past it, and hosts with an agent scan, are read again.
     */
    storeBytes?: number;
    /**
     * Only these hosts (lower-case names) are wanted: JSON Lines naming other hosts are skipped without being parsed
     * (`explain --plan`). The inventory then holds these hosts' records and speaks only of the lines it read; its
     * digest still covers every byte.
     */
    only?: ReadonlySet<string>;
    /** The plan's instant: of duplicate scans of one host, one dated after it never wins. */
    now?: number;
  } = {},
): Promise<{ inventory: Inventory; diagnostics: Diagnostic[] }> {
  const rereader = options.summaries ? new Rereader() : null;
  const c: Collector = {
    inventory: { records: new Map(), malformed: new Map() },
    diagnostics: [],
    rereader,
    store: rereader ? new IdStore(options.storeBytes ?? DEFAULT_STORE_BYTES) : null,
    only: options.only ?? null,
    now: options.now ?? null,
  };
  if (rereader) {
    const store = c.store!;
    c.inventory.whole = (rec) => heldRecord(rec, store) ?? rereader.whole(rec);
    c.inventory.dispose = () => rereader.dispose();
  }
  const digests: string[] = [];
  try {
    await readAll(c, files, options, digests);
  } catch (err) {
    rereader?.dispose();
    throw err;
  }
  c.inventory.digest = createHash("sha256")
    .update(JSON.stringify({ inputs: digests, format: options.format ?? "auto", scannedAt: options.scannedAt ?? null }))
    .digest("hex");
  return { inventory: c.inventory, diagnostics: c.diagnostics };
}

/** The input's chunks, each also added to `hash`. */
async function* hashed(chunks: AsyncIterable<Buffer>, hash: Hash): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}

async function readAll(
  c: Collector,
  files: readonly string[],
  options: { format?: InventoryFormat | "auto"; stdin?: Readable; scannedAt?: string; maxLineBytes?: number },
  digests: string[],
): Promise<void> {
  for (const file of files) {
    const isStdin = file === "-";
    const label = isStdin ? "<stdin>" : file;
    let input: InventoryInput;
    const hash = createHash("sha256");
    try {
      const opened = isStdin
        ? await openInventoryStream(options.stdin ?? process.stdin)
        : await openInventoryFile(file);
      // The digest is of the UTF-8 text read, whatever its encoding on disk: the same scan on stdin hashes alike.
      // A read of a few hosts' lines (explain --plan) holds little: it reads in 1 MiB steps, three times as fast.
      const readBytes = c.only ? 1 << 20 : undefined;
      input = { ...opened, chunks: () => hashed(opened.chunks(readBytes), hash) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InventoryReadError(
        `cannot read inventory ${label}: ${code ?? (err as Error).message}${code === "ENXIO" || code === "ESPIPE" ? " (pass - to read standard input)" : ""}`,
      );
    }
    const head = input.head;
    const whole = async () => {
      try {
        return await wholeText(input.chunks(), label);
      } catch (err) {
        if (err instanceof WholeInputTooLarge) throw new InventoryReadError(err.message);
        throw new InventoryReadError(
          `cannot read inventory ${label}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
    };
    const before = { records: c.inventory.records.size, diagnostics: c.diagnostics.length };
    const refusal = screenTableRefusal(head, label);
    if (refusal) throw new InventoryReadError(refusal);
    const format = options.format && options.format !== "auto" ? options.format : detectFormat(head);
    if (!format && head.replace(/^\uFEFF/, "").trim() === "")
      throw new InventoryReadError(
        `${label}: the inventory is empty: it names no host (an empty scan never makes a fleet compliant); check the scanner's export`,
      );
    if (!format)
      throw new InventoryReadError(
        `${label}: cannot tell the inventory format; pass --inventory-format (${INVENTORY_FORMATS.join(", ")})`,
      );
    if (format === "native") {
      if (
        head
          .replace(/^\uFEFF/, "")
          .trimStart()
          .startsWith("[")
      )
        readNativeArray(c, label, await whole());
      else {
        try {
          await readNativeLines(c, label, input, options.maxLineBytes);
        } catch (err) {
          throw new InventoryReadError(
            `cannot read inventory ${label}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
          );
        }
      }
      unusable(c, label, input, before);
      digests.push(hash.digest("hex"));
      continue;
    }
    const text = await whole();
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
      if (checked.record) keep(c, fromNative(checked.record, r.origin, checked.ids));
      else bad(c, label, r.line, checked.host, checked.error ?? "invalid record");
    }
    for (const p of converted.problems) bad(c, label, p.line, p.host, p.reason);
    unusable(c, label, input, before);
    digests.push(hash.digest("hex"));
  }
}
