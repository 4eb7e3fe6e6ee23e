// A compact, read-only set of update ids for one host: four bytes an id instead of a hash-table entry. A fleet
// repeats the same few thousand ids across hundreds of thousands of hosts, so each id string is numbered once.
const numberOf = new Map<string, number>();
const idOf: string[] = [];

function number(id: string): number {
  let n = numberOf.get(id);
  if (n === undefined) {
    n = idOf.length;
    idOf.push(id);
    numberOf.set(id, n);
  }
  return n;
}

/**
 * The numbers of ids as a scan spells them (any case) that a check passed, per check: one lookup per id of a line
 * instead of the check, an upper-casing and a lookup. Bounded: past it, a spelling is checked and upper-cased each time.
 */
const spelledBy = new WeakMap<(id: string) => boolean, Map<string, number>>();
const MAX_SPELLINGS = 1_000_000;
const UNCHECKED = (): boolean => true;

/** Per number, the list (`stamp`) in which it was last seen: repeats are found without sorting or a hash set. */
let marks = new Uint32Array(1 << 12);
let stamp = 0;

/** Whether a list of numbers names one twice. */
function repeats(order: Uint32Array): boolean {
  if (++stamp === 0xffffffff) {
    marks.fill(0);
    stamp = 1;
  }
  if (marks.length < idOf.length) {
    const bigger = new Uint32Array(Math.max(idOf.length, marks.length * 2));
    bigger.set(marks);
    marks = bigger;
  }
  for (const n of order) {
    if (marks[n] === stamp) return true;
    marks[n] = stamp;
  }
  return false;
}

/** A list of numbers without its repeats, each kept where it first appears. */
function firstOfEach(order: Uint32Array): Uint32Array {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const n of order)
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  return Uint32Array.from(out);
}

/** Two reusable buffers, for numbers read only until the next scan (pass one copies them into its store). */
const scratches = [new Uint32Array(1 << 12), new Uint32Array(1 << 12)];

function scratchOf(slot: 0 | 1, length: number): Uint32Array {
  let buffer = scratches[slot]!;
  if (buffer.length < length) scratches[slot] = buffer = new Uint32Array(Math.max(length, buffer.length * 2));
  return buffer.subarray(0, length);
}

/**
 * The numbers of a scan's ids, upper-cased, in the order first given and without repeats; null when `valid` (a check
 * of the id as spelled, asked once per spelling a run sees) rejects one of them. With `scratch`, the numbers are in a
 * shared buffer (one of two) and hold only until the next call with the same `scratch`: copy them to keep them.
 */
export function scanNumbers(
  list: readonly string[],
  valid: (id: string) => boolean = UNCHECKED,
  scratch?: 0 | 1,
): Uint32Array | null {
  let spelled = spelledBy.get(valid);
  if (!spelled) spelledBy.set(valid, (spelled = new Map()));
  const order = scratch === undefined ? new Uint32Array(list.length) : scratchOf(scratch, list.length);
  for (let i = 0; i < list.length; i++) {
    const id = list[i]!;
    let n = spelled.get(id);
    if (n === undefined) {
      if (!valid(id)) return null;
      n = number(id.toUpperCase());
      if (spelled.size < MAX_SPELLINGS) spelled.set(id, n);
    }
    order[i] = n;
  }
  return repeats(order) ? firstOfEach(order) : order;
}

/** The ids in the order first given (iteration), and sorted by number (lookup). */
export class IdSet implements ReadonlySet<string> {
  private readonly order: Uint32Array | Uint16Array;
  private readonly sorted: Uint32Array | Uint16Array;

  constructor(ids: Iterable<string>, built?: { order: Uint32Array | Uint16Array; sorted: Uint32Array | Uint16Array }) {
    if (built) {
      this.order = built.order;
      this.sorted = built.sorted;
      return;
    }
    const seen = new Set<number>();
    for (const id of ids) seen.add(number(id));
    this.order = Uint32Array.from(seen);
    this.sorted = Uint32Array.from(seen).sort();
  }

  /** The set of a scan's list, upper-cased: without intermediate arrays or a hash set when it has no duplicates. */
  static ofScan(list: readonly string[]): IdSet {
    return IdSet.ofNumbers(scanNumbers(list)!);
  }

  /**
   * The set of numbers `scanNumbers` gave (no repeats, in the scan's order); `order` is held as it is, not copied,
   * so it may be a view of a shared store.
   */
  static ofNumbers(order: Uint32Array | Uint16Array): IdSet {
    // A list already in ascending order (ids listed in the order the fleet first named them) is its own lookup.
    let ascending = true;
    for (let i = 1; ascending && i < order.length; i++) ascending = order[i - 1]! < order[i]!;
    return new IdSet([], { order, sorted: ascending ? order : new Uint32Array(order).sort() });
  }

  get size(): number {
    return this.order.length;
  }

  /** The same text for the same ids, whatever their order: a key for memoising what depends on the set. */
  key(): string {
    return this.sorted.join(",");
  }

  has(id: string): boolean {
    const n = numberOf.get(id);
    if (n === undefined) return false;
    const a = this.sorted;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid]!;
      if (v === n) return true;
      if (v < n) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** The ids as a list, in the order first given. */
  private list(): string[] {
    const order = this.order;
    const out = new Array<string>(order.length);
    for (let i = 0; i < order.length; i++) out[i] = idOf[order[i]!]!;
    return out;
  }

  // An array's iterator: a generator costs more per id, and the evaluation spreads every host's installed set.
  values(): SetIterator<string> {
    return this.list().values() as unknown as SetIterator<string>;
  }

  keys(): SetIterator<string> {
    return this.values();
  }

  entries(): SetIterator<[string, string]> {
    return this.list()
      .map((v): [string, string] => [v, v])
      .values() as unknown as SetIterator<[string, string]>;
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }

  forEach(fn: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const v of this.list()) fn.call(thisArg, v, v, this);
  }
}

/** One shared empty set for the many hosts that report no features or pending reboots. */
export const NO_IDS: ReadonlySet<string> = new IdSet([]);
