// Inventory bytes as text: opens a file or standard input, recognises UTF-16 (with or without a byte-order mark,
// as PowerShell's Out-File writes it) and yields UTF-8, and splits lines with a bound, so no input can make a
// string too long for V8 or be read whole by accident.
import { InputError } from "../errors.js";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";

/** The longest inventory line read (a host with 100,000 installed updates is about 1.2 MB). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** The largest input read whole (JSON arrays, osquery, Get-HotFix); larger ones must be JSON Lines. */
export const MAX_WHOLE_BYTES = 256 * 1024 * 1024;
const HEAD_BYTES = 4096;

export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be";

/** The encoding told by a byte-order mark or, without one, by NUL bytes beside ASCII (UTF-16 text). */
export function encodingOf(head: Buffer): TextEncoding {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  const n = Math.min(head.length, 512) & ~1;
  if (n >= 2) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenNul++;
      if (head[i + 1] === 0) oddNul++;
    }
    const pairs = n / 2;
    if (oddNul > pairs * 0.4 && evenNul === 0) return "utf-16le";
    if (evenNul > pairs * 0.4 && oddNul === 0) return "utf-16be";
  }
  return "utf-8";
}

/** An opened inventory input: its first bytes (as text, for format detection) and its content as UTF-8 chunks. */
export interface InventoryInput {
  head: string;
  encoding: TextEncoding;
  /**
   * The content as UTF-8 chunks. A file is read `readBytes` at a time (default 64 KiB): larger reads are faster, but
   * their buffers linger until collected, which a plan of a million hosts feels in its peak memory.
   */
  chunks(readBytes?: number): AsyncIterable<Buffer>;
  /** A regular file's path: its bytes can be read again at an offset (standard input and pipes cannot). */
  path?: string;
}

async function* utf8Chunks(source: AsyncIterable<Buffer>, encoding: TextEncoding): AsyncGenerator<Buffer> {
  if (encoding === "utf-8") {
    yield* source;
    return;
  }
  const decoder = new TextDecoder(encoding);
  for await (const chunk of source) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield Buffer.from(text, "utf8");
  }
  const rest = decoder.decode();
  if (rest) yield Buffer.from(rest, "utf8");
}

function headText(head: Buffer, encoding: TextEncoding): string {
  return new TextDecoder(encoding).decode(head.subarray(0, head.length & (encoding === "utf-8" ? ~0 : ~1)));
}

/** A file, read twice: once for its head, then streamed. */
export async function openInventoryFile(path: string): Promise<InventoryInput> {
  const fh = await open(path, "r");
  if (!(await fh.stat()).isFile()) {
    // A pipe (/dev/stdin, <(command)) cannot be read twice: it is streamed like `-`.
    await fh.close();
    return openInventoryStream(createReadStream(path));
  }
  let head: Buffer;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const encoding = encodingOf(head);
  return {
    head: headText(head, encoding),
    encoding,
    // 1 MiB reads: a third of the time of the default 64 KiB ones on a large inventory.
    chunks: (readBytes?: number) =>
      utf8Chunks(createReadStream(path, { highWaterMark: readBytes }) as AsyncIterable<Buffer>, encoding),
    path,
  };
}

/** A stream (standard input) read once: the head is kept and replayed before the rest, nothing is read whole. */
export async function openInventoryStream(stream: Readable): Promise<InventoryInput> {
  const iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < HEAD_BYTES) {
    const r = await iterator.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    first.push(b);
    size += b.length;
  }
  const head = Buffer.concat(first);
  const encoding = encodingOf(head);
  let used = false;
  async function* raw(): AsyncGenerator<Buffer> {
    if (used) throw new Error("standard input can be read only once");
    used = true;
    if (head.length) yield head;
    if (done) return;
    for (let r = await iterator.next(); !r.done; r = await iterator.next())
      yield Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
  }
  return {
    head: headText(head.subarray(0, HEAD_BYTES), encoding),
    encoding,
    chunks: () => utf8Chunks(raw(), encoding),
  };
}

/** A line, with where its bytes lie in the UTF-8 stream (`offset`, `bytes`: without the newline). */
export type InputLine =
  { n: number; text: string; offset: number; bytes: number } | { n: number; tooLong: number; head: string };

/**
 * Splits UTF-8 chunks into lines (LF or CRLF). A line longer than `maxBytes` is skipped to its end and reported
 * with its length and first bytes, instead of being joined into one giant string.
 */
export async function* boundedLines(
  chunks: AsyncIterable<Buffer>,
  maxBytes: number = MAX_LINE_BYTES,
  /** Lines this returns true for (given their bytes, without the newline) are counted but never copied or decoded. */
  unwanted?: (line: Buffer) => boolean,
): AsyncGenerator<InputLine> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = 0;
  let skippedHead = "";
  let n = 1;
  let consumed = 0;
  let lineStart = 0;
  const finish = (): InputLine | null => {
    let line: InputLine | null;
    if (skipping) line = { n, tooLong: skipping, head: skippedHead };
    else {
      const bytes = Buffer.concat(parts, size);
      line = unwanted?.(bytes)
        ? null
        : { n, text: bytes.toString("utf8").replace(/\r$/, ""), offset: lineStart, bytes: size };
    }
    parts = [];
    size = 0;
    skipping = 0;
    skippedHead = "";
    n++;
    return line;
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); ; nl = chunk.indexOf(10, start)) {
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (unwanted && nl >= 0 && size === 0 && !skipping && piece.length <= maxBytes && unwanted(piece)) {
        // A whole line within this chunk that the reader does not want: only counted.
        consumed += nl + 1 - start;
        n++;
        lineStart = consumed;
        start = nl + 1;
        continue;
      }
      if (skipping) skipping += piece.length;
      else if (size + piece.length > maxBytes) {
        skippedHead = Buffer.concat([...parts, piece])
          .subarray(0, HEAD_BYTES)
          .toString("utf8");
        skipping = size + piece.length;
        parts = [];
        size = 0;
      } else if (piece.length) {
        // A copy: the chunk's memory is reused by the stream.
        parts.push(Buffer.from(piece));
        size += piece.length;
      }
      if (nl < 0) {
        consumed += chunk.length - start;
        break;
      }
      consumed += nl + 1 - start;
      const line = finish();
      if (line) yield line;
      lineStart = consumed;
      start = nl + 1;
    }
  }
  if (size || skipping) {
    const line = finish();
    if (line) yield line;
  }
}

/** The whole input as text, refused beyond `maxBytes` (formats that are one document: arrays, osquery, CSV). */
export async function wholeText(
  chunks: AsyncIterable<Buffer>,
  label: string,
  maxBytes = MAX_WHOLE_BYTES,
): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > maxBytes)
      throw new WholeInputTooLarge(
        `${label} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB; this format is read whole, so convert it to JSON Lines (one host a line), which is streamed`,
      );
    parts.push(chunk);
  }
  return Buffer.concat(parts, size).toString("utf8");
}

export class WholeInputTooLarge extends InputError {
  override name = "WholeInputTooLarge";
}
