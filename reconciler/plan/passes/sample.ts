// Bounded samples for findings that name hosts: a count and the first names in order, never every name.
import { compareText } from "../../order.js";

/** Counts names and keeps the `limit` smallest by `compare`, so a finding reads the same as from the full list. */
export class NameSample<T = undefined> {
  count = 0;
  private kept: { name: string; value: T }[] = [];

  constructor(
    private readonly limit: number,
    private readonly compare: (a: string, b: string) => number = compareText,
  ) {}

  add(name: string, value: T): void {
    this.count++;
    const kept = this.kept;
    if (kept.length >= this.limit && this.compare(name, kept[kept.length - 1]!.name) >= 0) return;
    let i = kept.length;
    while (i > 0 && this.compare(name, kept[i - 1]!.name) < 0) i--;
    kept.splice(i, 0, { name, value });
    if (kept.length > this.limit) kept.pop();
  }

  names(): string[] {
    return this.kept.map((k) => k.name);
  }

  values(): T[] {
    return this.kept.map((k) => k.value);
  }

  /** The value recorded with the smallest name. */
  first(): T | undefined {
    return this.kept[0]?.value;
  }
}

/** Host order of hosts.ndjson: by lower-case name. */
export function compareHostNames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
