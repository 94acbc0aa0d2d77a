import fc from 'fast-check';
import { Decimal as DecimalJs } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { D, cmpDec, isPositive } from '../../src/grid/decimal.js';

/** Decimal strings across signs, zeros, long fractions, huge and tiny magnitudes, and equal values written differently. */
const decimalText = fc.oneof(
  fc.constantFrom('0', '-0', '0.000', '1', '-1', '1.0', '0.1', '0.10', '1e-30', '-1e-30', '123456789012345678901234567890', '9999999', '10000000'),
  fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.integer({ min: 0, max: 45 })).map(([neg, digits, scale]) => {
    const s = digits.toString().padStart(scale + 1, '0');
    const text = scale === 0 ? s : `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
    return neg ? `-${text}` : text;
  }),
);

describe('allocation-free decimal comparison', () => {
  it('agrees with decimal.js cmp on any two values, across clones', () => {
    fc.assert(
      fc.property(decimalText, decimalText, fc.boolean(), (a, b, sameClone) => {
        const x = new D(a);
        const y = sameClone ? new D(b) : new DecimalJs(b);
        expect(cmpDec(x, y)).toBe(x.cmp(y));
        expect(cmpDec(y, x)).toBe(y.cmp(x));
      }),
      { numRuns: 2000 },
    );
  });

  it('isPositive is gt(0), and the non-finite cases follow decimal.js', () => {
    fc.assert(
      fc.property(decimalText, (a) => {
        expect(isPositive(new D(a))).toBe(new D(a).gt(0));
      }),
    );
    expect(isPositive(new D(Infinity))).toBe(true);
    expect(isPositive(new D(-Infinity))).toBe(false);
    expect(isPositive(new D(NaN))).toBe(false);
    expect(cmpDec(new D(Infinity), new D('1'))).toBe(1);
    expect(cmpDec(new D(NaN), new D('1'))).toBeNaN();
  });
});
