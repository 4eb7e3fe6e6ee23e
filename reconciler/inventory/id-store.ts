// Pass one of a streaming plan keeps each host's update ids here, as numbers (see id-set.ts), so that pass two builds
// the host's record without reading and parsing its line again. Memory is bounded: past a byte budget nothing more is
// held, and those hosts' lines are read again as before.

/** Numbers held per chunk: chunks are never copied or grown, so the store's peak is its budget. */
const CHUNK = 1 << 20;

/** The default budget: a million hosts of ~46 ids, or 300,000 of ~275, fit in two bytes an id. */
export const DEFAULT_STORE_BYTES = 256 * 1024 * 1024;

export class IdStore {
  private readonly chunks: (Uint16Array | Uint32Array)[] = [];
  /** Whether the chunks added from now on hold 32-bit numbers (once a number needs more than 16 bits). */
  private wide = false;
  /** Where the next list goes in the last chunk. */
  private at = 0;
  private bytes = 0;

  private readonly budget: number;

  /** `budget`: the bytes the store may take in all; 0 (or anything not above 0) holds nothing. */
  constructor(budget: number) {
    this.budget = budget > 0 ? budget : 0;
  }

  /**
   * Holds `first` and then `second` side by side; their place (see `view`), or -1 when they do not fit in the budget
   * (the caller then reads the line again when it needs them).
   */
  hold(first: Uint32Array, second: Uint32Array | null): number {
    const n = first.length + (second?.length ?? 0);
    let max = 0;
    for (const v of first) if (v > max) max = v;
    if (second) for (const v of second) if (v > max) max = v;
    if (max > 0xffff && !this.wide) {
      this.wide = true;
      this.at = Infinity;
    }
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || this.at + n > chunk.length) {
      const width = this.wide ? 4 : 2;
      const length = Math.min(CHUNK, Math.floor((this.budget - this.bytes) / width));
      if (length < n || length === 0) return -1;
      chunk = this.wide ? new Uint32Array(length) : new Uint16Array(length);
      this.chunks.push(chunk);
      this.bytes += length * width;
      this.at = 0;
    }
    const place = (this.chunks.length - 1) * CHUNK + this.at;
    chunk.set(first, this.at);
    if (second) chunk.set(second, this.at + first.length);
    this.at += n;
    return place;
  }

  /** `length` numbers held from `place` on (`place` as `hold` gave it, plus an offset within what it held). */
  view(place: number, length: number): Uint16Array | Uint32Array {
    const chunk = this.chunks[Math.floor(place / CHUNK)]!;
    const start = place % CHUNK;
    return chunk.subarray(start, start + length);
  }

  /** The bytes the store takes. */
  get size(): number {
    return this.bytes;
  }
}
