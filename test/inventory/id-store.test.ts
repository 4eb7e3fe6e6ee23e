// The store of pass one's update ids: what it holds it gives back, and nothing past its byte budget.
import { describe, expect, it } from "vitest";
import { IdStore } from "../../reconciler/inventory/id-store.js";

const u32 = (...n: number[]) => Uint32Array.from(n);

describe("IdStore", () => {
  it("gives back each list where it was held, the second right after the first", () => {
    const store = new IdStore(1024);
    const a = store.hold(u32(5, 3, 9), u32(3));
    const b = store.hold(u32(), null);
    const c = store.hold(u32(65535, 0), null);
    expect([...store.view(a, 3)]).toEqual([5, 3, 9]);
    expect([...store.view(a + 3, 1)]).toEqual([3]);
    expect([...store.view(b, 0)]).toEqual([]);
    expect([...store.view(c, 2)]).toEqual([65535, 0]);
    expect(store.view(c, 2)).toBeInstanceOf(Uint16Array);
  });

  it("holds exactly its budget: 8 bytes hold four 16-bit numbers, not five", () => {
    const four = new IdStore(8);
    expect(four.hold(u32(1, 2, 3), u32(4))).toBe(0);
    expect(four.size).toBe(8);
    expect(four.hold(u32(5), null)).toBe(-1);
    const five = new IdStore(8);
    expect(five.hold(u32(1, 2, 3, 4, 5), null)).toBe(-1);
    // A list that does not fit leaves room for a later one that does.
    expect(five.hold(u32(1, 2, 3, 4), null)).toBe(0);
    for (const none of [0, -8, Number.NaN]) expect(new IdStore(none).hold(u32(), null)).toBe(-1);
    // A budget below one number's width holds nothing either.
    expect(new IdStore(1).hold(u32(1), null)).toBe(-1);
  });

  it("a number past 16 bits starts 32-bit chunks; what was held before keeps its numbers", () => {
    const store = new IdStore(20);
    const small = store.hold(u32(7, 65535), null);
    // 4 bytes of 20 used by a 16-bit chunk of 10; the wide list needs a new chunk: (20 - 20) / 4 = 0 numbers left.
    expect(store.size).toBe(20);
    expect(store.hold(u32(65536), null)).toBe(-1);
    expect([...store.view(small, 2)]).toEqual([7, 65535]);
    const wide = new IdStore(16);
    const w = wide.hold(u32(65536, 1), null);
    expect([...wide.view(w, 2)]).toEqual([65536, 1]);
    expect(wide.view(w, 2)).toBeInstanceOf(Uint32Array);
    expect(wide.size).toBe(16);
    expect(wide.hold(u32(2, 3), null)).toBe(2);
    expect(wide.hold(u32(4), null)).toBe(-1);
  });
});
