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

/** The ids in the order first given (iteration), and sorted by number (lookup). */
export class IdSet implements ReadonlySet<string> {
  private readonly order: Uint32Array;
  private readonly sorted: Uint32Array;

  constructor(ids: Iterable<string>, built?: { order: Uint32Array; sorted: Uint32Array }) {
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
    const order = new Uint32Array(list.length);
    for (let i = 0; i < list.length; i++) order[i] = number(list[i]!.toUpperCase());
    const sorted = order.slice().sort();
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i] === sorted[i - 1]) return new IdSet(list.map((id) => id.toUpperCase()));
    return new IdSet([], { order, sorted });
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

  *values(): SetIterator<string> {
    for (const n of this.order) yield idOf[n]!;
  }

  keys(): SetIterator<string> {
    return this.values();
  }

  *entries(): SetIterator<[string, string]> {
    for (const v of this.values()) yield [v, v];
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }

  forEach(fn: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const v of this.values()) fn.call(thisArg, v, v, this);
  }
}

/** One shared empty set for the many hosts that report no features or pending reboots. */
export const NO_IDS: ReadonlySet<string> = new IdSet([]);
