/**
 * Conformance, REST: public market data and the order endpoints, driven through
 * WhitebitRestClient against the simulator over real sockets (issue 3).
 * @see whitebit-protocol.md §3, §4.2–§4.6, §4.9
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WbNewOrderRequest, retryClass, serverTimeMs } from '../../../src/adapters/whitebit/index.js';
import { type Conformance, rejection, startConformance } from './harness.js';

let h: Conformance;
beforeEach(async () => {
  h = await startConformance();
});
afterEach(async () => {
  await h.close();
});

const BTC = 'BTC_USDT';
/** Below the house's best bid (63968): rests. */
const restingBuy = (price: string, clientOrderId?: string): WbNewOrderRequest => ({
  market: BTC,
  side: 'buy',
  amount: '0.001',
  price,
  ...(clientOrderId === undefined ? {} : { clientOrderId }),
});

describe('public endpoints', () => {
  it('markets lists every market with WhiteBIT field types', async () => {
    const markets = await h.client.publicMarkets();
    expect(markets.map((m) => m.name).sort()).toEqual(['BTC_USDT', 'DBTC_DUSDT', 'ETH_USDT']);
    expect(markets.find((m) => m.name === BTC)).toMatchObject({
      stock: 'BTC',
      money: 'USDT',
      stockPrec: '6',
      moneyPrec: '2',
      minAmount: '0.00001',
      minTotal: '5.05',
      makerFee: '0.1',
      takerFee: '0.1',
      tradesEnabled: true,
      type: 'spot',
    });
  });

  it('ticker is keyed by market and carries the last price', async () => {
    const ticker = await h.client.publicTicker();
    expect(Object.keys(ticker).sort()).toEqual(['BTC_USDT', 'DBTC_DUSDT', 'ETH_USDT']);
    expect(ticker[BTC]).toMatchObject({ last_price: h.sim.state.lastPrice(BTC), isFrozen: false });
  });

  it('orderbook honours limit, sorts asks up and bids down, and names an unknown market', async () => {
    const book = await h.client.publicOrderbook(BTC, { limit: 3 });
    expect(book.ticker_id).toBe(BTC);
    expect(book.asks).toEqual(h.sim.state.book(BTC, 3).asks);
    expect(book.bids).toEqual(h.sim.state.book(BTC, 3).bids);
    expect(book.asks).toHaveLength(3);
    const askPrices = book.asks.map(([p]) => Number(p));
    const bidPrices = book.bids.map(([p]) => Number(p));
    expect(askPrices).toEqual([...askPrices].sort((a, b) => a - b));
    expect(bidPrices).toEqual([...bidPrices].sort((a, b) => b - a));
    expect(bidPrices[0]).toBeLessThan(askPrices[0] as number);
    expect(book.timestamp).toBe(Math.floor(h.sim.clock.now() / 1000));

    const e = await rejection(h.client.publicOrderbook('NOPE_USDT'));
    expect(e).toMatchObject({ kind: 'unknownMarket', status: 422 });
    expect(retryClass(e)).toBe('never');
  });

  it('time is the server clock and ping answers pong', async () => {
    const t = await h.client.publicTime();
    expect(serverTimeMs(t)).toBe(Math.floor(h.sim.clock.now() / 1000) * 1000);
    expect(await h.client.publicPing()).toEqual(['pong']);
  });
});

describe('order/new', () => {
  it('rests a non-marketable order and echoes the request', async () => {
    const o = await h.client.orderNew(restingBuy('60000', 'c-rest-1'));
    expect(o).toMatchObject({
      clientOrderId: 'c-rest-1',
      market: BTC,
      side: 'buy',
      type: 'limit',
      amount: '0.001',
      left: '0.001',
      dealStock: '0',
      dealMoney: '0',
      price: '60000',
      postOnly: false,
      ioc: false,
    });
    expect(Number.isSafeInteger(o.orderId)).toBe(true);
    expect(h.sim.state.orders(h.sim.accountId).map((x) => x.id)).toEqual([o.orderId]);
  });

  it('fills a marketable order inside the call', async () => {
    const bestAsk = h.sim.state.book(BTC, 1).asks[0]?.[0] as string;
    const o = await h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '64100', clientOrderId: 'c-take-1' });
    expect(o).toMatchObject({ left: '0', dealStock: '0.001', amount: '0.001' });
    expect(Number(o.dealMoney)).toBeCloseTo(Number(bestAsk) * 0.001, 8);
    expect(Number(o.dealFee)).toBeGreaterThan(0);
    expect(h.sim.state.orders(h.sim.accountId)).toEqual([]);
    expect(h.sim.state.fills(h.sim.accountId)[0]).toMatchObject({ orderId: o.orderId, price: bestAsk });
  });

  it('rejects a crossing post-only order as postOnlyRejected (400, code 13)', async () => {
    const e = await rejection(h.client.orderNew({ market: BTC, side: 'buy', amount: '0.001', price: '64100', postOnly: true }));
    expect(e).toMatchObject({ kind: 'postOnlyRejected', status: 400, code: 13 });
    expect(e.errors.postOnly).toHaveLength(1);
    expect(retryClass(e)).toBe('never');
    expect(h.sim.state.orders(h.sim.accountId)).toEqual([]);
  });

  it('rejects an order beyond the balance as notEnoughBalance (code 10)', async () => {
    const e = await rejection(h.client.orderNew({ market: BTC, side: 'buy', amount: '10', price: '60000' }));
    expect(e).toMatchObject({ kind: 'notEnoughBalance', code: 10, errors: { amount: ['Not enough balance.'] } });
    expect(retryClass(e)).toBe('never');
  });

  it('rejects an unknown market as unknownMarket (422, code 31)', async () => {
    const e = await rejection(h.client.orderNew({ market: 'NOPE_USDT', side: 'buy', amount: '1', price: '1' }));
    expect(e).toMatchObject({ kind: 'unknownMarket', status: 422, code: 31, errors: { market: ['Market is not available.'] } });
  });

  it.each([
    ['amount precision', { amount: '0.0000001', price: '60000' }, 32, { amount: ['Min amount step = 0.000001'] }],
    ['price precision', { amount: '0.001', price: '60000.001' }, 33, { price: ['Min price step = 0.01'] }],
    ['min amount', { amount: '0.000001', price: '60000' }, 32, { amount: ['Given amount is less than min amount 0.00001'] }],
    ['min total', { amount: '0.00005', price: '60000' }, 30, { total: ['Total(amount * price) is less than 5.05'] }],
  ])('rejects %s with the right code and errors map', async (_name, fields, code, errors) => {
    const e = await rejection(h.client.orderNew({ market: BTC, side: 'buy', ...fields }));
    expect(e).toMatchObject({ kind: 'rejected', status: 422, code, errors });
    expect(retryClass(e)).toBe('never');
  });
});

describe('order/bulk', () => {
  it('answers one result per item, in order, with a failing item as a value', async () => {
    const results = await h.client.orderBulk({
      orders: [
        restingBuy('60000', 'b-1'),
        { market: BTC, side: 'buy', amount: '5', price: '60000', clientOrderId: 'b-2' },
        { market: BTC, side: 'sell', amount: '0.001', price: '70000', clientOrderId: 'b-3' },
      ],
    });
    expect(results.map((r) => r.status)).toEqual(['placed', 'rejected', 'placed']);
    const [first, second, third] = results;
    expect(first?.status === 'placed' && first.order.clientOrderId).toBe('b-1');
    expect(third?.status === 'placed' && third.order.clientOrderId).toBe('b-3');
    expect(second?.status === 'rejected' && second.error).toMatchObject({ kind: 'notEnoughBalance', code: 10 });
    expect(
      h.sim.state
        .orders(h.sim.accountId)
        .map((o) => o.clientOrderId)
        .sort(),
    ).toEqual(['b-1', 'b-3']);
  });

  it('maps per-item engine and validation codes like order/new does', async () => {
    const results = await h.client.orderBulk({
      orders: [
        { market: BTC, side: 'buy', amount: '0.001', price: '64100', postOnly: true },
        { market: BTC, side: 'buy', amount: '0.0000001', price: '60000' },
        { market: BTC, side: 'sell', amount: '2', price: '70000' },
      ],
    });
    expect(results.map((r) => (r.status === 'rejected' ? [r.error.kind, r.error.code] : r.status))).toEqual([
      ['postOnlyRejected', 13],
      ['rejected', 32],
      ['notEnoughBalance', 10],
    ]);
    const unknown = await h.client.orderBulk({ orders: [{ market: 'NOPE_USDT', side: 'buy', amount: '1', price: '1' }] });
    expect(unknown[0]?.status === 'rejected' && unknown[0].error).toMatchObject({ kind: 'unknownMarket', code: 31 });
  });

  it('with stopOnFail reports the items after the failure as skipped', async () => {
    const results = await h.client.orderBulk({
      orders: [restingBuy('60000', 's-1'), { market: BTC, side: 'buy', amount: '5', price: '60000' }, restingBuy('59000', 's-3')],
      stopOnFail: true,
    });
    expect(results.map((r) => r.status)).toEqual(['placed', 'rejected', 'skipped']);
    expect(h.sim.state.orders(h.sim.accountId).map((o) => o.clientOrderId)).toEqual(['s-1']);
  });
});

describe('order/cancel', () => {
  it('cancels by orderId, then a second cancel is orderNotFound (400, code 2)', async () => {
    const o = await h.client.orderNew(restingBuy('60000'));
    const c = await h.client.orderCancel({ market: BTC, orderId: o.orderId });
    expect(c).toMatchObject({ orderId: o.orderId, left: '0.001', dealStock: '0' });
    const e = await rejection(h.client.orderCancel({ market: BTC, orderId: o.orderId }));
    expect(e).toMatchObject({ kind: 'orderNotFound', status: 400, code: 2 });
    expect(retryClass(e)).toBe('never');
  });

  it('cancels by clientOrderId, then a second cancel is orderNotFound', async () => {
    const o = await h.client.orderNew(restingBuy('60000', 'cx-1'));
    const c = await h.client.orderCancel({ market: BTC, clientOrderId: 'cx-1' });
    expect(c).toMatchObject({ orderId: o.orderId, clientOrderId: 'cx-1' });
    expect(h.sim.state.orders(h.sim.accountId)).toEqual([]);
    const e = await rejection(h.client.orderCancel({ market: BTC, clientOrderId: 'cx-1' }));
    expect(e.kind).toBe('orderNotFound');
  });

  it('cancel/all with market and type spot leaves another market alone', async () => {
    await h.client.orderNew(restingBuy('60000'));
    await h.client.orderNew(restingBuy('59000'));
    const eth = await h.client.orderNew({ market: 'ETH_USDT', side: 'buy', amount: '0.01', price: '3000' });
    await h.client.orderCancelAll({ market: BTC, type: ['spot'] });
    expect(await h.client.orders({ market: BTC })).toEqual([]);
    expect((await h.client.orders({ market: 'ETH_USDT' })).map((o) => o.orderId)).toEqual([eth.orderId]);
  });
});

describe('orders (active, paged)', () => {
  it('pages with offset/limit; a short page is the last', async () => {
    const placed: number[] = [];
    for (let i = 0; i < 5; i++) placed.push((await h.client.orderNew(restingBuy(String(60000 - i * 100), `p-${i}`))).orderId);
    const page1 = await h.client.orders({ market: BTC, limit: 2, offset: 0 });
    const page2 = await h.client.orders({ market: BTC, limit: 2, offset: 2 });
    const page3 = await h.client.orders({ market: BTC, limit: 2, offset: 4 });
    expect([page1.length, page2.length, page3.length]).toEqual([2, 2, 1]);
    const seen = [...page1, ...page2, ...page3].map((o) => o.orderId);
    expect(new Set(seen).size).toBe(5);
    expect([...seen].sort()).toEqual([...placed].sort());
    expect(await h.client.orders({ market: BTC, limit: 2, offset: 6 })).toEqual([]);
    const one = await h.client.orders({ market: BTC, clientOrderId: 'p-3' });
    expect(one.map((o) => o.orderId)).toEqual([placed[3]]);
  });
});
