import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { D } from '../../../src/grid/index.js';
import { MarketIoError } from '../../../src/machines/market/market.io.js';
import { JournalCodecError, JournalCorruptError } from '../../../src/runtime/journal/journal-errors.js';
import { decodeValue, encodeValue } from '../../../src/runtime/journal/value-codec.js';

const roundTrip = (v: unknown) => decodeValue(encodeValue(v));

describe('value codec', () => {
  it('keeps Decimals exact (as the grid clone), -0 included', () => {
    const d = roundTrip({ p: new D('59800.123456789012345678901234567890'), z: new D('-0'), tiny: new D('1e-30') }) as Record<string, Decimal>;
    expect(d.p).toBeInstanceOf(D);
    expect(d.p!.toFixed()).toBe('59800.12345678901234567890123456789');
    expect(d.z!.isNeg() && d.z!.isZero()).toBe(true);
    expect(d.tiny!.eq('1e-30')).toBe(true);
    // A Decimal of another clone comes back as the grid's.
    expect(roundTrip(new Decimal('1.5'))).toBeInstanceOf(D);
  });

  it('keeps Maps (order and key types), Sets, odd numbers and undefined in arrays', () => {
    const m = new Map<unknown, unknown>([
      [3, 'c'],
      [1, new Map([['x', [1, 2]]])],
      ['k', null],
    ]);
    const v = roundTrip({ m, s: new Set([2, 1]), n: [Number.NaN, Infinity, -Infinity, -0], u: [1, undefined, 2] }) as Record<string, unknown>;
    expect(v.m).toEqual(m);
    expect([...(v.m as Map<unknown, unknown>).keys()]).toEqual([3, 1, 'k']);
    expect(v.s).toEqual(new Set([2, 1]));
    expect(Object.is((v.n as number[])[3], -0)).toBe(true);
    expect((v.n as number[]).slice(0, 3)).toEqual([Number.NaN, Infinity, -Infinity]);
    expect((v.u as unknown[])[1]).toBeUndefined();
    expect((v.u as unknown[]).length).toBe(3);
  });

  it('never mistakes data for a tag', () => {
    const tricky = { $t: 'd', v: '1', nested: { $t: 'm', v: [] } };
    expect(roundTrip(tricky)).toEqual(tricky);
  });

  it('brings a MarketIoError back with its kind, so replayed guards decide the same', () => {
    const e = roundTrip({ type: 'xstate.error.actor.placeBatch', error: new MarketIoError('unknownOutcome', 'socket lost') }) as { error: unknown };
    expect(e.error).toBeInstanceOf(MarketIoError);
    expect((e.error as MarketIoError).kind).toBe('unknownOutcome');
    const other = roundTrip(new TypeError('bug')) as Error;
    expect(other).not.toBeInstanceOf(MarketIoError);
    expect([other.name, other.message]).toEqual(['TypeError', 'bug']);
  });

  it('refuses what it cannot store rather than storing something else', () => {
    expect(() => encodeValue({ f: () => 1 })).toThrow(JournalCodecError);
    expect(() => encodeValue({ at: new Date(0) })).toThrow(/instance of Date at key "at"/);
    expect(() => decodeValue('{"$t":"zz"}')).toThrow(JournalCorruptError);
  });

  it('writes a plain value (every feed event) as plain JSON, and anything tagged inside it still round-trips', () => {
    const deal = {
      type: 'feed.deal',
      deal: { dealId: 5, orderId: 9, clientOrderId: 'c', side: 'buy', price: '1.5', amount: '2', fee: '0', feeAsset: 'X', time: 1.25 },
    };
    expect(encodeValue(deal)).toBe(JSON.stringify(deal));
    expect(encodeValue({ a: 1, b: undefined })).toBe('{"a":1}');
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(new D('-0'), new Map([[1, 'x']]), -0, [undefined], { $t: 'd' }), (v, odd) => {
        // A value that needs a tag, nested anywhere, sends the whole value down the tagging path.
        const mixed = { v, nested: [{ odd }] };
        expect(encodeValue(mixed)).not.toBe(JSON.stringify(mixed));
        expect(roundTrip(mixed)).toEqual(mixed); // (an undefined array item comes back as a hole, as before)
      }),
    );
  });

  it('round-trips any JSON-like value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(roundTrip(v)).toStrictEqual(v);
      }),
    );
  });
});
