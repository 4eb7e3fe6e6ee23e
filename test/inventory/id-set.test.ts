// The compact installed-id set answers exactly as a Set would: membership, size, order of first mention, no dupes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdSet } from "../../reconciler/inventory/id-set.js";

describe("IdSet", () => {
  it("behaves as a Set of the same ids", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("KB1", "KB2", "KB10", "KB5034129", "KB5034770", "LIBSSL3=3.0", "X"), {
          maxLength: 30,
        }),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 10 }),
        (ids, probes) => {
          const set = new Set<string>(ids);
          const compact = new IdSet(ids);
          expect(compact.size).toBe(set.size);
          expect([...compact]).toEqual([...set]);
          expect([...compact.keys()]).toEqual([...set.keys()]);
          expect([...compact.entries()]).toEqual([...set.entries()]);
          for (const p of [...ids, ...probes]) expect(compact.has(p), p).toBe(set.has(p));
          const seen: string[] = [];
          compact.forEach((v) => seen.push(v));
          expect(seen).toEqual([...set]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
