import { describe, expect, it } from 'vitest';
import { D, dec, maxDec, minDec, parseDecimal, sumDec, toPlain } from '../../src/grid/decimal.js';

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
