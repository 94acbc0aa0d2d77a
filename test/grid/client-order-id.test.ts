import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_ORDER_ID_MAX_LENGTH,
  WHITEBIT_CLIENT_ORDER_ID_CHARSET,
  decodeClientOrderId,
  encodeClientOrderId,
  marketTag,
  ownIdIn,
} from '../../src/grid/client-order-id.js';

const scope = { botId: 'alpha', market: 'BTC_USDT' };

function encode(s: typeof scope, level: number, side: 'buy' | 'sell', seq: number): string {
  const r = encodeClientOrderId(s, { level, side, seq });
  if (!r.ok) throw new Error(r.reason);
  return r.id;
}

describe('client order ids', () => {
  it('encodes bot, market tag, side, level and base-36 seq', () => {
    const tag = marketTag('BTC_USDT');
    expect(tag).toMatch(/^[0-9a-z]{6}$/);
    expect(encode(scope, 12, 'buy', 71)).toBe(`g1.alpha.${tag}.b12.1z`);
    expect(encode(scope, 0, 'sell', 0)).toBe(`g1.alpha.${tag}.s0.0`);
  });

  it('gives long and similar market names distinct fixed-length tags', () => {
    const names = ['BTC_USDT', 'DBTC_DUSDT', '1000SHIB_USDT', 'ETH_BTC', 'BTC_USD', 'ETH_USDT', 'USDT_USD'];
    const tags = names.map(marketTag);
    expect(new Set(tags).size).toBe(names.length);
    expect(tags.every((t) => t.length === 6)).toBe(true);
    expect(marketTag('1000SHIB_USDT')).toBe(marketTag('1000SHIB_USDT'));
  });

  it('stays within 32 chars at the extremes', () => {
    const id = encode({ botId: 'abcdefgh', market: '1000SHIB_USDT' }, 999, 'sell', 36 ** 8 - 1);
    expect(id).toHaveLength(CLIENT_ORDER_ID_MAX_LENGTH);
    expect(id).toMatch(WHITEBIT_CLIENT_ORDER_ID_CHARSET);
  });

  it('maps an id back to its level from the id alone', () => {
    const id = encode({ botId: 'b7', market: 'DBTC_DUSDT' }, 42, 'sell', 1234);
    expect(decodeClientOrderId(id)).toEqual({
      kind: 'ours',
      botId: 'b7',
      marketTag: marketTag('DBTC_DUSDT'),
      side: 'sell',
      level: 42,
      seq: 1234,
    });
    expect(ownIdIn({ botId: 'b7', market: 'DBTC_DUSDT' }, id)?.level).toBe(42);
  });

  it('decodes foreign ids to a typed result, never throwing', () => {
    const id = encode(scope, 3, 'buy', 5);
    expect(decodeClientOrderId('')).toEqual({ kind: 'foreign', reason: 'empty' });
    for (const foreign of [
      'grid-btc-b-0007',
      'g-b-1',
      'g1.alpha',
      'g1.ALPHA.abcdef.b1.1',
      'g1.alpha.abcdef.b01.1',
      'g1.alpha.abcdef.b1.01',
      'g1.alpha.abcdef.x1.1',
      'g1.alpha.abcdef.b1000.1',
      `${id}.`,
      `${id}x`.repeat(3),
    ]) {
      expect(decodeClientOrderId(foreign)).toEqual({ kind: 'foreign', reason: 'not-grid-format' });
    }
    expect(decodeClientOrderId(id, { ...scope, botId: 'beta' })).toEqual({ kind: 'foreign', reason: 'other-bot' });
    expect(decodeClientOrderId(id, { ...scope, market: 'ETH_USDT' })).toEqual({ kind: 'foreign', reason: 'other-market' });
    expect(ownIdIn({ ...scope, market: 'ETH_USDT' }, id)).toBeNull();
  });

  it('refuses to encode out-of-range parts', () => {
    expect(encodeClientOrderId({ botId: 'Alpha', market: 'X' }, { level: 1, side: 'buy', seq: 1 }).ok).toBe(false);
    expect(encodeClientOrderId({ botId: 'toolongbot', market: 'X' }, { level: 1, side: 'buy', seq: 1 }).ok).toBe(false);
    expect(encodeClientOrderId(scope, { level: 1000, side: 'buy', seq: 1 }).ok).toBe(false);
    expect(encodeClientOrderId(scope, { level: -1, side: 'buy', seq: 1 }).ok).toBe(false);
    expect(encodeClientOrderId(scope, { level: 1, side: 'buy', seq: 1.5 }).ok).toBe(false);
    expect(encodeClientOrderId(scope, { level: 1, side: 'buy', seq: 36 ** 8 }).ok).toBe(false);
  });

  const botArb = fc.stringMatching(/^[a-z0-9]{1,8}$/);
  const marketArb = fc.stringMatching(/^[A-Z0-9]{1,12}_[A-Z0-9]{1,8}$/);
  const partsArb = fc.record({
    level: fc.integer({ min: 0, max: 999 }),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    seq: fc.integer({ min: 0, max: 36 ** 8 - 1 }),
  });

  it('property: encode → decode round-trips and always fits the charset and length', () => {
    fc.assert(
      fc.property(botArb, marketArb, partsArb, (botId, market, parts) => {
        const r = encodeClientOrderId({ botId, market }, parts);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.id).toMatch(WHITEBIT_CLIENT_ORDER_ID_CHARSET);
        expect(r.id.length).toBeLessThanOrEqual(CLIENT_ORDER_ID_MAX_LENGTH);
        const d = decodeClientOrderId(r.id, { botId, market });
        expect(d).toEqual({ kind: 'ours', botId, marketTag: marketTag(market), ...parts });
      }),
      { numRuns: 500 },
    );
  });

  it('property: decoding any string never throws, and whatever decodes re-encodes to the same id', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^g1\.[a-z0-9]{1,9}\.[0-9a-z]{5,7}\.[bsx][0-9]{1,4}\.[0-9a-z]{1,9}$/)), (s) => {
        const d = decodeClientOrderId(s);
        if (d.kind === 'foreign') return;
        const again = encodeClientOrderId({ botId: d.botId, market: '' }, d);
        expect(again.ok && again.id.replace(/^(g1\.[a-z0-9]+\.)[0-9a-z]{6}/, `$1${d.marketTag}`)).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });
});
