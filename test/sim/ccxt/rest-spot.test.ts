/**
 * ccxt conformance, the REST calls that need issue 16's new endpoints (v1 ticker, modify, market
 * orders, market fees, the public-trades field names, kill-switch "null").
 * @see whitebit-protocol-2.md §2.1–§2.8
 */
import ccxt from 'ccxt';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { START_BALANCES, TRADER, dec, idOf, info, ccxtPerTest } from './support.js';

const BTC = 'BTC/USDT';

const h = ccxtPerTest();

/** One side of the house book, best first, as decimals. */
const side = (s: 'asks' | 'bids', n: number): [Decimal, Decimal][] => h.sim.state.book('BTC_USDT', n)[s].map(([p, a]) => [new Decimal(p), new Decimal(a)]);

/** Buys `amount` from the best ask (which must hold it); returns the trade price. */
async function buyAtBestAsk(amount: string): Promise<Decimal> {
  const [[price, size]] = side('asks', 1) as [[Decimal, Decimal]];
  expect(size.greaterThanOrEqualTo(amount)).toBe(true);
  await h.rest.createOrder(BTC, 'limit', 'buy', Number(amount), price.toNumber());
  return price;
}

async function balance(code: string): Promise<{ free: Decimal; used: Decimal }> {
  const b = await h.rest.fetchBalance();
  return { free: dec(b[code]?.free), used: dec(b[code]?.used) };
}

/** Σ fee of one order's fills, as fetchOrderTrades reports them. */
async function feesOf(id: string): Promise<Decimal> {
  const trades = await h.rest.fetchOrderTrades(id, BTC);
  return trades.reduce((sum, t) => sum.plus(dec(t.fee?.cost)), new Decimal(0));
}

describe('public market data', () => {
  it('fetchTicker (v1): last, best bid and ask, and the day volume in base and quote', async () => {
    const price = await buyAtBestAsk('0.01');
    const t = await h.rest.fetchTicker(BTC);
    const [[bid]] = side('bids', 1) as [[Decimal, Decimal]];
    const [[ask]] = side('asks', 1) as [[Decimal, Decimal]];
    expect(t).toMatchObject({ symbol: BTC, last: price.toNumber(), close: price.toNumber(), bid: bid.toNumber(), ask: ask.toNumber(), baseVolume: 0.01 });
    expect(dec(t.quoteVolume).eq(price.times('0.01'))).toBe(true);
  });

  it('fetchTicker of a market the simulator does not list is BadSymbol', async () => {
    await expect(h.rest.fetchTicker(BTC, { market: 'DOGE_USDT' })).rejects.toBeInstanceOf(ccxt.BadSymbol);
  });

  it('fetchTrades: amounts in base, the taker side, newest trade included', async () => {
    const price = await buyAtBestAsk('0.01');
    const trades = await h.rest.fetchTrades(BTC);
    expect(trades.at(-1)).toMatchObject({ symbol: BTC, price: price.toNumber(), amount: 0.01, side: 'buy' });
    expect(dec(trades.at(-1)?.cost).eq(price.times('0.01'))).toBe(true);
  });

  it('fetchTradingFees: the maker and taker fee of every market', async () => {
    const fees = await h.rest.fetchTradingFees();
    expect(fees[BTC]).toMatchObject({ symbol: BTC, maker: 0.001, taker: 0.001 });
  });
});

describe('market orders', () => {
  it('createOrder market sell: amount in base, sold into the bids, balance moves by the fills', async () => {
    const o = await h.rest.createOrder(BTC, 'market', 'sell', 0.01);
    expect(o).toMatchObject({ type: 'market', side: 'sell', filled: 0.01 });
    expect(info(o).type).toBe('stock market');
    const fee = await feesOf(idOf(o));
    expect((await balance('BTC')).free.eq(dec(START_BALANCES.BTC).minus('0.01'))).toBe(true);
    expect((await balance('USDT')).free.eq(dec(START_BALANCES.USDT).plus(dec(o.cost)).minus(fee))).toBe(true);
  });

  it('createOrder market buy: amount in base', async () => {
    const o = await h.rest.createOrder(BTC, 'market', 'buy', 0.01);
    expect(o).toMatchObject({ type: 'market', side: 'buy', filled: 0.01 });
    expect((await balance('USDT')).free.eq(dec(START_BALANCES.USDT).minus(dec(o.cost)))).toBe(true);
  });

  it('createMarketBuyOrderWithCost: spends at most the cost in quote; ccxt reports the base bought as amount', async () => {
    const o = await h.rest.createMarketBuyOrderWithCost(BTC, 100);
    expect(info(o).type).toBe('market');
    expect(o.amount).toBe(o.filled);
    expect(dec(o.cost).lessThanOrEqualTo(100)).toBe(true);
    expect(dec(o.cost).greaterThan(99)).toBe(true);
    const fee = await feesOf(idOf(o));
    expect((await balance('USDT')).free.eq(dec(START_BALANCES.USDT).minus(dec(o.cost)))).toBe(true);
    expect((await balance('BTC')).free.eq(dec(START_BALANCES.BTC).plus(dec(o.filled)).minus(fee))).toBe(true);
  });
});

describe('editOrder', () => {
  it('replaces the order: a new id, the same client id, the new amount and price, funds re-frozen', async () => {
    const o = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 60000, { clientOrderId: 'edit-1' });
    const e = await h.rest.editOrder(idOf(o), BTC, 'limit', 'buy', 0.02, 60500);
    expect(e.id).not.toBe(o.id);
    expect(e).toMatchObject({ clientOrderId: 'edit-1', amount: 0.02, price: 60500, remaining: 0.02 });
    expect((await h.rest.fetchOpenOrders(BTC)).map((x) => x.id)).toEqual([e.id]);
    expect((await balance('USDT')).used.eq(1210)).toBe(true);
    expect(h.sim.state.orders(TRADER.id)).toMatchObject([{ id: Number(e.id), clientOrderId: 'edit-1' }]);
  });

  it('an unknown order is OrderNotFound', async () => {
    await expect(h.rest.editOrder('123456789', BTC, 'limit', 'buy', 0.01, 60000)).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  });
});

describe('cancelAllOrdersAfter(0)', () => {
  it('disarms the kill-switch: the orders outlive the old deadline', async () => {
    const o = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 60000);
    await h.rest.cancelAllOrdersAfter(10_000, { symbol: BTC });
    expect(await h.rest.cancelAllOrdersAfter(0, { symbol: BTC })).toEqual([]);
    expect(h.sim.state.killSwitches(TRADER.id)).toEqual([]);
    h.sim.advance(20_000);
    expect((await h.rest.fetchOpenOrders(BTC)).map((x) => x.id)).toEqual([o.id]);
  });
});
