import { describe, expect, it } from 'vitest';
import { decodeJson, serverTimeMs, wbBulkSchema, wbMarketsSchema, wbOrderSchema } from '../../../../src/adapters/whitebit/codec/rest-schemas.js';
import { fixture } from '../support/fixtures.js';

describe('rest schemas', () => {
  it('keep unknown fields and decimal strings', () => {
    const r = decodeJson(wbOrderSchema, fixture('rest_post_order_new.json'));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.price).toBe('40000');
      expect((r.value as unknown as Record<string, unknown>)['rpi']).toBe(false);
    }
  });

  it('accept the legacy order shape (takerFee/makerFee, no status)', () => {
    const legacy = {
      orderId: 1,
      clientOrderId: '',
      market: 'BTC_USDT',
      side: 'sell',
      type: 'limit',
      timestamp: 1.5,
      dealMoney: '0',
      dealStock: '0',
      amount: '1',
      left: '1',
      dealFee: '0',
      price: '2',
      takerFee: '0.001',
      makerFee: '0.001',
    };
    expect(decodeJson(wbOrderSchema, legacy).ok).toBe(true);
  });

  it('refuse a price sent as a JS number, naming the path', () => {
    const bad = { ...(fixture('rest_post_order_new.json') as object), price: 40000 };
    const r = decodeJson(wbOrderSchema, bad);
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('price') as unknown });
  });

  it('refuse a bulk item with both or neither result/error', () => {
    expect(decodeJson(wbBulkSchema, [{ result: null, error: null }]).ok).toBe(false);
    expect(decodeJson(wbBulkSchema, fixture('rest_post_order_bulk.json')).ok).toBe(true);
  });

  it('decode the captured markets', () => {
    const r = decodeJson(wbMarketsSchema, fixture('rest_get_public_markets.json'));
    expect(r.ok && r.value.map((m) => m.name)).toEqual(['ETH_BTC', 'BTC_USD']);
  });

  it('reads /public/time in seconds or milliseconds', () => {
    expect(serverTimeMs({ time: 1631451591 })).toBe(1631451591000);
    expect(serverTimeMs({ time: 1631451591123 })).toBe(1631451591123);
  });
});
