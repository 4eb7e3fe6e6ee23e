// Ordering by code point: the bytes patchops writes never depend on the machine's locale.

/** Compares two strings by UTF-16 code unit, the same on every machine (unlike a locale-aware comparison). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
