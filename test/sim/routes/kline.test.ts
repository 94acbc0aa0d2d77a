/**
 * GET /api/v1/public/kline (issue 16, point 1: ccxt's fetchOHLCV got 404): candles from the
 * simulator's own trades, the v1 envelope, its validation answers and the /api/v1 rate limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { get } from '../helpers.js';
import { T0, startFixture, trade, type Fixture } from '../channels/support.js';

let f: Fixture;
afterEach(() => f.close());

const kline = async (query: string): Promise<{ status: number; body: { success: boolean; message: unknown; result: unknown } }> => {
  const r = await get(f.sim.restUrl, `/api/v1/public/kline?${query}`);
  return { status: r.status, body: r.body as { success: boolean; message: unknown; result: unknown } };
};

/** One trade per minute for `minutes` minutes, price 100, 101, …, starting at T0 + 5 s. */
function minuteTrades(minutes: number): void {
  f.clock.advance(5_000);
  for (let i = 0; i < minutes; i++) {
    trade(f.sim, String(100 + i), '0.5');
    f.clock.advance(60_000);
  }
}

describe('GET /api/v1/public/kline', () => {
  it('answers candles of the trades as [time, open, close, high, low, base, quote] in the v1 envelope', async () => {
    f = await startFixture();
    f.clock.advance(10_000);
    trade(f.sim, '100', '1');
    f.clock.advance(10_000);
    trade(f.sim, '110', '2', 'sell');
    f.clock.advance(10_000);
    trade(f.sim, '95', '1');
    f.clock.advance(60_000);
    const r = await kline(`market=BTC_USDT&interval=1m&start=${T0}`);
    expect(r).toEqual({
      status: 200,
      body: {
        success: true,
        message: null,
        result: [
          [T0, '100', '95', '110', '95', '4', '415'],
          [T0 + 60, '95', '95', '95', '95', '0', '0'],
        ],
      },
    });
  });

  it('serves up to `limit` candles FROM `start` when both are given (what ccxt means by since)', async () => {
    f = await startFixture();
    minuteTrades(10);
    const r = await kline(`market=BTC_USDT&interval=1m&start=${T0 + 120}&limit=3`);
    expect((r.body.result as unknown[][]).map((row) => [row[0], row[1]])).toEqual([
      [T0 + 120, '102'],
      [T0 + 180, '103'],
      [T0 + 240, '104'],
    ]);
  });

  it('serves the latest `limit` candles up to `end` (default now) without `start`', async () => {
    f = await startFixture();
    minuteTrades(10);
    const latest = await kline('market=BTC_USDT&interval=1m&limit=2');
    expect((latest.body.result as unknown[][]).map((row) => [row[0], row[1]])).toEqual([
      [T0 + 540, '109'],
      [T0 + 600, '109'],
    ]);
    const ended = await kline(`market=BTC_USDT&interval=5m&limit=1&end=${T0 + 299}`);
    expect(ended.body.result).toEqual([[T0, '100', '104', '104', '100', '2.5', '255']]);
  });

  it("serves the interval's default window without start and limit: a week of 1h candles", async () => {
    f = await startFixture();
    minuteTrades(1);
    f.clock.advance(10 * 86_400_000);
    const r = await kline('market=BTC_USDT');
    const rows = r.body.result as unknown[][];
    const now = T0 + 65 + 10 * 86_400;
    expect(rows[0]?.[0]).toBe(Math.floor((now - 7 * 86_400) / 3_600) * 3_600);
    expect(rows.at(-1)?.[0]).toBe(Math.floor(now / 3_600) * 3_600);
    expect(rows).toHaveLength(169);
    expect(rows.every((row) => row[1] === '100' && row[5] === '0')).toBe(true);
  });

  it('answers an empty list for a market that never traded', async () => {
    f = await startFixture();
    expect((await kline('market=ETH_USDT&interval=1m')).body).toEqual({ success: true, message: null, result: [] });
  });

  it('answers bad input with HTTP 200, success:false and a field map', async () => {
    f = await startFixture();
    const fail = (message: unknown) => ({ status: 200, body: { success: false, message, result: null } });
    expect(await kline('interval=1m')).toEqual(fail({ market: ['The market field is required.'] }));
    expect(await kline('market=NOPE_USDT')).toEqual(fail({ market: ['Market is not available.'] }));
    expect(await kline('market=BTC_USDT&interval=7m')).toEqual(fail({ interval: ['The selected interval is invalid.'] }));
    expect(await kline(`market=BTC_USDT&start=${T0}&end=${T0}`)).toEqual(fail({ end: ['End field must be greater then start.'] }));
    expect(await kline('market=BTC_USDT&start=yesterday')).toEqual(fail({ start: ['The start must be an integer.'] }));
    expect(await kline('market=BTC_USDT&limit=0')).toEqual(fail({ limit: ['The limit must be between 1 and 1440.'] }));
    expect(await kline('market=BTC_USDT&limit=1441')).toEqual(fail({ limit: ['The limit must be between 1 and 1440.'] }));
    expect(await kline('interval=2d&limit=x')).toEqual(
      fail({ market: ['The market field is required.'], interval: ['The selected interval is invalid.'], limit: ['The limit must be an integer.'] }),
    );
  });

  it('counts every /api/v1 request against one 1 000 / 10 s bucket (429 beyond, v4 untouched)', async () => {
    f = await startFixture({ rateLimits: { 'public-v1': { limit: 2, windowMs: 10_000 } } });
    expect((await kline('market=BTC_USDT')).status).toBe(200);
    expect((await kline('market=ETH_USDT')).status).toBe(200);
    const refused = await get(f.sim.restUrl, '/api/v1/public/kline?market=BTC_USDT');
    expect(refused.status).toBe(429);
    expect(refused.contentType).toBe('text/html');
    expect((await get(f.sim.restUrl, '/api/v4/public/time')).status).toBe(200);
    f.clock.advance(10_000);
    expect((await kline('market=BTC_USDT')).status).toBe(200);
  });
});
