// Dotted-number versions (Windows builds have four parts) and the range syntax of appliesTo.

/** Compares dotted versions numerically; missing parts count as 0 (10.0.20348 == 10.0.20348.0). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".");
  const pb = b.split(".");
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = Number(pa[i] ?? 0);
    const y = Number(pb[i] ?? 0);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const cache = new Map<string, ((v: string) => boolean)[][]>();

function compile(range: string): ((v: string) => boolean)[][] {
  let hit = cache.get(range);
  if (hit) return hit;
  hit = range.split("||").map((alt) =>
    alt
      .trim()
      // A space after a comparator (">= 10.0", which the range syntax allows) joins it to its version.
      .split(/(?<![<>=])\s+(?=[<>=\d*])/)
      .filter((c) => c !== "" && c !== "*")
      .map((c) => {
        const m = /^(>=|<=|>|<|=)?\s*(\d+(?:\.\d+)*)$/.exec(c.trim());
        if (!m) return () => false;
        const op = m[1] ?? "=";
        const want = m[2]!;
        return (v: string) => {
          const cmp = compareVersions(v, want);
          return op === ">="
            ? cmp >= 0
            : op === "<="
              ? cmp <= 0
              : op === ">"
                ? cmp > 0
                : op === "<"
                  ? cmp < 0
                  : cmp === 0;
        };
      }),
  );
  cache.set(range, hit);
  return hit;
}

/** True when the version satisfies every comparator of at least one alternative. */
export function satisfies(version: string, range: string | undefined): boolean {
  if (range === undefined) return true;
  return compile(range).some((alt) => alt.every((test) => test(version)));
}
