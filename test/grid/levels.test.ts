import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/grid/decimal.js';
import { buildLadder, MAX_LEVELS } from '../../src/grid/levels.js';
import { BTC_USDT, SHIB_USDT } from './fixtures.js';

const text = (r: ReturnType<typeof buildLadder>) => (r.ok ? r.prices.map((p) => p.toFixed()) : r.issues.map((i) => i.code));

describe('buildLadder', () => {
  it('splits a range into N arithmetic levels, both bounds included', () => {
    const r = buildLadder('arithmetic', { kind: 'range', lower: '60000', upper: '70000', levels: 11 }, BTC_USDT, dec('65000'));
    expect(text(r)).toEqual(['60000', '61000', '62000', '63000', '64000', '65000', '66000', '67000', '68000', '69000', '70000']);
  });

  it('splits a range into N geometric levels (fixed ratio)', () => {
    const r = buildLadder('geometric', { kind: 'range', lower: '100', upper: '121', levels: 3 }, BTC_USDT, dec('110'));
    expect(text(r)).toEqual(['100', '110', '121']);
  });

  it('snaps bounds inward and interior levels to the nearest tick', () => {
    // lower 99.991 → 100.00 (up), upper 100.309 → 100.30 (down); 100.1, 100.2 in between.
    const r = buildLadder('arithmetic', { kind: 'range', lower: '99.991', upper: '100.309', levels: 4 }, BTC_USDT, dec('100'));
    expect(text(r)).toEqual(['100', '100.1', '100.2', '100.3']);
  });

  it('steps a range by a fixed quote step, stopping at the upper bound', () => {
    const r = buildLadder('arithmetic', { kind: 'range-step', lower: '100', upper: '135', step: '10' }, BTC_USDT, dec('110'));
    expect(text(r)).toEqual(['100', '110', '120', '130']);
  });

  it('steps a range by a percent for geometric spacing', () => {
    // 100 × 1.1^k: 100, 110, 121, 133.1 (146.41 is above 140)
    const r = buildLadder('geometric', { kind: 'range-step', lower: '100', upper: '140', step: '10' }, BTC_USDT, dec('110'));
    expect(text(r)).toEqual(['100', '110', '121', '133.1']);
  });

  it('centers on the last price snapped to the tick when no center is given', () => {
    const r = buildLadder('arithmetic', { kind: 'centered', levelsPerSide: 2, step: '100' }, BTC_USDT, dec('65432.127'));
    expect(text(r)).toEqual(['65232.13', '65332.13', '65432.13', '65532.13', '65632.13']);
  });

  it('centers geometric levels by the ratio on both sides', () => {
    // 100 / 1.01² = 98.0296… → 98.03; 100 / 1.01 = 99.0099… → 99.01; 100 × 1.01² = 102.01
    const r = buildLadder('geometric', { kind: 'centered', center: '100', levelsPerSide: 2, step: '1' }, BTC_USDT, dec('1'));
    expect(text(r)).toEqual(['98.03', '99.01', '100', '101', '102.01']);
  });

  it('rejects a step below the tick instead of merging levels', () => {
    const r = buildLadder('arithmetic', { kind: 'range', lower: '0.000001', upper: '0.000003', levels: 5 }, SHIB_USDT, dec('0.000002'));
    expect(text(r)).toContain('levels-collapse');
  });

  it('rejects a range reaching below zero, bad bounds, counts and too many levels', () => {
    expect(text(buildLadder('arithmetic', { kind: 'centered', center: '100', levelsPerSide: 3, step: '40' }, BTC_USDT, dec('100')))).toContain(
      'non-positive-price',
    );
    expect(text(buildLadder('arithmetic', { kind: 'range', lower: '70000', upper: '60000', levels: 3 }, BTC_USDT, dec('1')))).toEqual(['invalid-spec']);
    expect(text(buildLadder('arithmetic', { kind: 'range', lower: '1', upper: '2', levels: 1 }, BTC_USDT, dec('1')))).toEqual(['too-few-levels']);
    expect(text(buildLadder('arithmetic', { kind: 'range', lower: 'abc', upper: '2', levels: 2.5 }, BTC_USDT, dec('1')))).toEqual([
      'invalid-spec',
      'too-few-levels',
    ]);
    expect(text(buildLadder('arithmetic', { kind: 'range-step', lower: '1', upper: '10000', step: '0.01' }, BTC_USDT, dec('1')))).toEqual(['too-many-levels']);
    expect(text(buildLadder('arithmetic', { kind: 'range', lower: '1', upper: '100000', levels: MAX_LEVELS + 1 }, BTC_USDT, dec('1')))).toEqual([
      'too-many-levels',
    ]);
  });

  it('property: every ladder is on the tick and strictly increasing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 10_000_000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 2, max: 80 }),
        fc.constantFrom('arithmetic' as const, 'geometric' as const),
        (lowerCents, widthBp, levels, spacing) => {
          const lower = dec(String(lowerCents)).div(100);
          const upper = lower.times(dec(String(widthBp)).div(10000).plus(1));
          const r = buildLadder(spacing, { kind: 'range', lower: lower.toFixed(), upper: upper.toFixed(), levels }, BTC_USDT, lower);
          if (!r.ok) return;
          expect(r.prices).toHaveLength(levels);
          r.prices.forEach((p, i) => {
            expect(p.decimalPlaces()).toBeLessThanOrEqual(2);
            const prev = r.prices[i - 1];
            if (prev !== undefined) expect(prev.lt(p)).toBe(true);
          });
          expect(r.prices[0]?.gte(lower)).toBe(true);
          expect(r.prices[levels - 1]?.lte(upper)).toBe(true);
        },
      ),
    );
  });
});
