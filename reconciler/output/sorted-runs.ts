// Lines in a fixed order without holding them all: sorted runs spill to temp files past a budget, then a k-way merge.
import { closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processAlive } from "./atomic.js";

export interface SortedRunsOptions<T> {
  compare: (a: T, b: T) => number;
  /**
   * The sort key as text fields, compared field by field by code unit: it must order exactly as `compare` does. With it,
   * spilled runs carry the key beside each line and the merge never parses the lines back.
   */
  keyOf?: (item: T) => string[];
  /** A directory of this run's own (see `SpillDir`); runs are written there as `<name>-<n>.ndjson`. */
  dir: string;
  name: string;
  /** How many items are held before a sorted run is written out. */
  budget: number;
}

/** Collects items in any order and gives back their JSON lines sorted by `compare`, spilling past the budget. */
export class SortedRuns<T> {
  private buffer: T[] = [];
  private readonly runs: string[] = [];
  count = 0;

  constructor(private readonly o: SortedRunsOptions<T>) {}

  add(item: T): void {
    this.buffer.push(item);
    this.count++;
    if (this.buffer.length >= this.o.budget) this.spill();
  }

  /** How many runs went to disk. */
  get spilled(): number {
    return this.runs.length;
  }

  private spill(): void {
    const path = join(this.o.dir, `${this.o.name}-${this.runs.length}.ndjson`);
    const fd = openSync(path, "w");
    try {
      // About 1 MiB of text a write, built in one string (no line strings gathered into an array and joined).
      let text = "";
      const keyOf = this.o.keyOf;
      for (const item of this.buffer.sort(this.o.compare)) {
        if (keyOf) text += JSON.stringify(keyOf(item)) + "\n";
        text += JSON.stringify(item) + "\n";
        if (text.length >= 1 << 20) {
          writeSync(fd, text);
          text = "";
        }
      }
      if (text.length) writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    this.runs.push(path);
    this.buffer = [];
  }

  /** The lines in order (each with its newline), after the last `add`; each call reads them anew from the runs. */
  lines(): Iterable<string> {
    if (this.runs.length === 0) {
      const items = this.buffer.sort(this.o.compare);
      return (function* () {
        for (const item of items) yield JSON.stringify(item) + "\n";
      })();
    }
    if (this.buffer.length) this.spill();
    const keyOf = this.o.keyOf;
    return keyOf ? mergeRuns(this.runs, compareKeys, true) : mergeRuns(this.runs, this.o.compare, false);
  }
}

interface RunHead<K> {
  lines: Iterator<string>;
  line: string;
  key: K;
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/**
 * K-way merge of sorted runs; ties keep run order, so the merge is as stable as one sort of everything. With `keyed`
 * runs each line is preceded by its key's line, and only the key is parsed.
 */
function mergeRuns<K>(paths: readonly string[], compare: (a: K, b: K) => number, keyed: boolean): Iterable<string> {
  return mergeLines(
    paths.map((p) => ({ [Symbol.iterator]: () => readLines(p) })),
    compare,
    keyed,
  );
}

function* mergeLines<K>(
  sources: readonly Iterable<string>[],
  compare: (a: K, b: K) => number,
  keyed = false,
): Generator<string> {
  const heads: RunHead<K>[] = [];
  const advance = (lines: Iterator<string>): RunHead<K> | null => {
    const first = lines.next();
    if (first.done) return null;
    if (!keyed) return { lines, line: first.value, key: JSON.parse(first.value) as K };
    const line = lines.next();
    if (line.done) throw new Error("a spilled run ends between a key and its line");
    return { lines, line: line.value, key: JSON.parse(first.value) as K };
  };
  try {
    for (const source of sources) {
      const h = advance(source[Symbol.iterator]());
      if (h) heads.push(h);
    }
    while (heads.length > 0) {
      let min = 0;
      for (let i = 1; i < heads.length; i++) if (compare(heads[i]!.key, heads[min]!.key) < 0) min = i;
      const h = heads[min]!;
      yield h.line + "\n";
      const next = advance(h.lines);
      if (next) heads[min] = next;
      else heads.splice(min, 1);
    }
  } finally {
    // A reader that stops early (a failed write) still closes every run's file.
    for (const h of heads) h.lines.return?.();
  }
}

/**
 * Merges files whose JSON lines are each already sorted by `compare` (e.g. the shards of a plan) into one order,
 * copying each line as it is; blank lines are skipped. Read the files with `jsonLines` first to report a bad line.
 */
export function mergeSortedFiles<T>(paths: readonly string[], compare: (a: T, b: T) => number): Iterable<string> {
  const nonBlank = (path: string): Iterable<string> => ({
    *[Symbol.iterator]() {
      for (const line of readLines(path)) if (line.trim() !== "") yield line;
    },
  });
  return mergeLines(paths.map(nonBlank), compare);
}

/**
 * Each JSON line of a file, parsed, with its 1-based line number; blank lines are skipped. With `fd` (the file opened
 * already, left open) the lines are read from its start, so a file renamed or replaced meanwhile is still this one.
 */
export function* jsonLines(
  path: string,
  onBadLine: (path: string, line: number) => Error,
  fd?: number,
): Generator<[value: unknown, line: number]> {
  let n = 0;
  for (const line of readLines(path, fd)) {
    n++;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw onBadLine(path, n);
    }
    yield [value, n];
  }
}

/** A file's lines (without their newlines), read in 256 KiB blocks; from `fd` when given (not closed), else `path`. */
function* readLines(path: string, fd?: number): Generator<string> {
  const own = fd === undefined;
  const file = fd ?? openSync(path, "r");
  let position = 0;
  try {
    // One buffer, refilled after the part of a line that is left is moved to its start: no buffer per block or line.
    let data = Buffer.alloc(1 << 18);
    let held = 0;
    for (;;) {
      if (held === data.length) {
        const bigger = Buffer.alloc(data.length * 2);
        data.copy(bigger, 0, 0, held);
        data = bigger;
      }
      const n = readSync(file, data, held, data.length - held, position);
      if (n === 0) break;
      position += n;
      const end = held + n;
      let start = 0;
      let nl = data.indexOf(10, held);
      while (nl >= 0 && nl < end) {
        yield data.toString("utf8", start, nl);
        start = nl + 1;
        nl = start < end ? data.indexOf(10, start) : -1;
      }
      held = end - start;
      if (held > 0 && start > 0) data.copy(data, 0, start, end);
    }
    if (held > 0) yield data.toString("utf8", 0, held);
  } finally {
    if (own) closeSync(file);
  }
}

const SPILL_PREFIX = "patchops-spill-";
/** Spill directories of this process, removed when it exits (a normal exit or an uncaught error). */
const liveSpills = new Set<string>();
let exitHook = false;

/**
 * Removes the spill directories of processes that are gone (`patchops-spill-<pid>-…` in `dir`): a run killed with
 * SIGKILL cannot clean up (review L10: 37–373 MB per killed plan), so the next run does.
 */
export function sweepDeadSpills(dir: string = tmpdir()): string[] {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const e of entries) {
    const m = /^patchops-spill-(\d+)-/.exec(e);
    if (!m || processAlive(Number(m[1]))) continue;
    rmSync(join(dir, e), { recursive: true, force: true });
    removed.push(e);
  }
  return removed;
}

/**
 * A private temp directory for spilled runs (`patchops-spill-<pid>-…`), removed with `remove()`, when the process
 * exits, or, after a kill, by the next run's sweep.
 */
export class SpillDir {
  readonly path: string;

  constructor() {
    sweepDeadSpills();
    this.path = mkdtempSync(join(tmpdir(), `${SPILL_PREFIX}${process.pid}-`));
    liveSpills.add(this.path);
    if (!exitHook) {
      exitHook = true;
      process.on("exit", () => {
        for (const p of liveSpills) rmSync(p, { recursive: true, force: true });
      });
    }
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
    liveSpills.delete(this.path);
  }
}
