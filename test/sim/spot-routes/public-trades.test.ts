/**
 * GET /api/v4/public/trades/{market}: WhiteBIT's reversed naming (quote_volume = BASE amount,
 * base_volume = QUOTE amount) and `rpi: false` (protocol-2 §2.8).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { get } from '../helpers.js';
import { A, Bench, restingBook } from './support.js';

let bench: Bench;
beforeEach(async () => {
  bench = await Bench.start();
});
afterEach(() => bench.close());

describe('public trades', () => {
  it('reports the base amount as quote_volume and the quote amount as base_volume', async () => {
    await restingBook(bench, 'sell', [['64100', '0.5']]);
    expect((await bench.restPlace(A, { side: 'buy', amount: '0.1', price: '64100' })).status).toBe(200);
    const trades = (await get(bench.sim.restUrl, '/api/v4/public/trades/BTC_USDT')).body as Record<string, unknown>[];
    expect(trades).toHaveLength(1);
    expect(trades[0]).toEqual({
      tradeID: expect.any(Number) as number,
      price: '64100',
      quote_volume: '0.1',
      base_volume: '6410',
      trade_timestamp: expect.any(Number) as number,
      type: 'buy',
      rpi: false,
    });
  });

  it('counts against the trades endpoint budget', async () => {
    await bench.close();
    bench = await Bench.start({ rateLimits: { 'public-endpoint': { limit: 1, windowMs: 10_000 } } });
    expect((await get(bench.sim.restUrl, '/api/v4/public/trades/BTC_USDT')).status).toBe(200);
    expect((await get(bench.sim.restUrl, '/api/v4/public/trades/ETH_USDT')).status).toBe(429);
    // Other endpoints have budgets of their own.
    expect((await get(bench.sim.restUrl, '/api/v4/public/markets')).status).toBe(200);
  });
});
