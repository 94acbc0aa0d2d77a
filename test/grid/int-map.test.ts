import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntMap } from '../../src/grid/int-map.js';

describe('IntMap', () => {
  it('behaves as a Map under any sequence of sets, and never changes an earlier version', () => {
    const key = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 42 }), fc.constantFrom(2 ** 32, 2 ** 32 + 1, 1, 2 ** 33 + 1));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.integer()), { maxLength: 300 }), (ops) => {
        let m = IntMap.empty<number>();
        const model = new Map<number, number>();
        const versions: [IntMap<number>, Map<number, number>][] = [];
        for (const [k, v] of ops) {
          versions.push([m, new Map(model)]);
          m = m.set(k, v);
          model.set(k, v);
        }
        expect(m.size).toBe(model.size);
        for (const [k, v] of model) expect(m.get(k)).toBe(v);
        expect(new Map(m)).toEqual(model);
        expect(m.has(-1)).toBe(false);
        for (const [old, oldModel] of versions) expect(new Map(old)).toEqual(oldModel);
      }),
    );
  });

  it('keeps colliding low halves apart (order ids exceed 2^32)', () => {
    const m = IntMap.empty<string>()
      .set(5, 'a')
      .set(5 + 2 ** 32, 'b')
      .set(5 + 2 ** 33, 'c');
    expect([m.get(5), m.get(5 + 2 ** 32), m.get(5 + 2 ** 33), m.size]).toEqual(['a', 'b', 'c', 3]);
  });

  it('rebuilds equal from its entries', () => {
    const m = IntMap.from([
      [1, 'x'],
      [1_200_000_000_001, 'y'],
    ]);
    expect(IntMap.from(m)).toEqual(m);
    expect([...m.keys()].sort()).toEqual([1, 1_200_000_000_001]);
  });
});
