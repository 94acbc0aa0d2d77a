/**
 * WS `trades_*` (issue 16, point 1: ccxt's watchTrades had no channel): a snapshot of the newest
 * trades first, then one batch per engine step, amounts in base.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isUpdate } from '../helpers.js';
import { barrier, place, startFixture, trade, type Fixture } from './support.js';

let f: Fixture;
afterEach(() => f.close());

const ids = (list: unknown): number[] => (list as { id: number }[]).map((t) => t.id);

describe('WS trades_*', () => {
  it('sends a snapshot of the 100 newest trades, newest first, right after the confirmation', async () => {
    f = await startFixture();
    for (let i = 0; i < 105; i++) trade(f.sim, String(100 + i), '0.1');
    const newest = f.sim.state.trades('BTC_USDT').map((t) => t.id);
    const c = await f.connect();
    const reply = c.request('trades_subscribe', ['BTC_USDT']);
    expect(await reply).toEqual({ id: 1, result: { status: 'success' }, error: null });
    const snap = await c.next(isUpdate('trades_update'));
    expect(c.log.indexOf(snap)).toBeGreaterThan(c.log.findIndex((fr) => fr.id === 1));
    expect(snap.params?.[0]).toBe('BTC_USDT');
    expect(ids(snap.params?.[1])).toEqual(newest.slice(0, 100));
    expect((snap.params?.[1] as unknown[])[0]).toEqual({
      id: newest[0],
      time: f.clock.now() / 1000,
      price: '204',
      amount: '0.1',
      type: 'buy',
      rpi: false,
    });
  });

  it('sends the trades of one engine step as one batch, oldest first, with amounts in base', async () => {
    f = await startFixture();
    const c = await f.connect();
    await c.request('trades_subscribe', ['BTC_USDT']);
    await c.next(isUpdate('trades_update'));
    place(f.sim, 'alice', 'sell', '100', '0.5');
    place(f.sim, 'alice', 'sell', '101', '0.25');
    place(f.sim, 'alice', 'sell', '102', '1');
    place(f.sim, 'bob', 'buy', '102', '1');
    const batch = await c.next(isUpdate('trades_update'));
    expect(batch.params?.[0]).toBe('BTC_USDT');
    expect((batch.params?.[1] as { price: string; amount: string; type: string }[]).map((t) => [t.price, t.amount, t.type])).toEqual([
      ['100', '0.5', 'buy'],
      ['101', '0.25', 'buy'],
      ['102', '0.25', 'buy'],
    ]);
    trade(f.sim, '99', '0.3', 'sell');
    const next = await c.next(isUpdate('trades_update'));
    expect((next.params?.[1] as { amount: string; type: string }[]).map((t) => [t.amount, t.type])).toEqual([['0.3', 'sell']]);
  });

  it('covers every market with [], only the named ones otherwise, and nothing after unsubscribe', async () => {
    f = await startFixture();
    trade(f.sim, '3000', '1', 'buy', 'ETH_USDT');
    const all = await f.connect();
    await all.request('trades_subscribe', []);
    const snapshots = [await all.next(isUpdate('trades_update')), await all.next(isUpdate('trades_update')), await all.next(isUpdate('trades_update'))];
    expect(snapshots.map((s) => [s.params?.[0], (s.params?.[1] as unknown[]).length])).toEqual([
      ['DBTC_DUSDT', 0],
      ['BTC_USDT', 0],
      ['ETH_USDT', 1],
    ]);
    const btc = await f.connect();
    await btc.request('trades_subscribe', ['BTC_USDT']);
    await btc.next(isUpdate('trades_update'));
    trade(f.sim, '3100', '1', 'buy', 'ETH_USDT');
    trade(f.sim, '100', '1');
    expect((await all.next(isUpdate('trades_update'))).params?.[0]).toBe('ETH_USDT');
    expect((await all.next(isUpdate('trades_update'))).params?.[0]).toBe('BTC_USDT');
    await barrier(btc);
    expect(btc.queued('trades_update').map((u) => u.params?.[0])).toEqual(['BTC_USDT']);
    await all.request('trades_unsubscribe', []);
    trade(f.sim, '100', '1');
    await barrier(all);
    expect(all.queued('trades_update')).toHaveLength(0);
  });

  it('answers trades_request with the newest trades above lastId, newest first', async () => {
    f = await startFixture();
    for (let i = 0; i < 5; i++) trade(f.sim, String(100 + i), '1');
    const all = f.sim.state.trades('BTC_USDT').map((t) => t.id);
    const c = await f.connect();
    expect(ids((await c.request('trades_request', ['BTC_USDT', 2, 0])).result)).toEqual(all.slice(0, 2));
    expect(ids((await c.request('trades_request', ['BTC_USDT', 100, all[2]])).result)).toEqual(all.slice(0, 2));
    expect((await c.request('trades_request', ['BTC_USDT', 101, 0])).error).toEqual({ code: 1, message: 'invalid argument' });
    expect((await c.request('trades_request', ['NOPE', 10, 0])).error).toEqual({ code: 9, message: 'market NOPE does not exist' });
  });
});
