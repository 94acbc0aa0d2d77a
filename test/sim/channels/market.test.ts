/**
 * WS `market_*` (issue 16, point 1: ccxt's watchTicker had no channel): 24 h statistics per
 * market, one `market_update` per market every second of the simulator clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isUpdate } from '../helpers.js';
import { barrier, startFixture, trade, type Fixture } from './support.js';

let f: Fixture;
afterEach(() => f.close());

describe('WS market_*', () => {
  it('pushes one market_update per subscribed market at once and then every second', async () => {
    f = await startFixture();
    f.clock.advance(1_000);
    trade(f.sim, '100', '1');
    trade(f.sim, '120', '0.5', 'sell');
    trade(f.sim, '110', '2');
    const c = await f.connect();
    expect(await c.request('market_subscribe', ['BTC_USDT', 'ETH_USDT'])).toEqual({ id: 1, result: { status: 'success' }, error: null });
    const first = await c.next(isUpdate('market_update'));
    expect(first).toEqual({
      id: null,
      method: 'market_update',
      params: ['BTC_USDT', { period: 86_400, last: '110', open: '100', close: '110', high: '120', low: '100', volume: '3.5', deal: '380' }],
    });
    const eth = await c.next(isUpdate('market_update'));
    // A market without trades in the window: flat at its last price, no volume.
    expect(eth.params).toEqual(['ETH_USDT', { period: 86_400, last: '3200', open: '3200', close: '3200', high: '3200', low: '3200', volume: '0', deal: '0' }]);
    await barrier(c);
    expect(c.queued('market_update')).toHaveLength(0);

    f.clock.advance(999);
    await barrier(c);
    expect(c.queued('market_update')).toHaveLength(0);
    f.clock.advance(1);
    await barrier(c);
    expect(c.queued('market_update').map((u) => u.params?.[0])).toEqual(['BTC_USDT', 'ETH_USDT']);
  });

  it('drops trades older than 24 h from the statistics', async () => {
    f = await startFixture();
    trade(f.sim, '100', '1');
    f.clock.advance(3_600_000);
    trade(f.sim, '90', '1');
    f.clock.advance(23 * 3_600_000 + 60_000);
    const c = await f.connect();
    const r = await c.request('market_request', ['BTC_USDT', 86_400]);
    expect(r.result).toEqual({ period: 86_400, last: '90', open: '90', close: '90', high: '90', low: '90', volume: '1', deal: '90' });
    expect((await c.request('market_request', ['BTC_USDT', 2 * 86_400])).result).toMatchObject({ period: 172_800, open: '100', volume: '2' });
  });

  it('replaces the subscription on a new subscribe, stops on unsubscribe, and checks markets', async () => {
    f = await startFixture();
    const c = await f.connect();
    await c.request('market_subscribe', ['BTC_USDT']);
    await c.request('market_subscribe', ['ETH_USDT']);
    await barrier(c);
    c.drain();
    f.clock.advance(1_000);
    await barrier(c);
    expect(c.queued('market_update').map((u) => u.params?.[0])).toEqual(['ETH_USDT']);
    c.drain();
    await c.request('market_unsubscribe', []);
    f.clock.advance(5_000);
    await barrier(c);
    expect(c.queued('market_update')).toHaveLength(0);
    expect((await c.request('market_subscribe', ['NOPE'])).error).toEqual({ code: 9, message: 'market NOPE does not exist' });
    expect((await c.request('market_request', ['BTC_USDT', 'day'])).error).toEqual({ code: 1, message: 'invalid argument' });
  });

  it('stops its timers when the connection closes', async () => {
    f = await startFixture();
    const c = await f.connect();
    await c.request('market_subscribe', []);
    await c.request('candles_subscribe', ['BTC_USDT', 60]);
    expect(f.clock.pending).toBeGreaterThan(1);
    c.close();
    await c.closed;
    await expect.poll(() => f.sim.connections().length).toBe(0);
    expect(f.clock.pending).toBe(0);
  });
});
