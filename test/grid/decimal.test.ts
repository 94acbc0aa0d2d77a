import { describe, expect, it } from 'vitest';
import { D, dec, maxDec, minDec, minusKept, parseDecimal, plainKept, plusKept, sumDec, timesKept, toPlain } from '../../src/grid/decimal.js';

describe('decimal', () => {
  it('parses plain decimal strings only', () => {
    expect(parseDecimal('0.1')?.toFixed()).toBe('0.1');
    expect(parseDecimal('-12.50')?.toFixed()).toBe('-12.5');
    expect(parseDecimal('.5')?.toFixed()).toBe('0.5');
    for (const bad of ['', ' 1', '1e5', 'NaN', 'Infinity', '1,5', '0x10', '--1']) expect(parseDecimal(bad)).toBeNull();
    expect(parseDecimal(new D(Infinity))).toBeNull();
  });

  it('formats without exponent notation and without -0', () => {
    expect(toPlain(dec('0.00000001'))).toBe('0.00000001');
    expect(toPlain(new D('1e-12'))).toBe('0.000000000001');
    expect(toPlain(new D('123456789012345678901234567890'))).toBe('123456789012345678901234567890');
    expect(toPlain(new D('-0'))).toBe('0');
    expect(toPlain(dec('1.239'), 2)).toBe('1.23');
    expect(toPlain(dec('-0.001'), 2)).toBe('0.00');
    expect(String(new D('0.0000001'))).toBe('0.0000001');
  });

  it('adds 0.1 + 0.2 exactly', () => {
    expect(sumDec([dec('0.1'), dec('0.2')]).eq('0.3')).toBe(true);
    expect(minDec(dec('1'), dec('2')).toFixed()).toBe('1');
    expect(maxDec(dec('1'), dec('2')).toFixed()).toBe('2');
  });
});

// Issue 13 (point 2): a grid's repeated products and spreads are remembered per left operand.
describe('kept operations', () => {
  it('return the exact result, the same object for the same operands, and a new one when the right operand changes', () => {
    const price = dec('100.25');
    const one = dec('1.5');
    const two = dec('2');
    const first = timesKept(price, one);
    expect(first.toString()).toBe('150.375');
    expect(timesKept(price, one)).toBe(first);
    expect(timesKept(price, two).toString()).toBe('200.5');
    expect(timesKept(price, one).toString()).toBe('150.375');
    expect(minusKept(price, one).toString()).toBe('98.75');
    expect(minusKept(price, two).toString()).toBe('98.25');
    expect(plusKept(price, one).toString()).toBe('101.75');
    expect(plusKept(price, two).toString()).toBe('102.25');
  });

  it('format a Decimal once, as toPlain does', () => {
    const d = new D('0.00000012');
    expect(plainKept(d)).toBe(toPlain(d));
    expect(plainKept(d)).toBe('0.00000012');
    expect(plainKept(new D('-0'))).toBe('0');
  });
});
