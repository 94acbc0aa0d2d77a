/**
 * WS `bookTicker_*` (issue 16, point 1): the top of the book, pushed on every change of the best
 * bid or ask and never while it stays the same.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isUpdate } from '../helpers.js';
import { barrier, place, startFixture, type Fixture } from './support.js';

let f: Fixture;
afterEach(() => f.close());

describe('WS bookTicker_*', () => {
  it('pushes on a best bid/ask change only', async () => {
    f = await startFixture();
    place(f.sim, 'alice', 'sell', '101', '1');
    const c = await f.connect();
    expect(await c.request('bookTicker_subscribe', ['BTC_USDT'])).toEqual({ id: 1, result: { status: 'success' }, error: null });
    await barrier(c);
    expect(c.queued('bookTicker_update')).toHaveLength(0);

    place(f.sim, 'bob', 'buy', '99', '2');
    const now = f.clock.now() / 1000;
    expect(await c.next(isUpdate('bookTicker_update'))).toEqual({
      id: null,
      method: 'bookTicker_update',
      params: [[now, now, 'BTC_USDT', f.sim.state.updateId('BTC_USDT'), '99', '2', '101', '1']],
    });
    // Below the best bid and above the best ask: the top is unchanged, nothing is pushed.
    place(f.sim, 'bob', 'buy', '98', '1');
    place(f.sim, 'alice', 'sell', '105', '1');
    await barrier(c);
    expect(c.queued('bookTicker_update')).toHaveLength(0);
    // More at the best ask changes its amount: pushed.
    place(f.sim, 'alice', 'sell', '101', '0.5');
    expect((await c.next(isUpdate('bookTicker_update'))).params?.[0]).toEqual([now, now, 'BTC_USDT', expect.any(Number), '99', '2', '101', '1.5']);
    // A trade that takes the whole best ask moves it.
    place(f.sim, 'bob', 'buy', '101', '1.5');
    expect(((await c.next(isUpdate('bookTicker_update'))).params?.[0] as unknown[]).slice(4)).toEqual(['99', '2', '105', '1']);
  });

  it('adds markets per subscribe, [] covers all, and unsubscribe removes the named ones', async () => {
    f = await startFixture();
    const c = await f.connect();
    await c.request('bookTicker_subscribe', ['BTC_USDT']);
    await c.request('bookTicker_subscribe', ['ETH_USDT']);
    place(f.sim, 'alice', 'sell', '3000', '1', 'ETH_USDT');
    place(f.sim, 'alice', 'sell', '100', '1');
    await barrier(c);
    expect(c.queued('bookTicker_update').map((u) => (u.params?.[0] as unknown[])[2])).toEqual(['ETH_USDT', 'BTC_USDT']);
    c.drain();
    await c.request('bookTicker_unsubscribe', ['ETH_USDT']);
    place(f.sim, 'alice', 'sell', '2999', '1', 'ETH_USDT');
    place(f.sim, 'alice', 'sell', '99', '1');
    await barrier(c);
    expect(c.queued('bookTicker_update').map((u) => (u.params?.[0] as unknown[])[2])).toEqual(['BTC_USDT']);
    c.drain();
    await c.request('bookTicker_unsubscribe', []);
    place(f.sim, 'alice', 'sell', '98', '1');
    await barrier(c);
    expect(c.queued('bookTicker_update')).toHaveLength(0);
    await c.request('bookTicker_subscribe', []);
    place(f.sim, 'alice', 'sell', '60000', '1', 'DBTC_DUSDT');
    await barrier(c);
    expect(c.queued('bookTicker_update').map((u) => (u.params?.[0] as unknown[]).slice(2))).toEqual([
      ['DBTC_DUSDT', expect.any(Number), '0', '0', '60000', '1'],
    ]);
    expect((await c.request('bookTicker_subscribe', ['NOPE'])).error).toEqual({ code: 9, message: 'market NOPE does not exist' });
  });
});
