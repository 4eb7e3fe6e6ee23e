// RPM version order: epoch, then version and release by rpmvercmp (segments, "~" pre-releases, "^" snapshots).

export interface Evr {
  epoch: number;
  version: string;
  release: string | null;
}

/** Splits `[epoch:]version[-release]`; a missing epoch is 0 and the release is what follows the last hyphen. */
export function parseEvr(text: string): Evr {
  const v = text.trim();
  const m = /^(\d+):(.*)$/.exec(v);
  const epoch = m ? Number(m[1]) : 0;
  const rest = m ? m[2]! : v;
  const dash = rest.lastIndexOf("-");
  return dash >= 0
    ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) }
    : { epoch, version: rest, release: null };
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isAlpha = (c: string | undefined): boolean =>
  c !== undefined && ((c >= "A" && c <= "Z") || (c >= "a" && c <= "z"));
const isAlnum = (c: string | undefined): boolean => isDigit(c) || isAlpha(c);

/** rpm's rpmvercmp: -1, 0 or 1. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== "~" && a[i] !== "^") i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== "~" && b[j] !== "^") j++;
    if (a[i] === "~" || b[j] === "~") {
      if (a[i] !== "~") return 1;
      if (b[j] !== "~") return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === "^" || b[j] === "^") {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== "^") return 1;
      if (b[j] !== "^") return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    let si = i;
    let sj = j;
    const numeric = isDigit(a[i]);
    const take = numeric ? isDigit : isAlpha;
    while (take(a[si])) si++;
    while (take(b[sj])) sj++;
    // Segments of different types: a number is newer than letters.
    if (sj === j) return numeric ? 1 : -1;
    let x = a.slice(i, si);
    let y = b.slice(j, sj);
    if (numeric) {
      x = x.replace(/^0+/, "");
      y = y.replace(/^0+/, "");
      if (x.length !== y.length) return x.length > y.length ? 1 : -1;
    }
    if (x !== y) return x < y ? -1 : 1;
    i = si;
    j = sj;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/** Compares two `[epoch:]version[-release]` strings as rpm does; a missing release matches any release. */
export function compareEvr(a: string, b: string): number {
  const x = parseEvr(a);
  const y = parseEvr(b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  const v = rpmvercmp(x.version, y.version);
  if (v !== 0) return v;
  if (x.release === null || y.release === null) return 0;
  return rpmvercmp(x.release, y.release);
}
