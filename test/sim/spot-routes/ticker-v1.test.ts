/**
 * GET /api/v1/public/ticker?market= (ccxt fetchTicker): the v1 envelope from the engine's 24 h
 * stats and the top of the book; an unknown market in the form ccxt maps to BadSymbol; the /api/v1
 * budget (protocol-2 §2.3, §3).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { get } from '../helpers.js';
import { A, Bench, restingBook } from './support.js';

let bench: Bench;
beforeEach(async () => {
  bench = await Bench.start();
});
afterEach(() => bench.close());

const ticker = (query: string) => get(bench.sim.restUrl, `/api/v1/public/ticker${query}`);

describe('v1 ticker', () => {
  it('answers a quiet market from its start price with empty sides as "0"', async () => {
    const r = await ticker('?market=BTC_USDT');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      success: true,
      message: null,
      result: { open: '64000', bid: '0', ask: '0', low: '64000', high: '64000', last: '64000', volume: '0', deal: '0', change: '0' },
    });
  });

  it('reports open, high, low, last, volumes, change and the best bid and ask', async () => {
    await restingBook(bench, 'sell', [['64100', '0.5']]);
    await restingBook(bench, 'buy', [['63900', '0.5']]);
    await bench.restPlace(A, { side: 'buy', amount: '0.1', price: '64100' });
    await bench.restPlace(A, { side: 'sell', amount: '0.05', price: '63900' });
    const r = await ticker('?market=BTC_USDT');
    expect(r.body).toEqual({
      success: true,
      message: null,
      result: {
        open: '64000',
        bid: '63900',
        ask: '64100',
        low: '63900',
        high: '64100',
        last: '63900',
        volume: '0.15',
        deal: '9605',
        change: '-0.16',
      },
    });
  });

  it('answers an unknown or missing market with HTTP 200 and success false', async () => {
    const r = await ticker('?market=NOPE_USDT');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: false, message: { market: ['Market is not available'] }, result: [] });
    expect((await ticker('')).body).toEqual({ success: false, message: { market: ['Market field is required.'] }, result: [] });
  });

  it('shares one /api/v1 budget', async () => {
    await bench.close();
    bench = await Bench.start({ rateLimits: { 'public-v1': { limit: 2, windowMs: 10_000 } } });
    expect((await ticker('?market=BTC_USDT')).status).toBe(200);
    expect((await ticker('?market=ETH_USDT')).status).toBe(200);
    const limited = await ticker('?market=BTC_USDT');
    expect(limited.status).toBe(429);
    expect(limited.contentType).toBe('text/html');
    expect((await get(bench.sim.restUrl, '/api/v4/public/ticker')).status).toBe(200);
    bench.sim.advance(10_000);
    expect((await ticker('?market=BTC_USDT')).status).toBe(200);
  });
});
