/**
 * WS stop orders (issue 16, point 1): order_stop_limit_place and order_stop_market_place on the
 * path REST stops take, the conditional fields of the reply, the WS error codes of §1.11 (101, 11,
 * 10, 43, 1), activation seen on ordersPending, and order_modify / order_cancel of an untriggered stop.
 * @see whitebit-protocol-2.md §1.3, §1.5, §1.6, §1.11
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUpdate, type Frame } from '../helpers.js';
import { A, B, barrier, Bench, order } from '../ws-orders/support.js';

let b: Bench;
beforeEach(async () => {
  b = await Bench.start();
});
afterEach(() => b.close());

const BTC = 'BTC_USDT';
const stopLimit = (params: Record<string, unknown> = {}) => ({
  market: BTC,
  side: 'sell',
  amount: '0.01',
  price: '62900',
  activation_price: '63000',
  ...params,
});
const stopMarket = (params: Record<string, unknown> = {}) => ({ market: BTC, side: 'buy', amount: '650', activation_price: '65000', ...params });
const pendingOf = (log: Frame[]) => log.filter(isUpdate('ordersPending_update')).map((f) => f.params as [number, Record<string, unknown>]);

describe('order_stop_limit_place / order_stop_market_place', () => {
  it('replies with the order object plus activation_price, activation_condition and activated 0', async () => {
    const c = await b.authorized();
    const f = await order(c, 'order_stop_limit_place', stopLimit({ client_order_id: 'ws-sl' }));
    const now = b.sim.clock.now() / 1000;
    expect(f.error).toBeNull();
    expect(f.result).toEqual({
      id: expect.any(Number),
      market: BTC,
      type: 3,
      side: 1,
      post_only: false,
      ioc: false,
      ctime: now,
      mtime: now,
      activation_price: '63000',
      activation_condition: 'lte',
      activated: 0,
      price: '62900',
      amount: '0.01',
      left: '0.01',
      deal_stock: '0',
      deal_money: '0',
      deal_fee: '0',
      client_order_id: 'ws-sl',
      stp: 'no',
      status: 'OPEN',
    });
    const m = await order(c, 'order_stop_market_place', stopMarket({ amount: '6.00' }));
    expect(m.error).toBeNull();
    expect(m.result).toMatchObject({ type: 4, side: 2, price: '0', amount: '6', left: '6', activation_condition: 'gte', activated: 0, status: 'OPEN' });
    expect(b.sim.state.balances(A.id)).toMatchObject({ BTC: { available: '1.99', freeze: '0.01' }, USDT: { available: '99994', freeze: '6' } });
  });

  const REFUSALS: [string, string, Record<string, unknown>, number, string][] = [
    ['order_stop_limit_place', 'activation price missing', { activation_price: undefined }, 1, 'activation_price is required'],
    ['order_stop_limit_place', 'activation price not a number', { activation_price: 'x' }, 1, 'activation_price is invalid'],
    ['order_stop_limit_place', 'activation price precision', { activation_price: '63000.001' }, 1, 'activation_price: precision is greater than 2'],
    [
      'order_stop_limit_place',
      'activation price at the last price',
      { activation_price: '64000' },
      101,
      'activation price should not be equal to the last price',
    ],
    ['order_stop_limit_place', 'amount below min', { amount: '0.000001' }, 11, 'amount too small'],
    ['order_stop_limit_place', 'balance short', { amount: '3' }, 10, 'balance not enough'],
    ['order_stop_market_place', 'quote amount below min total', { amount: '5' }, 11, 'amount too small'],
    ['order_stop_market_place', 'quote amount precision', { amount: '650.001' }, 1, 'amount: precision is greater than 2'],
    ['order_stop_market_place', 'balance short', { amount: '100001' }, 10, 'balance not enough'],
  ];
  it.each(REFUSALS)('%s refuses %s', async (method, _name, params, code, message) => {
    const c = await b.authorized();
    const f = await order(c, method, method === 'order_stop_limit_place' ? stopLimit(params) : stopMarket(params));
    expect(f.error).toEqual({ code, message });
    expect(b.sim.state.orders(A.id)).toEqual([]);
  });

  it('refuses a client id already used by an open order (43)', async () => {
    const c = await b.authorized();
    expect((await order(c, 'order_stop_limit_place', stopLimit({ client_order_id: 'dup' }))).error).toBeNull();
    expect((await order(c, 'order_stop_market_place', stopMarket({ client_order_id: 'dup' }))).error).toEqual({
      code: 43,
      message: 'client order id already exists',
    });
  });

  it('fires the stop-market on a print: ordersPending event 1 (activated 0), then event 3 of the same id, filled', async () => {
    const c = await b.authorized(A, true);
    await b.restPlace(B, { side: 'sell', amount: '0.5', price: '66000' });
    const id = ((await order(c, 'order_stop_market_place', stopMarket({ amount: '660' }))).result as { id: number }).id;
    await b.restPlace(B, { side: 'sell', amount: '0.001', price: '65000' });
    await b.restPlace(B, { side: 'buy', amount: '0.001', price: '65000' });
    await barrier(c);
    const mine = pendingOf(c.log).filter(([, o]) => o.id === id);
    expect(mine.map(([ev, o]) => [ev, o.type, o.activated, o.status])).toEqual([
      [1, 4, 0, 'OPEN'],
      [3, 4, 1, 'FILLED'],
    ]);
    expect(mine[1]?.[1]).toMatchObject({ price: '0', amount: '660', deal_stock: '0.01', deal_money: '660' });
  });
});

describe('order_modify and order_cancel of an untriggered stop', () => {
  it('modifies the trigger as cancel-and-replace: new id, same client id, event 3 then event 1', async () => {
    const c = await b.authorized(A, true);
    const old = (await order(c, 'order_stop_limit_place', stopLimit({ client_order_id: 'm-1' }))).result as { id: number };
    const f = await order(c, 'order_modify', { market: BTC, client_order_id: 'm-1', activation_price: '65000', price: '65100' });
    expect(f.error).toBeNull();
    const next = f.result as Record<string, unknown>;
    expect(next).toMatchObject({ type: 3, client_order_id: 'm-1', activation_price: '65000', activation_condition: 'gte', price: '65100', activated: 0 });
    expect(next.id).not.toBe(old.id);
    await barrier(c);
    expect(pendingOf(c.log).map(([ev, o]) => [ev, o.id])).toEqual([
      [1, old.id],
      [3, old.id],
      [1, next.id],
    ]);
  });

  it('sizes a stop-market buy by total, refuses a price (159) and an activation price at the last price (101)', async () => {
    const c = await b.authorized();
    const old = (await order(c, 'order_stop_market_place', stopMarket())).result as { id: number };
    const f = await order(c, 'order_modify', { market: BTC, order_id: old.id, total: '700' });
    expect(f.result).toMatchObject({ type: 4, amount: '700', price: '0', activation_price: '65000' });
    const id = (f.result as { id: number }).id;
    expect((await order(c, 'order_modify', { market: BTC, order_id: id, price: '65000' })).error).toEqual({
      code: 159,
      message: 'wrong limit price for stop market order',
    });
    expect((await order(c, 'order_modify', { market: BTC, order_id: id, activation_price: '64000' })).error).toEqual({
      code: 101,
      message: 'activation price should not be equal to the last price',
    });
    expect(b.sim.state.orders(A.id).map((o) => o.id)).toEqual([id]);
  });

  it('cancels a stop with order_cancel and order_cancel_all', async () => {
    const c = await b.authorized();
    const s = (await order(c, 'order_stop_limit_place', stopLimit())).result as { id: number };
    expect((await order(c, 'order_cancel', { market: BTC, order_id: s.id })).result).toMatchObject({ id: s.id, type: 3, status: 'CANCELED' });
    await order(c, 'order_stop_market_place', stopMarket());
    expect((await order(c, 'order_cancel_all', { market: BTC, type: ['spot'] })).result).toEqual({});
    expect(b.sim.state.orders(A.id)).toEqual([]);
    expect(b.sim.state.balances(A.id)).toMatchObject({ USDT: { freeze: '0' }, BTC: { freeze: '0' } });
  });
});
