// Host-name patterns of assignment selectors (`web-*`): matched in linear time, compiled once, and compared for overlap.
// A pattern is policy written by one owner team and a host name is scan data: neither may cost more than a scan of the
// name (a regular expression of many `*` backtracks exponentially: review M5).

export interface HostGlob {
  /** Whether the host name matches, ignoring case. */
  test(host: string): boolean;
}

/** The pattern lower-cased with each run of `*` collapsed to one, split at the stars. */
function segmentsOf(pattern: string): string[] {
  return pattern.toLowerCase().replace(/\*+/g, "*").split("*");
}

/**
 * Greedy matching of the pieces between stars: the first piece is a prefix, the last a suffix, and each piece between
 * is found leftmost after the previous one (leftmost is never worse for a later piece, so no backtracking is needed).
 */
function compile(pattern: string): HostGlob {
  const parts = segmentsOf(pattern);
  if (parts.length === 1) {
    const exact = parts[0]!;
    return { test: (host) => host.toLowerCase() === exact };
  }
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p !== "");
  return {
    test(host) {
      const name = host.toLowerCase();
      if (name.length < head.length + tail.length || !name.startsWith(head) || !name.endsWith(tail)) return false;
      const end = name.length - tail.length;
      let at = head.length;
      for (const piece of middle) {
        const found = name.indexOf(piece, at);
        if (found < 0 || found + piece.length > end) return false;
        at = found + piece.length;
      }
      return true;
    },
  };
}

const compiled = new Map<string, HostGlob>();

/** The pattern's matcher, compiled once per distinct pattern. */
export function hostGlob(pattern: string): HostGlob {
  let g = compiled.get(pattern);
  if (!g) {
    g = compile(pattern);
    if (compiled.size < 10_000) compiled.set(pattern, g);
  }
  return g;
}

/**
 * Whether some host name matches both patterns (ignoring case): a search over pairs of positions in the two
 * patterns, at most (|a| + 1) × (|b| + 1) states, never over names.
 */
export function globsIntersect(a: string, b: string): boolean {
  const p = a.toLowerCase().replace(/\*+/g, "*");
  const q = b.toLowerCase().replace(/\*+/g, "*");
  const width = q.length + 1;
  const seen = new Uint8Array((p.length + 1) * width);
  const stack: number[] = [0];
  seen[0] = 1;
  const visit = (i: number, j: number) => {
    const k = i * width + j;
    if (!seen[k]) {
      seen[k] = 1;
      stack.push(k);
    }
  };
  while (stack.length > 0) {
    const k = stack.pop()!;
    const i = Math.floor(k / width);
    const j = k % width;
    if (i === p.length && j === q.length) return true;
    const pi = p[i];
    const qj = q[j];
    // A star may match nothing.
    if (pi === "*") visit(i + 1, j);
    if (qj === "*") visit(i, j + 1);
    // One character both sides accept: a star takes it and stays; a literal must be the same character.
    if (pi !== undefined && qj !== undefined) {
      if (pi === "*" && qj !== "*") visit(i, j + 1);
      else if (qj === "*" && pi !== "*") visit(i + 1, j);
      else if (pi !== "*" && pi === qj) visit(i + 1, j + 1);
    }
  }
  return false;
}
