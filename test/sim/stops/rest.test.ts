/**
 * REST stop orders against a running simulator (issue 16, point 1): order/stop_limit and
 * order/stop_market answer WhiteBIT's OrderResponse (type "stop limit" / "stop market",
 * `activation_price`), wait outside the public book with their funds frozen, are listed by
 * /orders, fire on a print, and go with order/cancel, cancel/all and the kill-switch.
 * @see whitebit-protocol-2.md §2.5
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { get, isUpdate, type Frame } from '../helpers.js';
import { A, B, barrier, Bench } from '../ws-orders/support.js';

let b: Bench;
beforeEach(async () => {
  b = await Bench.start();
});
afterEach(() => b.close());

const BTC = 'BTC_USDT';
const stopLimit = (params: Record<string, unknown> = {}) =>
  b.rest(A, '/api/v4/order/stop_limit', { market: BTC, side: 'buy', amount: '0.01', price: '65100', activation_price: '65000', ...params });
const stopMarket = (params: Record<string, unknown> = {}) =>
  b.rest(A, '/api/v4/order/stop_market', { market: BTC, side: 'buy', amount: '650', activation_price: '65000', ...params });
/** Bob trades with himself once at `price`: the last price moves there. */
async function print(price: string): Promise<void> {
  expect((await b.restPlace(B, { side: 'sell', amount: '0.001', price })).status).toBe(200);
  expect((await b.restPlace(B, { side: 'buy', amount: '0.001', price })).status).toBe(200);
}

describe('POST /api/v4/order/stop_limit and /order/stop_market', () => {
  it('answers the OrderResponse with type, activation_price and status NEW, freezes the funds, lists it, and keeps it off the book', async () => {
    const r = await stopLimit({ clientOrderId: 'sl-1' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      orderId: expect.any(Number),
      clientOrderId: 'sl-1',
      market: BTC,
      side: 'buy',
      type: 'stop limit',
      timestamp: b.sim.clock.now() / 1000,
      dealMoney: '0',
      dealStock: '0',
      amount: '0.01',
      left: '0.01',
      dealFee: '0',
      price: '65100',
      postOnly: false,
      ioc: false,
      status: 'NEW',
      stp: 'no',
      rpi: false,
      activation_price: '65000',
    });
    const m = await stopMarket();
    expect(m.body).toMatchObject({ type: 'stop market', price: '0', amount: '650', left: '650', activation_price: '65000', status: 'NEW' });
    expect(b.sim.state.balances(A.id).USDT).toEqual({ available: '98699', freeze: '1301' });
    const open = (await b.rest(A, '/api/v4/orders', { market: BTC })).body as Record<string, unknown>[];
    expect(open.map((o) => [o.type, o.activation_price])).toEqual([
      ['stop market', '65000'],
      ['stop limit', '65000'],
    ]);
    const book = (await get(b.sim.restUrl, `/api/v4/public/orderbook/${BTC}`)).body as { bids: unknown[]; asks: unknown[] };
    expect([book.bids, book.asks]).toEqual([[], []]);
  });

  it('fires on a print: the stop-limit rests at its price with the same id; ordersPending shows event 1 twice', async () => {
    const c = await b.authorized(A, true);
    const id = ((await stopLimit()).body as { orderId: number }).orderId;
    await print('65000');
    await barrier(c);
    const pending = c.log.filter(isUpdate('ordersPending_update')).map((f: Frame) => f.params as [number, Record<string, unknown>]);
    expect(pending.map(([ev, o]) => [ev, o.id, o.type, o.activated, o.activation_condition, o.status])).toEqual([
      [1, id, 3, 0, 'gte', 'OPEN'],
      [1, id, 3, 1, 'gte', 'OPEN'],
    ]);
    const [open] = (await b.rest(A, '/api/v4/orders', { market: BTC })).body as Record<string, unknown>[];
    expect(open).toMatchObject({ orderId: id, type: 'stop limit', price: '65100', activation_price: '65000' });
    const book = (await get(b.sim.restUrl, `/api/v4/public/orderbook/${BTC}`)).body as { bids: unknown[] };
    expect(book.bids).toEqual([['65100', '0.01']]);
  });

  it('goes with order/cancel, cancel/all and the kill-switch, releasing its funds', async () => {
    const id = ((await stopLimit()).body as { orderId: number }).orderId;
    const cancelled = await b.rest(A, '/api/v4/order/cancel', { market: BTC, orderId: id });
    expect(cancelled.body).toMatchObject({ orderId: id, type: 'stop limit', status: 'CANCELED', activation_price: '65000' });
    await stopMarket();
    expect((await b.rest(A, '/api/v4/order/cancel/all', { market: BTC })).body).toEqual([]);
    await stopMarket({ side: 'sell', amount: '0.01', activation_price: '63000' });
    await b.rest(A, '/api/v4/order/kill-switch', { market: BTC, timeout: '5' });
    const fired = b.sim.waitFor((e) => e.type === 'killSwitch' && e.action === 'fired');
    b.sim.advance(5_000);
    await fired;
    expect(b.sim.state.orders(A.id)).toEqual([]);
    expect(b.sim.state.balances(A.id)).toMatchObject({ USDT: { available: '100000', freeze: '0' }, BTC: { available: '2', freeze: '0' } });
    const history = (await b.rest(A, '/api/v4/trade-account/order/history', { market: BTC })).body as Record<string, Record<string, unknown>[]>;
    expect(history[BTC]?.map((o) => o.type)).toEqual(['stop market', 'stop market', 'stop limit']);
  });

  const REFUSALS: [string, string, Record<string, unknown>, number, number, Record<string, string[]>][] = [
    [
      'stop_limit',
      'every missing field at once',
      { market: undefined, side: undefined, amount: undefined, price: undefined, activation_price: undefined },
      422,
      30,
      {
        activation_price: ['Activation price field is required.'],
        amount: ['Amount field is required.'],
        market: ['Market field is required.'],
        price: ['Price field is required.'],
        side: ['Side field is required.'],
      },
    ],
    ['stop_limit', 'activation price not numeric', { activation_price: 'high' }, 422, 30, { activation_price: ['Activation price should be numeric string.'] }],
    ['stop_limit', 'activation price zero', { activation_price: '0' }, 422, 30, { activationPrice: ['Activation price should be greater than 0.'] }],
    ['stop_limit', 'activation price precision', { activation_price: '65000.001' }, 422, 30, { activationPrice: ['Min activation price step = 0.01'] }],
    [
      'stop_limit',
      'activation price at the last price',
      { activation_price: '64000' },
      422,
      30,
      { activationPrice: ['Activation price should not be equal to the last price'] },
    ],
    ['stop_limit', 'unknown market', { market: 'NOPE_USDT' }, 422, 31, { market: ['Market is not available.'] }],
    ['stop_limit', 'bad side', { side: 'up' }, 422, 30, { side: ["Side field should contain only 'buy' or 'sell' values."] }],
    ['stop_limit', 'amount not numeric', { amount: 'x' }, 422, 32, { amount: ['Amount field should be numeric string or number.'] }],
    [
      'stop_limit',
      'bad client id',
      { clientOrderId: 'a b' },
      422,
      36,
      { clientOrderId: ['ClientOrderId field should contain only latin letters, numbers and dashes.'] },
    ],
    ['stop_limit', 'balance short', { amount: '2' }, 400, 10, { amount: ['Not enough balance.'] }],
    ['stop_market', 'activation price missing', { activation_price: undefined }, 422, 30, { activation_price: ['Activation price field is required.'] }],
    ['stop_market', 'buy amount below min total (quote)', { amount: '5' }, 422, 30, { total: ['Total(amount * price) is less than 5.05'] }],
    ['stop_market', 'buy amount beyond money precision', { amount: '650.001' }, 422, 32, { amount: ['Min amount step = 0.01'] }],
    ['stop_market', 'sell amount short', { side: 'sell', amount: '3', activation_price: '63000' }, 400, 10, { amount: ['Not enough balance.'] }],
  ];
  it.each(REFUSALS)('%s refuses %s, placing nothing', async (path, _name, params, status, code, errors) => {
    const r = await (path === 'stop_limit' ? stopLimit(params) : stopMarket(params));
    expect({ status: r.status, body: r.body }).toEqual({
      status,
      body: { code, message: status === 400 ? 'Inner validation failed' : 'Validation failed', errors },
    });
    expect(b.sim.state.orders(A.id)).toEqual([]);
  });

  it('refuses a client id already used by an open stop (36)', async () => {
    expect((await stopLimit({ clientOrderId: 'dup' })).status).toBe(200);
    const r = await stopMarket({ clientOrderId: 'dup' });
    expect(r.body).toMatchObject({ code: 36, errors: { clientOrderId: ['This client order id is already used by the current account.'] } });
  });
});
