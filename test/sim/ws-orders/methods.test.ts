/**
 * Conformance of the simulator's WS order-management methods (issue 15) with a raw `ws` client:
 * reply shapes, every validation error in §1.15's order, engine rejections (10, 13, 43, 6), the
 * ordersPending events of modify / cancel / cancel_all, and error 6 on an unauthorized socket.
 * @see whitebit-protocol-2.md §1
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUpdate, type Frame } from '../helpers.js';
import { A, B, barrier, Bench, order } from './support.js';

let b: Bench;
beforeEach(async () => {
  b = await Bench.start();
});
afterEach(() => b.close());

const BTC = 'BTC_USDT';
const limit = (params: Record<string, unknown>) => ({ market: BTC, side: 'buy', amount: '0.01', price: '60000', ...params });
const ORDER_METHODS = ['order_limit_place', 'order_market_place', 'order_market_stock_place', 'order_modify', 'order_cancel', 'order_cancel_all'];

describe('envelope and authorization', () => {
  it('answers every order method on an unauthorized socket with 6 require authentication, executing nothing', async () => {
    const c = await b.connect();
    for (const method of ORDER_METHODS) {
      expect(await order(c, method, limit({}))).toEqual({ id: expect.any(Number), result: null, error: { code: 6, message: 'require authentication' } });
    }
    expect(b.sim.state.orders()).toEqual([]);
  });

  // Issue 16 made stop-limit and stop-market real (ws-orders/stops.test.ts); these two stay unsupported.
  it('answers stop-market-in-stock and stop-BBO placement with 4 and a text naming the method, not silently', async () => {
    const c = await b.authorized();
    for (const method of ['order_stop_market_stock_place', 'order_stop_bbo_place']) {
      const f = await order(c, method, limit({ activation_price: '61000', bbo_role: 1 }));
      expect(f.error).toEqual({ code: 4, message: `method not found: ${method} is not supported by the simulator` });
    }
  });

  it('wants params to be an array of exactly one object (1 invalid argument)', async () => {
    const c = await b.authorized();
    const invalid = { code: 1, message: 'invalid argument' };
    expect((await c.request('order_limit_place', [])).error).toEqual(invalid);
    expect((await c.request('order_limit_place', [limit({}), limit({})])).error).toEqual(invalid);
    expect((await c.request('order_limit_place', ['BTC_USDT'])).error).toEqual(invalid);
    expect((await c.request('order_limit_place', [[limit({})]])).error).toEqual(invalid);
    c.send({ id: 99, method: 'order_limit_place', params: limit({}) });
    expect((await c.next((f) => f.id === 99)).error).toEqual(invalid);
    expect(b.sim.state.orders()).toEqual([]);
  });
});

describe('order_limit_place', () => {
  it('replies with the snake_case order object: int side/type, trimmed decimal strings, echoed id', async () => {
    const c = await b.authorized();
    c.send({ id: 500002, method: 'order_limit_place', params: [limit({ amount: '0.0100', price: '60000.00', client_order_id: 'w-1' })] });
    const f = await c.next((x) => x.id === 500002);
    const now = b.sim.clock.now() / 1000;
    expect(f).toEqual({
      id: 500002,
      result: {
        id: expect.any(Number),
        market: BTC,
        type: 1,
        side: 2,
        post_only: false,
        ioc: false,
        ctime: now,
        mtime: now,
        price: '60000',
        amount: '0.01',
        left: '0.01',
        deal_stock: '0',
        deal_money: '0',
        deal_fee: '0',
        client_order_id: 'w-1',
        stp: 'no',
        status: 'OPEN',
      },
      error: null,
    });
    const [resting] = b.sim.state.orders(A.id);
    expect(resting).toMatchObject({ id: (f.result as { id: number }).id, clientOrderId: 'w-1', price: '60000' });
    expect(b.sim.state.balances(A.id).USDT).toEqual({ available: '99400', freeze: '600' });
  });

  it('reports a sell as side 1, stp long forms, and a fill on arrival as FILLED', async () => {
    await b.restPlace(B, { side: 'buy', amount: '0.1', price: '60000' });
    const c = await b.authorized();
    const f = await order(c, 'order_limit_place', limit({ side: 'sell', amount: '0.1', stp: 'cancel_old' }));
    expect(f.result).toMatchObject({ side: 1, stp: 'co', status: 'FILLED', left: '0', deal_stock: '0.1', deal_money: '6000', deal_fee: '6' });
  });

  it('accepts rpi alone as a post-only order', async () => {
    const c = await b.authorized();
    expect((await order(c, 'order_limit_place', limit({ rpi: true }))).result).toMatchObject({ post_only: true, ioc: false, status: 'OPEN' });
  });

  const REJECTIONS: [string, Record<string, unknown>, number, string][] = [
    ['market missing', { market: undefined }, 1, 'market is required'],
    ['market unknown', { market: 'NOPE_USDT' }, 1, 'market does not exist'],
    ['side missing', { side: undefined }, 1, 'side is required'],
    ['amount missing', { amount: undefined }, 1, 'amount is required'],
    ['price missing', { price: undefined }, 1, 'price is required'],
    ['side unknown', { side: 'up' }, 1, 'side is invalid'],
    ['stp unknown', { stp: 'sometimes' }, 1, 'stp is invalid'],
    ['amount not a number', { amount: 'lots' }, 1, 'amount is invalid'],
    ['price zero', { price: '0' }, 1, 'price is invalid'],
    ['flag not a boolean', { post_only: 'yes' }, 1, 'post_only must be a boolean'],
    ['ioc with post_only', { ioc: true, post_only: true }, 1, "flags: ioc=1 and post_only=1 can't be combined"],
    ['ioc with rpi', { ioc: true, rpi: true }, 1, "flags: ioc=1 and rpi=1 can't be combined"],
    ['client id with a space', { client_order_id: 'a b' }, 1, 'client_order_id is invalid'],
    ['amount precision', { amount: '0.0100001' }, 1, 'amount: precision is greater than 6'],
    ['price precision', { price: '60000.001' }, 1, 'price: precision is greater than 2'],
    ['amount below min amount', { amount: '0.000001' }, 11, 'amount too small'],
    ['amount zero', { amount: '0' }, 11, 'amount too small'],
    ['total below min total', { amount: '0.00001' }, 11, 'amount too small'],
    ['total above max total', { amount: '200' }, 1, 'amount * price must be <= 10000000'],
    ['balance short', { amount: '1.7' }, 10, 'balance not enough'],
    // Order of checks: the earlier rule answers when several are broken.
    ['market before side', { market: 'NOPE_USDT', side: 'up' }, 1, 'market does not exist'],
    ['required before enums', { side: 'up', price: undefined }, 1, 'price is required'],
    ['enums before flags', { stp: 'x', ioc: true, post_only: true }, 1, 'stp is invalid'],
    ['flags before precision', { ioc: true, post_only: true, amount: '0.0100001' }, 1, "flags: ioc=1 and post_only=1 can't be combined"],
    ['precision before min amount', { amount: '0.0000001' }, 1, 'amount: precision is greater than 6'],
    ['min total before max total checks nothing else', { amount: '0.00001', price: '0.01' }, 11, 'amount too small'],
    ['max total before balance', { amount: '200', price: '60000' }, 1, 'amount * price must be <= 10000000'],
  ];
  it.each(REJECTIONS)('refuses %s', async (_name, change, code, message) => {
    const c = await b.authorized();
    const params = limit(change);
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete params[k as keyof typeof params];
    expect(await order(c, 'order_limit_place', params)).toEqual({ id: expect.any(Number), result: null, error: { code, message } });
    expect(b.sim.state.orders(A.id)).toEqual([]);
  });

  it('refuses a post-only order that would cross with 13, and leaves the book as it was', async () => {
    await b.restPlace(B, { side: 'sell', amount: '0.1', price: '60000' });
    const c = await b.authorized();
    const f = await order(c, 'order_limit_place', limit({ post_only: true }));
    expect(f.error).toEqual({ code: 13, message: 'order by taker price' });
    expect(b.sim.state.orders(A.id)).toEqual([]);
    expect(b.sim.state.book(BTC).asks).toEqual([['60000', '0.1']]);
  });

  it('refuses a duplicate active client id with 43 per account and market, and allows it again once the first finished', async () => {
    const c = await b.authorized();
    const first = await order(c, 'order_limit_place', limit({ client_order_id: 'dup' }));
    expect(first.error).toBeNull();
    // Duplicate beats balance: the client id check comes first.
    expect((await order(c, 'order_limit_place', limit({ client_order_id: 'dup', amount: '1.7' }))).error).toEqual({
      code: 43,
      message: 'client order id already exists',
    });
    expect((await order(c, 'order_limit_place', limit({ client_order_id: 'dup', market: 'ETH_USDT', price: '3000' }))).error).toBeNull();
    const bob = await b.authorized(B);
    expect((await order(bob, 'order_limit_place', limit({ client_order_id: 'dup' }))).error).toBeNull();
    expect((await order(c, 'order_cancel', { market: BTC, client_order_id: 'dup' })).error).toBeNull();
    const again = await order(c, 'order_limit_place', limit({ client_order_id: 'dup' }));
    expect(again.error).toBeNull();
    expect((again.result as { id: number }).id).not.toBe((first.result as { id: number }).id);
  });

  it('answers a reused request id normally, echoing it', async () => {
    const c = await b.authorized();
    c.send({ id: 7, method: 'order_limit_place', params: [limit({})] });
    c.send({ id: 7, method: 'order_limit_place', params: [limit({})] });
    const one = await c.next((f) => f.id === 7);
    const two = await c.next((f) => f.id === 7);
    expect(one.error).toBeNull();
    expect(two.error).toBeNull();
    expect(b.sim.state.orders(A.id)).toHaveLength(2);
  });
});

describe('order_market_place and order_market_stock_place', () => {
  beforeEach(async () => {
    await b.restPlace(B, { side: 'sell', amount: '0.1', price: '60000' });
    await b.restPlace(B, { side: 'sell', amount: '0.1', price: '61000' });
    await b.restPlace(B, { side: 'buy', amount: '0.2', price: '59000' });
  });

  it('buys for a quote amount (type 2): price "0", FILLED, deal_stock in base, nothing left resting', async () => {
    const c = await b.authorized();
    const f = await order(c, 'order_market_place', { market: BTC, side: 'buy', amount: '9100', client_order_id: 'mk' });
    expect(f.result).toMatchObject({
      type: 2,
      side: 2,
      price: '0',
      amount: '9100',
      left: '0',
      deal_stock: '0.150819',
      deal_money: '9099.959',
      client_order_id: 'mk',
      status: 'FILLED',
      post_only: false,
      ioc: false,
    });
    expect(b.sim.state.orders(A.id)).toEqual([]);
    expect(b.sim.state.book(BTC).asks).toEqual([['61000', '0.049181']]);
  });

  it('sells a base amount (type 2) and reports PARTIALLY_FILLED when the book runs out', async () => {
    const c = await b.authorized();
    const f = await order(c, 'order_market_place', { market: BTC, side: 'sell', amount: '0.3' });
    expect(f.result).toMatchObject({ type: 2, side: 1, price: '0', amount: '0.3', deal_stock: '0.2', deal_money: '11800', status: 'PARTIALLY_FILLED' });
    expect(b.sim.state.book(BTC).bids).toEqual([]);
  });

  it('buys a base amount (type 202) across levels', async () => {
    const c = await b.authorized();
    const f = await order(c, 'order_market_stock_place', { market: BTC, side: 'buy', amount: '0.15' });
    expect(f.result).toMatchObject({ type: 202, side: 2, price: '0', amount: '0.15', deal_stock: '0.15', deal_money: '9050', status: 'FILLED' });
  });

  it('refuses an empty opposite side with 12, a too small amount with 11, a seller short of the requested amount with 10', async () => {
    const c = await b.authorized();
    expect((await order(c, 'order_market_place', { market: 'ETH_USDT', side: 'buy', amount: '100' })).error).toEqual({
      code: 12,
      message: 'not enough traders',
    });
    expect((await order(c, 'order_market_stock_place', { market: BTC, side: 'buy', amount: '0.00001' })).error).toEqual({
      code: 11,
      message: 'amount too small',
    });
    expect((await order(c, 'order_market_place', { market: BTC, side: 'buy', amount: '5' })).error).toEqual({ code: 11, message: 'amount too small' });
    expect((await order(c, 'order_market_stock_place', { market: BTC, side: 'sell', amount: '2.5' })).error).toEqual({
      code: 10,
      message: 'balance not enough',
    });
    expect((await order(c, 'order_market_place', { market: BTC, side: 'sell', amount: '0.2' })).error).toBeNull();
    expect((await order(c, 'order_market_place', { market: BTC, side: 'sell', amount: '0.2' })).error).toEqual({ code: 12, message: 'not enough traders' });
    expect((await order(c, 'order_market_place', { market: BTC, side: 'buy' })).error).toEqual({ code: 1, message: 'amount is required' });
  });
});

describe('order_bbo_place', () => {
  beforeEach(async () => {
    await b.restPlace(B, { side: 'sell', amount: '0.1', price: '61000' });
    await b.restPlace(B, { side: 'buy', amount: '0.1', price: '59000' });
  });

  it('role 1 rests at its own side’s best price, post-only; role 2 takes at the opposite best', async () => {
    const c = await b.authorized();
    const maker = await order(c, 'order_bbo_place', { market: BTC, side: 'buy', amount: '0.01', bbo_role: 1, client_order_id: 'bbo1' });
    expect(maker.result).toMatchObject({ type: 1, side: 2, price: '59000', post_only: true, status: 'OPEN', client_order_id: 'bbo1' });
    const taker = await order(c, 'order_bbo_place', { market: BTC, side: 'buy', amount: '0.01', bbo_role: 2 });
    expect(taker.result).toMatchObject({ type: 1, price: '61000', post_only: false, status: 'FILLED', deal_stock: '0.01' });
  });

  it('refuses a bad role, post-only with role 2, ioc with role 1, an empty side (12)', async () => {
    const c = await b.authorized();
    const bbo = (extra: Record<string, unknown>) => order(c, 'order_bbo_place', { market: BTC, side: 'buy', amount: '0.01', bbo_role: 1, ...extra });
    expect((await bbo({ bbo_role: 3 })).error).toEqual({ code: 1, message: 'bbo role must be an integer in range 1..2' });
    expect((await bbo({ bbo_role: undefined })).error).toEqual({ code: 1, message: 'bbo_role is required' });
    expect((await bbo({ bbo_role: 2, post_only: true })).error).toEqual({ code: 1, message: 'wrong flags combination' });
    expect((await bbo({ ioc: true })).error).toEqual({ code: 1, message: "flags: ioc=1 and post_only=1 can't be combined" });
    expect((await bbo({ amount: '0.00001' })).error).toEqual({ code: 11, message: 'amount too small' });
    expect((await bbo({ market: 'ETH_USDT' })).error).toEqual({ code: 12, message: 'not enough traders' });
    expect(b.sim.state.orders(A.id)).toEqual([]);
  });
});

describe('order_modify', () => {
  const pending = (c: { next: (p: (f: Frame) => boolean) => Promise<Frame> }) => c.next(isUpdate('ordersPending_update'));

  it('replaces the order: new id, same client id; ordersPending sees event 3 for the old id, then event 1 for the new', async () => {
    const c = await b.authorized(A, true);
    const placed = await order(c, 'order_limit_place', limit({ client_order_id: 'm1' }));
    const oldId = (placed.result as { id: number }).id;
    await pending(c);
    const f = await order(c, 'order_modify', { market: BTC, client_order_id: 'm1', price: '59000' });
    const result = f.result as { id: number };
    expect(result).toMatchObject({ client_order_id: 'm1', price: '59000', amount: '0.01', left: '0.01', status: 'OPEN', type: 1, side: 2 });
    expect(result.id).not.toBe(oldId);
    const [gone, born] = [await pending(c), await pending(c)];
    expect(gone.params).toEqual([3, expect.objectContaining({ id: oldId, status: 'CANCELED' })]);
    expect(born.params).toEqual([1, expect.objectContaining({ id: result.id, client_order_id: 'm1', price: '59000' })]);
    expect(b.sim.state.orders(A.id).map((o) => o.id)).toEqual([result.id]);
    expect(b.sim.state.balances(A.id).USDT).toEqual({ available: '99410', freeze: '590' });
  });

  it('changes the amount by order_id, or by total at the (new) price', async () => {
    const c = await b.authorized();
    const placed = await order(c, 'order_limit_place', limit({}));
    const byId = await order(c, 'order_modify', { market: BTC, order_id: (placed.result as { id: number }).id, amount: '0.02' });
    expect(byId.result).toMatchObject({ amount: '0.02', price: '60000' });
    const byTotal = await order(c, 'order_modify', { market: BTC, order_id: (byId.result as { id: number }).id, total: '1180', price: '59000' });
    expect(byTotal.result).toMatchObject({ amount: '0.02', price: '59000' });
  });

  it('refuses without touching the old order: missing ids, both ids, nothing to change, amount with total, not found, post-only cross', async () => {
    await b.restPlace(B, { side: 'sell', amount: '0.1', price: '61000' });
    const c = await b.authorized();
    const placed = await order(c, 'order_limit_place', limit({ client_order_id: 'm2', post_only: true }));
    const id = (placed.result as { id: number }).id;
    const cases: [Record<string, unknown>, number, string][] = [
      [{ price: '59000' }, 1, 'order_id or client_order_id must be set for modify'],
      [{ order_id: id, client_order_id: 'm2', price: '59000' }, 1, 'only one of order_id or client_order_id may be set'],
      [{ order_id: id }, 1, 'at least price or amount or total or activation price should be specified'],
      [{ order_id: id, amount: '0.02', total: '1200' }, 1, 'amount and total cannot be specified simultaneously'],
      [{ order_id: id, amount: 'x' }, 163, 'wrong param amount'],
      [{ order_id: id, price: '-1' }, 164, 'wrong param price'],
      [{ order_id: id, activation_price: '61000' }, 156, 'wrong order type'],
      [{ order_id: id + 1000, price: '59000' }, 6, 'order not found'],
      [{ client_order_id: 'nope', price: '59000' }, 6, 'order not found'],
      [{ order_id: id, amount: '0.000001' }, 11, 'amount too small'],
      [{ order_id: id, amount: '1.7' }, 10, 'balance not enough'],
      [{ order_id: id, price: '61000' }, 13, 'order by taker price'],
      [{ market: 'NOPE_USDT', order_id: id, price: '59000' }, 1, 'market does not exist'],
    ];
    for (const [params, code, message] of cases) {
      expect((await order(c, 'order_modify', { market: BTC, ...params })).error, JSON.stringify(params)).toEqual({ code, message });
    }
    expect(b.sim.state.orders(A.id).map((o) => [o.id, o.price])).toEqual([[id, '60000']]);
  });

  it('refuses a finished order with 6', async () => {
    const c = await b.authorized();
    const placed = await order(c, 'order_limit_place', limit({}));
    const id = (placed.result as { id: number }).id;
    await order(c, 'order_cancel', { market: BTC, order_id: id });
    expect((await order(c, 'order_modify', { market: BTC, order_id: id, price: '59000' })).error).toEqual({ code: 6, message: 'order not found' });
  });
});

describe('order_cancel', () => {
  it('cancels by order_id: reply CANCELED with the withdrawn remainder, ordersPending event 3', async () => {
    const c = await b.authorized(A, true);
    const placed = await order(c, 'order_limit_place', limit({}));
    const id = (placed.result as { id: number }).id;
    await c.next(isUpdate('ordersPending_update'));
    b.sim.advance(2_000);
    const f = await order(c, 'order_cancel', { market: BTC, order_id: id });
    expect(f.result).toMatchObject({
      id,
      status: 'CANCELED',
      left: '0.01',
      deal_stock: '0',
      ctime: (placed.result as { ctime: number }).ctime,
      mtime: b.sim.clock.now() / 1000,
    });
    expect((await c.next(isUpdate('ordersPending_update'))).params).toEqual([3, expect.objectContaining({ id, status: 'CANCELED' })]);
    expect(b.sim.state.balances(A.id).USDT).toEqual({ available: '100000', freeze: '0' });
  });

  it('cancels by client_order_id, which wins when both ids are given', async () => {
    const c = await b.authorized();
    const one = await order(c, 'order_limit_place', limit({ client_order_id: 'c1' }));
    const two = await order(c, 'order_limit_place', limit({ client_order_id: 'c2' }));
    const f = await order(c, 'order_cancel', { market: BTC, order_id: (one.result as { id: number }).id, client_order_id: 'c2' });
    expect(f.result).toMatchObject({ id: (two.result as { id: number }).id, client_order_id: 'c2', status: 'CANCELED' });
    expect(b.sim.state.orders(A.id).map((o) => o.clientOrderId)).toEqual(['c1']);
  });

  it('refuses: no id (1), unknown market (1), unknown or finished or foreign order (6)', async () => {
    const c = await b.authorized();
    const placed = await order(c, 'order_limit_place', limit({}));
    const id = (placed.result as { id: number }).id;
    expect((await order(c, 'order_cancel', { market: BTC })).error).toEqual({ code: 1, message: 'order_id or client_order_id must be set for modify' });
    expect((await order(c, 'order_cancel', { order_id: id })).error).toEqual({ code: 1, message: 'market is required' });
    expect((await order(c, 'order_cancel', { market: 'NOPE_USDT', order_id: id })).error).toEqual({ code: 1, message: 'market does not exist' });
    expect((await order(c, 'order_cancel', { market: 'ETH_USDT', order_id: id })).error).toEqual({ code: 6, message: 'order not found' });
    const bob = await b.authorized(B);
    expect((await order(bob, 'order_cancel', { market: BTC, order_id: id })).error).toEqual({ code: 6, message: 'order not found' });
    expect((await order(c, 'order_cancel', { market: BTC, order_id: id })).error).toBeNull();
    expect((await order(c, 'order_cancel', { market: BTC, order_id: id })).error).toEqual({ code: 6, message: 'order not found' });
  });
});

describe('order_cancel_all', () => {
  it('cancels the market’s orders with event 3 each and replies {}; nothing to cancel is success too', async () => {
    const c = await b.authorized(A, true);
    await order(c, 'order_limit_place', limit({}));
    await order(c, 'order_limit_place', limit({ price: '59000' }));
    await order(c, 'order_limit_place', limit({ market: 'ETH_USDT', price: '3000' }));
    await c.next(isUpdate('ordersPending_update'));
    await c.next(isUpdate('ordersPending_update'));
    expect(await order(c, 'order_cancel_all', { market: BTC, type: ['spot'] })).toEqual({ id: expect.any(Number), result: {}, error: null });
    const events = [await c.next(isUpdate('ordersPending_update')), await c.next(isUpdate('ordersPending_update'))];
    expect(events.map((f) => (f.params as [number, { status: string }]).map((x) => (typeof x === 'number' ? x : x.status)))).toEqual([
      [3, 'CANCELED'],
      [3, 'CANCELED'],
    ]);
    expect(b.sim.state.orders(A.id).map((o) => o.market)).toEqual(['ETH_USDT']);
    expect((await order(c, 'order_cancel_all', { market: BTC, type: ['spot', 'margin', 'futures'] })).result).toEqual({});
  });

  it('refuses bad type lists and markets with 1; a list without spot cancels nothing', async () => {
    const c = await b.authorized();
    await order(c, 'order_limit_place', limit({}));
    const cases: [Record<string, unknown>, string][] = [
      [{ market: BTC }, 'order types must be an array'],
      [{ market: BTC, type: 'spot' }, 'order types must be an array'],
      [{ market: BTC, type: [] }, 'at least one order type should be specified'],
      [{ market: BTC, type: ['spot', 'spot'] }, 'invalid or duplicate order type'],
      [{ market: BTC, type: ['options'] }, 'invalid or duplicate order type'],
      [{ type: ['spot'] }, 'market is required'],
      [{ market: 'NOPE_USDT', type: ['spot'] }, 'market does not exist'],
    ];
    for (const [params, message] of cases) expect((await order(c, 'order_cancel_all', params)).error, JSON.stringify(params)).toEqual({ code: 1, message });
    expect((await order(c, 'order_cancel_all', { market: BTC, type: ['margin'] })).result).toEqual({});
    await barrier(c);
    expect(b.sim.state.orders(A.id)).toHaveLength(1);
  });
});
