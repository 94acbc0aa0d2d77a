/**
 * WS `ordersExecuted_*` (issue 16, point 1): finished orders, pushed ONLY to connections that
 * subscribed (ccxt mis-parses the update and never subscribes), filtered by order kind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isUpdate } from '../helpers.js';
import { barrier, place, startFixture, type Fixture } from './support.js';

let f: Fixture;
afterEach(() => f.close());

describe('WS ordersExecuted_*', () => {
  it('needs authorization', async () => {
    f = await startFixture();
    const c = await f.connect();
    expect((await c.request('ordersExecuted_subscribe', [['BTC_USDT'], 0])).error).toEqual({ code: 6, message: 'require authentication' });
    expect((await c.request('ordersExecuted_request', [{ market: 'BTC_USDT' }, 0, 10])).error).toEqual({ code: 6, message: 'require authentication' });
  });

  it('pushes a finished order to the subscribed connection only, never to one that did not subscribe', async () => {
    f = await startFixture();
    const subscribed = await f.authorized();
    const other = await f.authorized();
    await other.request('ordersPending_subscribe', ['BTC_USDT']);
    expect(await subscribed.request('ordersExecuted_subscribe', [['BTC_USDT'], 0])).toEqual({ id: 2, result: { status: 'success' }, error: null });
    const id = place(f.sim, 'alice', 'sell', '100', '1');
    place(f.sim, 'bob', 'buy', '100', '1');
    const pushed = await subscribed.next(isUpdate('ordersExecuted_update'));
    expect(pushed.params).toEqual([
      expect.objectContaining({ id, market: 'BTC_USDT', type: 1, side: 1, price: '100', amount: '1', left: '0', deal_stock: '1', status: 'FILLED' }),
    ]);
    await barrier(other);
    expect(other.log.filter(isUpdate('ordersExecuted_update'))).toHaveLength(0);
    expect(other.queued('ordersPending_update').length).toBeGreaterThan(0);
    // Bob's order finished too, but it is not this account's.
    await barrier(subscribed);
    expect(subscribed.queued('ordersExecuted_update')).toHaveLength(0);
  });

  it('filters by market and kind (1 limit, 2 market) and stops on unsubscribe', async () => {
    f = await startFixture();
    const c = await f.authorized();
    await c.request('ordersExecuted_subscribe', [[], 2]);
    const cancelled = place(f.sim, 'alice', 'buy', '90', '1');
    f.sim.exchange.cancelOrder('alice', 'BTC_USDT', { orderId: cancelled }, f.clock.now());
    await barrier(c);
    expect(c.queued('ordersExecuted_update')).toHaveLength(0);
    await c.request('ordersExecuted_subscribe', [['ETH_USDT'], 1]);
    const eth = place(f.sim, 'alice', 'buy', '3000', '1', 'ETH_USDT');
    f.sim.exchange.cancelOrder('alice', 'ETH_USDT', { orderId: eth }, f.clock.now());
    const btc = place(f.sim, 'alice', 'buy', '90', '1');
    f.sim.exchange.cancelOrder('alice', 'BTC_USDT', { orderId: btc }, f.clock.now());
    await barrier(c);
    expect(c.queued('ordersExecuted_update').map((u) => (u.params?.[0] as { id: number; status: string }).id)).toEqual([eth]);
    c.drain();
    await c.request('ordersExecuted_unsubscribe', []);
    const again = place(f.sim, 'alice', 'buy', '3000', '1', 'ETH_USDT');
    f.sim.exchange.cancelOrder('alice', 'ETH_USDT', { orderId: again }, f.clock.now());
    await barrier(c);
    expect(c.queued('ordersExecuted_update')).toHaveLength(0);
  });

  it('answers ordersExecuted_request with finished orders, newest first, as records', async () => {
    f = await startFixture();
    const first = place(f.sim, 'alice', 'sell', '100', '1');
    place(f.sim, 'bob', 'buy', '100', '1');
    const second = place(f.sim, 'alice', 'buy', '90', '1');
    f.sim.exchange.cancelOrder('alice', 'BTC_USDT', { orderId: second }, f.clock.now());
    const c = await f.authorized();
    const r = await c.request('ordersExecuted_request', [{ market: 'BTC_USDT', order_types: [1, 2] }, 0, 10]);
    const now = f.clock.now() / 1000;
    expect(r.result).toEqual({
      limit: 10,
      offset: 0,
      records: [
        expect.objectContaining({ id: second, status: 'CANCELED', deal_stock: '0', source: 'api', ftime: now, rpi: false }),
        {
          id: first,
          ctime: now,
          ftime: now,
          market: 'BTC_USDT',
          source: 'api',
          type: 1,
          side: 1,
          post_only: false,
          ioc: false,
          price: '100',
          amount: '1',
          deal_stock: '1',
          deal_money: '100',
          deal_fee: expect.any(String),
          client_order_id: '',
          status: 'FILLED',
          fee_asset: 'USDT',
          rpi: false,
        },
      ],
    });
    expect(((await c.request('ordersExecuted_request', [{ market: 'BTC_USDT' }, 1, 10])).result as { records: unknown[] }).records).toHaveLength(1);
    expect(((await c.request('ordersExecuted_request', [{ market: 'BTC_USDT', order_types: [2] }, 0, 10])).result as { records: unknown[] }).records).toEqual(
      [],
    );
    expect((await c.request('ordersExecuted_request', [{ market: 'BTC_USDT' }, 0, 101])).error).toEqual({ code: 1, message: 'invalid argument' });
  });
});
