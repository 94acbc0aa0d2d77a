import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, nextRandom } from '../../src/machines/shared/backoff.js';

describe('backoff', () => {
  it('doubles from the base up to the cap, with half of each step jittered', () => {
    const opts = { baseMs: 1_000, maxMs: 30_000 };
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, 0, opts))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000]);
    expect([0, 1, 2, 5].map((a) => backoffDelay(a, 0.999999, opts))).toEqual([1_000, 2_000, 4_000, 30_000]);
  });

  it('stays within [ceiling/2, ceiling] for any attempt and unit', () => {
    fc.assert(
      fc.property(fc.nat(1_000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, u) => {
        const d = backoffDelay(attempt, u, { baseMs: 1_000, maxMs: 30_000 });
        const ceiling = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 30));
        return d >= ceiling / 2 && d <= ceiling;
      }),
    );
  });

  it('draws the same sequence from the same seed, in [0, 1)', () => {
    const draw = (seed: number) => {
      const out: number[] = [];
      for (let i = 0; i < 50; i += 1) {
        const r = nextRandom(seed);
        out.push(r.value);
        seed = r.seed;
      }
      return out;
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42).every((v) => v >= 0 && v < 1)).toBe(true);
  });
});
