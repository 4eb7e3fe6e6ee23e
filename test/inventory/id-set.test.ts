// The compact installed-id set answers exactly as a Set would: membership, size, order of first mention, no dupes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdSet, scanNumbers } from "../../reconciler/inventory/id-set.js";

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

describe("scanNumbers", () => {
  const valid = (id: string) => /^KB\d+$/i.test(id);

  it("numbers a scan's ids upper-cased, first mention kept, and IdSet.ofNumbers answers as a Set of them", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("KB1", "kb1", "Kb22", "KB22", "KB333", "kb4444"), { maxLength: 20 }),
        (ids) => {
          const expected = new Set(ids.map((id) => id.toUpperCase()));
          const numbers = scanNumbers(ids, valid)!;
          expect(numbers.length).toBe(expected.size);
          const set = IdSet.ofNumbers(numbers);
          expect([...set]).toEqual([...expected]);
          expect([...IdSet.ofScan(ids)]).toEqual([...expected]);
          for (const id of ["KB1", "KB22", "KB333", "KB4444", "kb1"]) expect(set.has(id), id).toBe(expected.has(id));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a spelling the check rejects is rejected every time, even once numbered without the check", () => {
    expect(scanNumbers(["KB1", "not an id"], valid)).toBeNull();
    expect([...IdSet.ofScan(["not an id"])]).toEqual(["NOT AN ID"]);
    expect(scanNumbers(["not an id"], valid)).toBeNull();
    expect(scanNumbers(["KB1", "kb1"], valid)!.length).toBe(1);
  });
});
