/**
 * WS `candles_*` (issue 16, point 1: ccxt's watchOHLCV had no channel): one subscription per
 * connection, the current candle every 0.5 s of the simulator clock, valid intervals only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isUpdate } from '../helpers.js';
import { T0, barrier, startFixture, trade, type Fixture } from './support.js';

let f: Fixture;
afterEach(() => f.close());

describe('WS candles_*', () => {
  it('pushes the current candle at once and every 0.5 s, updated by each trade', async () => {
    f = await startFixture();
    f.clock.advance(61_000);
    trade(f.sim, '100', '1');
    const c = await f.connect();
    expect(await c.request('candles_subscribe', ['BTC_USDT', 60])).toEqual({ id: 1, result: { status: 'success' }, error: null });
    expect(await c.next(isUpdate('candles_update'))).toEqual({
      id: null,
      method: 'candles_update',
      params: [[T0 + 60, '100', '100', '100', '100', '1', '100', 'BTC_USDT']],
    });
    trade(f.sim, '104', '0.5', 'sell');
    f.clock.advance(499);
    await barrier(c);
    expect(c.queued('candles_update')).toHaveLength(0);
    f.clock.advance(1);
    expect((await c.next(isUpdate('candles_update'))).params).toEqual([[T0 + 60, '100', '104', '104', '100', '1.5', '152', 'BTC_USDT']]);
    // A new minute without trades: a flat candle at the last close.
    f.clock.advance(59_500);
    await barrier(c);
    expect(c.queued('candles_update').at(-1)?.params).toEqual([[T0 + 120, '104', '104', '104', '104', '0', '0', 'BTC_USDT']]);
  });

  it('keeps one subscription per connection: a new one replaces it; unsubscribe stops it', async () => {
    f = await startFixture();
    trade(f.sim, '100', '1');
    trade(f.sim, '3000', '1', 'buy', 'ETH_USDT');
    const c = await f.connect();
    await c.request('candles_subscribe', ['BTC_USDT', 60]);
    await c.request('candles_subscribe', ['ETH_USDT', 900]);
    await barrier(c);
    c.drain();
    f.clock.advance(1_000);
    await barrier(c);
    expect(c.queued('candles_update').map((u) => (u.params?.[0] as unknown[])[7])).toEqual(['ETH_USDT', 'ETH_USDT']);
    c.drain();
    await c.request('candles_unsubscribe', []);
    f.clock.advance(5_000);
    await barrier(c);
    expect(c.queued('candles_update')).toHaveLength(0);
  });

  it('refuses an interval outside the rule with code 1 and an unknown market with 9; sends nothing before the first trade', async () => {
    f = await startFixture();
    const c = await f.connect();
    for (const bad of [7, 90, 5_400, '60', 0])
      expect((await c.request('candles_subscribe', ['BTC_USDT', bad])).error).toEqual({ code: 1, message: 'invalid argument' });
    expect((await c.request('candles_subscribe', ['NOPE', 60])).error).toEqual({ code: 9, message: 'market NOPE does not exist' });
    expect((await c.request('candles_subscribe', ['BTC_USDT', 28_800])).error).toBeNull();
    f.clock.advance(2_000);
    await barrier(c);
    expect(c.queued('candles_update')).toHaveLength(0);
  });

  it('answers candles_request with the rows of [start, end], market last', async () => {
    f = await startFixture();
    f.clock.advance(5_000);
    trade(f.sim, '100', '1');
    f.clock.advance(120_000);
    trade(f.sim, '90', '2');
    const c = await f.connect();
    expect((await c.request('candles_request', ['BTC_USDT', T0, T0 + 180, 60])).result).toEqual([
      [T0, '100', '100', '100', '100', '1', '100', 'BTC_USDT'],
      [T0 + 60, '100', '100', '100', '100', '0', '0', 'BTC_USDT'],
      [T0 + 120, '90', '90', '90', '90', '2', '180', 'BTC_USDT'],
    ]);
    expect((await c.request('candles_request', ['BTC_USDT', T0 + 100, T0, 60])).error).toEqual({ code: 1, message: 'invalid argument' });
    expect((await c.request('candles_request', ['BTC_USDT', T0, T0 + 100, 61])).error).toEqual({ code: 1, message: 'invalid argument' });
  });
});
