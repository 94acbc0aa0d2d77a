/**
 * The simulator's REST API over real loopback sockets, signed by hand with node:crypto.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { get, nextNonce, post, type RestReply } from './helpers.js';

const A = { id: 'alice', apiKey: 'key-a', apiSecret: 'secret-a', balances: { BTC: '2', USDT: '100000', DBTC: '5', DUSDT: '50000' } };
const B = { id: 'bob', apiKey: 'key-b', apiSecret: 'secret-b', balances: { BTC: '2', USDT: '100000' } };

let sim: Simulator;
async function start(extra: SimulatorOptions = {}): Promise<void> {
  sim = await startSimulator({ port: 0, seed: 7, priceProcess: false, accounts: [A, B], ...extra });
}
afterEach(async () => {
  await sim.close();
});

const as =
  (acct: { apiKey: string; apiSecret: string }) =>
  (path: string, params: Record<string, unknown> = {}) =>
    post(sim.restUrl, path, params, { apiKey: acct.apiKey, apiSecret: acct.apiSecret });
const alice = as(A);
const bob = as(B);
const newOrder = (params: Record<string, unknown>) => alice('/api/v4/order/new', { market: 'BTC_USDT', ...params });
const obj = (r: RestReply) => r.body as Record<string, unknown>;

describe('public REST', () => {
  beforeEach(() => start());

  it('lists markets with WhiteBIT field names and types', async () => {
    const r = await get(sim.restUrl, '/api/v4/public/markets');
    expect(r.status).toBe(200);
    const list = r.body as Record<string, unknown>[];
    expect(list.map((m) => m.name)).toEqual(['DBTC_DUSDT', 'BTC_USDT', 'ETH_USDT']);
    expect(list[1]).toMatchObject({
      name: 'BTC_USDT',
      stock: 'BTC',
      money: 'USDT',
      stockPrec: '6',
      moneyPrec: '2',
      feePrec: '6',
      makerFee: '0.1',
      takerFee: '0.1',
      minAmount: '0.00001',
      minTotal: '5.05',
      tradesEnabled: true,
      type: 'spot',
    });
  });

  it('answers ticker, assets, time, ping and platform status', async () => {
    const ticker = obj(await get(sim.restUrl, '/api/v4/public/ticker'));
    expect(ticker.BTC_USDT).toMatchObject({ base_id: 1, quote_id: 825, last_price: '64000', isFrozen: false });
    const assets = obj(await get(sim.restUrl, '/api/v4/public/assets'));
    expect(Object.keys(assets)).toEqual(expect.arrayContaining(['BTC', 'USDT', 'DBTC', 'DUSDT', 'ETH']));
    const time = obj(await get(sim.restUrl, '/api/v4/public/time'));
    expect(Number.isInteger(time.time)).toBe(true);
    expect((await get(sim.restUrl, '/api/v4/public/ping')).body).toEqual(['pong']);
    expect((await get(sim.restUrl, '/api/v4/public/platform/status')).body).toEqual({ status: 'system operational' });
  });

  it('serves the order book and trades, and 422 for an unknown market', async () => {
    await bob('/api/v4/order/new', { market: 'BTC_USDT', side: 'sell', amount: '0.5', price: '64100' });
    await bob('/api/v4/order/new', { market: 'BTC_USDT', side: 'buy', amount: '0.25', price: '63900.5' });
    const book = obj(await get(sim.restUrl, '/api/v4/public/orderbook/BTC_USDT?limit=5'));
    expect(book).toMatchObject({ ticker_id: 'BTC_USDT', asks: [['64100', '0.5']], bids: [['63900.5', '0.25']] });
    expect(Number.isInteger(book.timestamp)).toBe(true);
    const grouped = obj(await get(sim.restUrl, '/api/v4/public/orderbook/BTC_USDT?level=2'));
    expect(grouped.bids).toEqual([['63900', '0.25']]);

    await newOrder({ side: 'buy', amount: '0.1', price: '64100' });
    const trades = (await get(sim.restUrl, '/api/v4/public/trades/BTC_USDT')).body as Record<string, unknown>[];
    expect(trades[0]).toMatchObject({ price: '64100', quote_volume: '0.1', base_volume: '6410', type: 'buy' });

    const bad = await get(sim.restUrl, '/api/v4/public/orderbook/NOPE_USDT');
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({ market: ['Market is not available.'] });
    const badLevel = await get(sim.restUrl, '/api/v4/public/orderbook/BTC_USDT?level=x');
    expect(badLevel.body).toEqual({ level: ['The level must be an integer.'] });
  });

  it('answers an unknown route with 404 and an empty body', async () => {
    const r = await get(sim.restUrl, '/api/v4/public/nothing');
    expect(r.status).toBe(404);
    expect(r.text).toBe('');
    const p = await alice('/api/v4/nothing');
    expect(p.status).toBe(404);
    expect(p.text).toBe('');
  });
});

describe('orders over REST', () => {
  beforeEach(() => start());

  it('places a resting order, freezes quote, and reports it in the current shape', async () => {
    const r = await newOrder({ side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'g-1' });
    expect(r.status).toBe(200);
    const o = obj(r);
    expect(o).toMatchObject({
      clientOrderId: 'g-1',
      market: 'BTC_USDT',
      side: 'buy',
      type: 'limit',
      dealMoney: '0',
      dealStock: '0',
      amount: '0.01',
      left: '0.01',
      dealFee: '0',
      price: '60000',
      postOnly: false,
      ioc: false,
      status: 'NEW',
      stp: 'no',
    });
    expect(Number.isInteger(o.orderId)).toBe(true);
    expect(typeof o.timestamp).toBe('number');
    expect(o.feeAsset).toBeUndefined();
    expect((await alice('/api/v4/trade-account/balance', { ticker: 'USDT' })).body).toEqual({ available: '99400', freeze: '600' });
    const all = obj(await alice('/api/v4/trade-account/balance'));
    expect(all.USDT).toEqual({ available: '99400', freeze: '600' });
    expect(all.ETH).toBeUndefined(); // zero balances are not listed
    expect((await alice('/api/v4/trade-account/balance', { ticker: 'XYZ' })).body).toMatchObject({
      code: 30,
      errors: { ticker: ['Currency was not found.'] },
    });
  });

  it('fills a crossing order synchronously at the maker price with fees in the received asset', async () => {
    await bob('/api/v4/order/new', { market: 'BTC_USDT', side: 'sell', amount: '0.3', price: '64000' });
    const r = obj(await newOrder({ side: 'buy', amount: '0.5', price: '64500', clientOrderId: 'take-1' }));
    // 0.3 filled at the maker's 64000; the rest rests at 64500.
    expect(r).toMatchObject({ dealStock: '0.3', dealMoney: '19200', left: '0.2', dealFee: '0.0003', feeAsset: 'BTC', status: 'PARTIALLY_FILLED' });
    const bal = obj(await alice('/api/v4/trade-account/balance'));
    // Frozen 0.2 × 64500 for the rest; paid 19200; the 0.3 × 500 price improvement came back.
    expect(bal.USDT).toEqual({ available: '67900', freeze: '12900' });
    expect(bal.BTC).toEqual({ available: '2.2997', freeze: '0' });
    const bobBal = obj(await bob('/api/v4/trade-account/balance'));
    expect(bobBal.USDT).toEqual({ available: '119180.8', freeze: '0' }); // 19200 - 0.1 % fee in USDT
    expect(sim.state.feesCollected()).toEqual({ BTC: '0.0003', USDT: '19.2' });
  });

  it('answers WhiteBIT validation errors with the same codes and error maps', async () => {
    const cases: [Record<string, unknown>, number, number, Record<string, string[]>][] = [
      [
        { market: undefined },
        422,
        30,
        {
          amount: ['Amount field is required.'],
          market: ['Market field is required.'],
          price: ['Price field is required.'],
          side: ['Side field is required.'],
        },
      ],
      [{ market: 'NOPE_USDT', side: 'buy', amount: '1', price: '1' }, 422, 31, { market: ['Market is not available.'] }],
      [{ side: 'hold', amount: '1', price: '1' }, 422, 30, { side: ["Side field should contain only 'buy' or 'sell' values."] }],
      [{ side: 'buy', amount: 'x', price: '1' }, 422, 32, { amount: ['Amount field should be numeric string or number.'] }],
      [{ side: 'buy', amount: '0.0000001', price: '60000' }, 422, 32, { amount: ['Min amount step = 0.000001'] }],
      [{ side: 'buy', amount: '0.01', price: '60000.001' }, 422, 33, { price: ['Min price step = 0.01'] }],
      [{ side: 'buy', amount: '0.000001', price: '60000' }, 422, 32, { amount: ['Given amount is less than min amount 0.00001'] }],
      [{ side: 'buy', amount: '0.00001', price: '60000' }, 422, 30, { total: ['Total(amount * price) is less than 5.05'] }],
      [{ side: 'buy', amount: '200', price: '60000' }, 422, 30, { total: ['Total(amount * price) is greater than 10000000'] }],
      [{ side: 'buy', amount: '10', price: '60000' }, 400, 10, { amount: ['Not enough balance.'] }],
      [{ side: 'buy', amount: '0.01', price: '60000', ioc: true, postOnly: true }, 422, 37, { ioc: ['Either IOC or PostOnly flag in true state is allowed.'] }],
      [
        { side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'bad id!' },
        422,
        36,
        { clientOrderId: ['ClientOrderId field should contain only latin letters, numbers and dashes.'] },
      ],
    ];
    for (const [params, status, code, errors] of cases) {
      const r = await newOrder(params);
      expect({ params, status: r.status, body: r.body }).toEqual({
        params,
        status,
        body: { code, message: status === 400 ? 'Inner validation failed' : 'Validation failed', errors },
      });
    }
  });

  it('keeps clientOrderId unique among open orders per market, reusable once finished', async () => {
    expect((await newOrder({ side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'dup' })).status).toBe(200);
    const dup = await newOrder({ side: 'buy', amount: '0.01', price: '59000', clientOrderId: 'dup' });
    expect(dup.status).toBe(422);
    expect(dup.body).toEqual({
      code: 36,
      message: 'Validation failed',
      errors: { clientOrderId: ['This client order id is already used by the current account.'] },
    });
    // Another market may use it at the same time.
    expect((await alice('/api/v4/order/new', { market: 'DBTC_DUSDT', side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'dup' })).status).toBe(200);
    expect((await alice('/api/v4/order/cancel', { market: 'BTC_USDT', clientOrderId: 'dup' })).status).toBe(200);
    expect((await newOrder({ side: 'buy', amount: '0.01', price: '59000', clientOrderId: 'dup' })).status).toBe(200);
  });

  it('rejects a post-only order that would take with 400 code 13, and cancels an IOC remainder', async () => {
    await bob('/api/v4/order/new', { market: 'BTC_USDT', side: 'sell', amount: '0.1', price: '64000' });
    const po = await newOrder({ side: 'buy', amount: '0.1', price: '64000', postOnly: true });
    expect(po.status).toBe(400);
    expect(po.body).toEqual({
      code: 13,
      message: 'Inner validation failed',
      errors: { postOnly: ["This order couldn't be executed as a maker order and was canceled."] },
    });
    const ioc = obj(await newOrder({ side: 'buy', amount: '0.25', price: '64000', ioc: true }));
    expect(ioc).toMatchObject({ dealStock: '0.1', left: '0.15', status: 'CANCELED', ioc: true });
    expect((await alice('/api/v4/trade-account/balance', { ticker: 'USDT' })).body).toEqual({ available: '93600', freeze: '0' });
  });

  it('places a bulk with per-item results and honours stopOnFail', async () => {
    const orders = [
      { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'b-1' },
      { market: 'BTC_USDT', side: 'buy', amount: '100', price: '60000', clientOrderId: 'b-2' },
      { market: 'BTC_USDT', side: 'sell', amount: '0.01', price: '70000', clientOrderId: 'b-3' },
    ];
    const r = await alice('/api/v4/order/bulk', { orders });
    expect(r.status).toBe(200);
    const items = r.body as { result: Record<string, unknown> | null; error: Record<string, unknown> | null }[];
    expect(items).toHaveLength(3);
    expect(items[0]?.result?.clientOrderId).toBe('b-1');
    expect(items[0]?.error).toBeNull();
    expect(items[1]).toEqual({ result: null, error: { code: 10, message: 'Inner validation failed', errors: { amount: ['Not enough balance.'] } } });
    expect(items[2]?.result?.side).toBe('sell');
    expect(items[0]?.result?.timestamp).toBe(items[2]?.result?.timestamp); // one engine timestamp

    const stopped = (await alice('/api/v4/order/bulk', { orders: orders.map((o) => ({ ...o, clientOrderId: `${o.clientOrderId}x` })), stopOnFail: true }))
      .body as unknown[];
    expect(stopped).toHaveLength(2);
    expect(
      sim.state
        .orders('alice')
        .map((o) => o.clientOrderId)
        .sort(),
    ).toEqual(['b-1', 'b-1x', 'b-3']);

    const notArray = await alice('/api/v4/order/bulk', { orders: 'x' });
    expect(notArray.body).toEqual({ code: 30, message: 'Validation failed', errors: { orders: ['The orders must be an array.'] } });
    const tooMany = await alice('/api/v4/order/bulk', { orders: Array.from({ length: 21 }, () => orders[0]) });
    expect(tooMany.status).toBe(422);
  });

  it('cancels by orderId and clientOrderId, 400 code 2 when not open', async () => {
    const o = obj(await newOrder({ side: 'buy', amount: '0.01', price: '60000', clientOrderId: 'c-1' }));
    const c = await alice('/api/v4/order/cancel', { market: 'BTC_USDT', orderId: o.orderId });
    expect(obj(c)).toMatchObject({ orderId: o.orderId, status: 'CANCELED', left: '0.01' });
    const again = await alice('/api/v4/order/cancel', { market: 'BTC_USDT', orderId: o.orderId });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ code: 2, message: 'Inner validation failed', errors: { orderId: ['Unexecuted order was not found.'] } });
    const missing = await alice('/api/v4/order/cancel', {});
    expect(missing.body).toEqual({
      code: 30,
      message: 'Validation failed',
      errors: { market: ['Market field is required.'], orderId: ['OrderId field is required.'] },
    });
    const both = await alice('/api/v4/order/cancel', { market: 'BTC_USDT', orderId: 1, clientOrderId: 'x' });
    expect(both.status).toBe(422);
    // Someone else's order is not found either.
    const theirs = obj(await bob('/api/v4/order/new', { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '60000' }));
    expect((await alice('/api/v4/order/cancel', { market: 'BTC_USDT', orderId: theirs.orderId })).status).toBe(400);
  });

  it('cancels all by market and type; without market everything', async () => {
    await newOrder({ side: 'buy', amount: '0.01', price: '60000' });
    await newOrder({ side: 'buy', amount: '0.01', price: '60001' });
    await alice('/api/v4/order/new', { market: 'DBTC_DUSDT', side: 'buy', amount: '0.01', price: '60000' });
    expect((await alice('/api/v4/order/cancel/all', { market: 'BTC_USDT', type: ['margin'] })).body).toEqual([]);
    expect(sim.state.orders('alice')).toHaveLength(3);
    expect((await alice('/api/v4/order/cancel/all', { market: 'BTC_USDT', type: ['spot'] })).body).toEqual([]);
    expect(sim.state.orders('alice').map((o) => o.market)).toEqual(['DBTC_DUSDT']);
    expect((await alice('/api/v4/order/cancel/all', { type: 'spot' })).body).toEqual({
      code: 30,
      message: 'Validation failed',
      errors: { type: ['The type must be an array.'] },
    });
    expect((await alice('/api/v4/order/cancel/all', { market: 'NOPE_X' })).body).toMatchObject({ code: 31 });
    expect((await alice('/api/v4/order/cancel/all')).body).toEqual([]);
    expect(sim.state.orders('alice')).toEqual([]);
  });

  it('pages active orders', async () => {
    for (let i = 0; i < 5; i++) await newOrder({ side: 'buy', amount: '0.01', price: String(60000 + i), clientOrderId: `p-${i}` });
    const page1 = (await alice('/api/v4/orders', { market: 'BTC_USDT', limit: 2 })).body as Record<string, unknown>[];
    const page3 = (await alice('/api/v4/orders', { market: 'BTC_USDT', limit: 2, offset: 4 })).body as Record<string, unknown>[];
    expect(page1.map((o) => o.clientOrderId)).toEqual(['p-4', 'p-3']);
    expect(page3.map((o) => o.clientOrderId)).toEqual(['p-0']);
    const one = (await alice('/api/v4/orders', { market: 'BTC_USDT', clientOrderId: 'p-2' })).body as Record<string, unknown>[];
    expect(one).toHaveLength(1);
    expect((await alice('/api/v4/orders', { limit: 101 })).body).toEqual({
      code: 30,
      message: 'Validation failed',
      errors: { limit: ['The limit may not be greater than 100.'] },
    });
  });

  it('reports executed history (shape by market), deals of one order and finished orders', async () => {
    const maker = obj(await bob('/api/v4/order/new', { market: 'BTC_USDT', side: 'sell', amount: '0.2', price: '64000', clientOrderId: 'm-1' }));
    const taker = obj(await newOrder({ side: 'buy', amount: '0.1', price: '64000', clientOrderId: 't-1' }));
    const flat = (await alice('/api/v4/trade-account/executed-history', { market: 'BTC_USDT' })).body as Record<string, unknown>[];
    expect(flat).toHaveLength(1);
    expect(flat[0]).toMatchObject({
      clientOrderId: 't-1',
      side: 'buy',
      role: 2,
      amount: '0.1',
      price: '64000',
      deal: '6400',
      fee: '0.0001',
      orderId: taker.orderId,
      feeAsset: 'BTC',
    });
    const keyed = obj(await bob('/api/v4/trade-account/executed-history'));
    expect(Object.keys(keyed)).toEqual(['BTC_USDT']);
    expect((keyed.BTC_USDT as Record<string, unknown>[])[0]).toMatchObject({ role: 1, side: 'sell', fee: '6.4', feeAsset: 'USDT' });
    const missing = await alice('/api/v4/trade-account/executed-history', { clientOrderId: 'nope' });
    expect(missing.body).toEqual({ code: 30, message: 'Validation failed', errors: { orderHistory: ['OrderHistory was not found.'] } });

    const deals = obj(await bob('/api/v4/trade-account/order', { orderId: maker.orderId }));
    expect(deals).toMatchObject({ offset: 0, limit: 50 });
    expect((deals.records as Record<string, unknown>[])[0]).toMatchObject({ dealOrderId: taker.orderId, role: 1, amount: '0.1', clientOrderId: 'm-1' });
    expect(obj(await alice('/api/v4/trade-account/order', { orderId: maker.orderId })).records).toEqual([]);

    const history = obj(await alice('/api/v4/trade-account/order/history', { market: 'BTC_USDT' }));
    expect((history.BTC_USDT as Record<string, unknown>[])[0]).toMatchObject({ id: taker.orderId, clientOrderId: 't-1', status: 'FILLED', dealStock: '0.1' });
    await bob('/api/v4/order/cancel', { market: 'BTC_USDT', orderId: maker.orderId });
    const bobHistory = obj(await bob('/api/v4/trade-account/order/history', { clientOrderId: 'm-1' }));
    expect((bobHistory.BTC_USDT as Record<string, unknown>[])[0]).toMatchObject({ status: 'CANCELED', dealStock: '0.1', amount: '0.2' });
  });
});

describe('kill-switch over REST', () => {
  beforeEach(() => start({ clock: 'manual' }));

  it('arms per market, lists active timers, and cancels the covered orders on expiry', async () => {
    await newOrder({ side: 'buy', amount: '0.01', price: '60000' });
    await alice('/api/v4/order/new', { market: 'DBTC_DUSDT', side: 'buy', amount: '0.01', price: '60000' });
    const armed = obj(await alice('/api/v4/order/kill-switch', { market: 'BTC_USDT', timeout: '10', types: ['spot'] }));
    expect(armed).toMatchObject({ market: 'BTC_USDT', types: ['spot'] });
    expect(armed.cancellationTime).toBe((armed.startTime as number) + 10);
    const status = (await alice('/api/v4/order/kill-switch/status')).body as unknown[];
    expect(status).toEqual([armed]);

    sim.advance(9_000);
    expect(sim.state.orders('alice')).toHaveLength(2);
    // Refreshing re-arms from now.
    await alice('/api/v4/order/kill-switch', { market: 'BTC_USDT', timeout: '10' });
    sim.advance(9_000);
    expect(sim.state.orders('alice')).toHaveLength(2);
    sim.advance(1_000);
    expect(sim.state.orders('alice').map((o) => o.market)).toEqual(['DBTC_DUSDT']);
    expect((await alice('/api/v4/order/kill-switch/status')).body).toEqual([]);
  });

  it('deletes with timeout null and validates the timeout', async () => {
    await alice('/api/v4/order/kill-switch', { market: 'BTC_USDT', timeout: '30' });
    expect((await alice('/api/v4/order/kill-switch', { market: 'BTC_USDT', timeout: null })).body).toEqual([]);
    expect((await alice('/api/v4/order/kill-switch/status', { market: 'BTC_USDT' })).body).toEqual([]);
    expect((await alice('/api/v4/order/kill-switch', { market: 'BTC_USDT', timeout: '4' })).body).toEqual({
      code: 30,
      message: 'Validation failed',
      errors: { timeout: ['Timeout should be at least 5.'] },
    });
    expect((await alice('/api/v4/order/kill-switch', { market: 'BTC_USDT', timeout: '601' })).status).toBe(422);
    expect((await alice('/api/v4/order/kill-switch', {})).body).toEqual({
      code: 30,
      message: 'Validation failed',
      errors: { market: ['Market field is required.'], timeout: ['Timeout field is required.'] },
    });
    expect((await alice('/api/v4/order/kill-switch', { market: 'NOPE_X', timeout: '10' })).body).toMatchObject({ code: 31 });
  });
});

describe('authentication', () => {
  beforeEach(() => start({ clock: 'manual' }));
  const path = '/api/v4/trade-account/balance';
  const sign = { apiKey: A.apiKey, apiSecret: A.apiSecret };

  it('checks headers, key, payload, signature and request in that order', async () => {
    const noKey = await post(sim.restUrl, path, {}, { ...sign, headers: { 'x-txc-apikey': undefined } });
    expect(noKey.status).toBe(401);
    const unknown = await post(sim.restUrl, path, {}, { apiKey: 'nope', apiSecret: 'x' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ code: 0, errors: {}, message: 'This action is unauthorized.' });
    const mismatch = await post(sim.restUrl, path, {}, { ...sign, bodyOverride: '{"request":"/api/v4/trade-account/balance","nonce":1} ' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toEqual({ code: 9, message: 'Invalid payload.' });
    const badSig = await post(sim.restUrl, path, {}, { apiKey: A.apiKey, apiSecret: 'wrong' });
    expect(badSig.status).toBe(401);
    expect(badSig.body).toEqual({ code: 10, message: 'Unauthorized request.' });
    // A bad signature AND a bad payload: the payload check comes first.
    const both = await post(sim.restUrl, path, {}, { apiKey: A.apiKey, apiSecret: 'wrong', bodyOverride: '{}' });
    expect(both.body).toEqual({ code: 9, message: 'Invalid payload.' });
    const wrongRequest = await post(sim.restUrl, path, {}, { ...sign, requestField: '/api/v4/orders' });
    expect(wrongRequest.status).toBe(400);
  });

  it('rejects a nonce that is not greater than the last one with JSON 429', async () => {
    const n = nextNonce();
    expect((await post(sim.restUrl, path, {}, { ...sign, nonce: n })).status).toBe(200);
    const replay = await post(sim.restUrl, path, {}, { ...sign, nonce: n });
    expect(replay.status).toBe(429);
    expect(replay.contentType).toContain('application/json');
    expect(replay.body).toEqual({ code: 0, errors: {}, message: 'Too many requests.' });
    expect((await post(sim.restUrl, path, {}, { ...sign, nonce: n - 1 })).status).toBe(429);
    expect((await post(sim.restUrl, path, {}, { ...sign, nonce: String(n + 1) })).status).toBe(200);
    // Nonce state is per key.
    expect((await post(sim.restUrl, path, {}, { apiKey: B.apiKey, apiSecret: B.apiSecret, nonce: 5 })).status).toBe(200);
  });

  it('in nonceWindow mode accepts out-of-order nonces within ±5 s once each', async () => {
    const now = sim.clock.now();
    const w = { ...sign, nonceWindow: true };
    expect((await post(sim.restUrl, path, {}, { ...w, nonce: now + 10 })).status).toBe(200);
    expect((await post(sim.restUrl, path, {}, { ...w, nonce: now - 10 })).status).toBe(200);
    expect((await post(sim.restUrl, path, {}, { ...w, nonce: now + 10 })).status).toBe(429);
    const stale = await post(sim.restUrl, path, {}, { ...w, nonce: now - 6_000 });
    expect(stale.status).toBe(429);
    sim.advance(20_000);
    expect((await post(sim.restUrl, path, {}, { ...w, nonce: now + 10 })).status).toBe(429);
    expect((await post(sim.restUrl, path, {}, { ...w, nonce: sim.clock.now() })).status).toBe(200);
    const notBool = await post(sim.restUrl, path, {}, { ...sign, nonceWindow: 'yes' as unknown as boolean });
    expect(notBool.status).toBe(400);
  });
});

describe('rate limits', () => {
  beforeEach(() => start({ clock: 'manual', rateLimits: { 'public-orderbook': { limit: 3, windowMs: 10_000 } } }));

  it('limits websocket_token to 10 per minute with a non-JSON 429', async () => {
    for (let i = 0; i < 10; i++) expect((await alice('/api/v4/profile/websocket_token')).status).toBe(200);
    const r = await alice('/api/v4/profile/websocket_token');
    expect(r.status).toBe(429);
    expect(r.contentType).toBe('text/html');
    expect(r.text).toContain('429 Too Many Requests');
    sim.advance(60_000);
    expect((await alice('/api/v4/profile/websocket_token')).status).toBe(200);
  });

  it('applies per-endpoint overrides and resets after the window', async () => {
    for (let i = 0; i < 3; i++) expect((await get(sim.restUrl, '/api/v4/public/orderbook/BTC_USDT')).status).toBe(200);
    expect((await get(sim.restUrl, '/api/v4/public/orderbook/BTC_USDT')).status).toBe(429);
    expect((await get(sim.restUrl, '/api/v4/public/markets')).status).toBe(200);
    sim.advance(10_000);
    expect((await get(sim.restUrl, '/api/v4/public/orderbook/BTC_USDT')).status).toBe(200);
  });
});
