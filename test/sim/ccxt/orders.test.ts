/**
 * ccxt conformance, private REST: ccxt's `whitebit` class places limit and post-only orders, lists,
 * fetches and cancels them, arms the kill-switch, and reads its balance and fills, against the
 * simulator's engine and the seeded house (issue 16). Amounts are base, fills carry their own
 * prices, balances move by exactly the fill, and the exchange's refusals arrive as the ccxt
 * exception classes a trader catches.
 * @see whitebit-protocol-2.md §2.1, §2.2
 */
import ccxt from 'ccxt';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { START_BALANCES, TRADER, dec, idOf, info, ccxtPerTest } from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';

const h = ccxtPerTest();

/** The house's asks, best first, as decimals. */
const asks = (n: number): [Decimal, Decimal][] => h.sim.state.book('BTC_USDT', n).asks.map(([p, a]) => [new Decimal(p), new Decimal(a)]);

/** 0.1 % of one fill, rounded half-up to the market's fee precision (6), as the engine charges it. */
const takerFee = (amount: Decimal): Decimal => amount.times('0.001').toDecimalPlaces(6, Decimal.ROUND_HALF_UP);

/** ccxt's balance of one asset as exact decimals. */
async function balance(code: string): Promise<{ free: Decimal; used: Decimal }> {
  const b = await h.rest.fetchBalance();
  return { free: dec(b[code]?.free), used: dec(b[code]?.used) };
}

describe('limit orders', () => {
  it('a resting limit buy: amounts in base, a ccxt client id, the quote frozen, listed as open', async () => {
    const o = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 60000);
    expect(o).toMatchObject({ symbol: BTC, type: 'limit', side: 'buy', price: 60000, amount: 0.01, filled: 0, remaining: 0.01 });
    // ccxt names every order it places without a client id "ccxt" + 16 hex digits.
    expect(o.clientOrderId).toMatch(/^ccxt[0-9a-f]{16}$/);
    // WhiteBIT's REST status of a resting order is NEW (protocol part 1 §4.2); ccxt has no mapping
    // for it and passes it through as is. fetchOpenOrders below reports such orders as 'open'.
    expect(o.status).toBe('NEW');
    expect(h.sim.state.orders(TRADER.id)).toMatchObject([{ id: Number(o.id), clientOrderId: o.clientOrderId }]);

    const usdt = await balance('USDT');
    expect(usdt.free.eq(dec(START_BALANCES.USDT).minus(600))).toBe(true);
    expect(usdt.used.eq(600)).toBe(true);

    const open = await h.rest.fetchOpenOrders(BTC);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ id: o.id, status: 'open', amount: 0.01, remaining: 0.01, price: 60000 });
    expect(await h.rest.fetchOrder(idOf(o), BTC)).toMatchObject({ id: o.id, clientOrderId: o.clientOrderId, remaining: 0.01 });
  });

  it('a caller-chosen clientOrderId is kept, and a post-only order rests as post-only', async () => {
    const o = await h.rest.createOrder(BTC, 'limit', 'sell', 0.01, 70000, { clientOrderId: 'grid-7', postOnly: true });
    expect(o).toMatchObject({ clientOrderId: 'grid-7', postOnly: true, timeInForce: 'PO', side: 'sell', amount: 0.01 });
    const btc = await balance('BTC');
    expect(btc.free.eq(dec(START_BALANCES.BTC).minus('0.01'))).toBe(true);
    expect(btc.used.eq('0.01')).toBe(true);
  });

  it('a crossing buy takes the asks level by level: each fill at its own price, balances move by exactly the fills', async () => {
    const [[p1, a1], [p2]] = asks(2) as [[Decimal, Decimal], [Decimal, Decimal]];
    const amount = a1.plus('0.01'); // all of the best ask and 0.01 of the next
    const o = await h.rest.createOrder(BTC, 'limit', 'buy', amount.toNumber(), p2.plus(10).toNumber());
    const cost = a1.times(p1).plus(new Decimal('0.01').times(p2));
    const fee = takerFee(a1).plus(takerFee(new Decimal('0.01')));
    expect(o).toMatchObject({ status: 'closed', filled: amount.toNumber(), remaining: 0 });
    expect(dec(o.cost).eq(cost)).toBe(true);
    // The fee is in the asset received (feeAsset BTC); ccxt labels an order's fee with the quote regardless.
    expect(info(o)).toMatchObject({ dealFee: fee.toString(), feeAsset: 'BTC' });

    const trades = await h.rest.fetchMyTrades(BTC);
    expect(trades.map((t) => [t.price, t.amount, t.side, t.takerOrMaker, t.order])).toEqual([
      [p1.toNumber(), a1.toNumber(), 'buy', 'taker', o.id],
      [p2.toNumber(), 0.01, 'buy', 'taker', o.id],
    ]);
    expect(trades.map((t) => [t.fee?.cost, t.fee?.currency])).toEqual([
      [takerFee(a1).toNumber(), 'BTC'],
      [takerFee(new Decimal('0.01')).toNumber(), 'BTC'],
    ]);
    expect((await h.rest.fetchOrderTrades(idOf(o), BTC)).map((t) => [t.price, t.amount]).sort()).toEqual(
      [
        [p1.toNumber(), a1.toNumber()],
        [p2.toNumber(), 0.01],
      ].sort(),
    );

    const btc = await balance('BTC');
    const usdt = await balance('USDT');
    expect(btc.free.eq(dec(START_BALANCES.BTC).plus(amount).minus(fee))).toBe(true);
    expect(usdt.free.eq(dec(START_BALANCES.USDT).minus(cost))).toBe(true);
    expect(usdt.used.eq(0)).toBe(true);
  });

  it('a resting sell filled by the house moves open -> closed, at its own price, as maker', async () => {
    const o = await h.rest.createOrder(BTC, 'limit', 'sell', 0.01, 64100);
    expect((await h.rest.fetchOpenOrders(BTC)).map((x) => x.id)).toEqual([o.id]);
    h.sim.setPrice('BTC_USDT', '64500'); // the house requotes: its bids now cross our ask

    const done = await h.rest.fetchOrder(idOf(o), BTC);
    expect(done).toMatchObject({ id: o.id, status: 'closed', filled: 0.01, price: 64100 });
    expect(await h.rest.fetchOpenOrders(BTC)).toEqual([]);
    const [trade] = await h.rest.fetchMyTrades(BTC);
    expect(trade).toMatchObject({ order: o.id, price: 64100, amount: 0.01, side: 'sell', takerOrMaker: 'maker' });

    const proceeds = new Decimal('641');
    const usdt = await balance('USDT');
    expect(usdt.free.eq(dec(START_BALANCES.USDT).plus(proceeds).minus(proceeds.times('0.001')))).toBe(true);
    expect((await balance('BTC')).free.eq(dec(START_BALANCES.BTC).minus('0.01'))).toBe(true);
  });
  it('an IOC buy takes what the best ask holds and cancels the rest, unfreezing its funds', async () => {
    const [[p1, a1]] = asks(1) as [[Decimal, Decimal]];
    const o = await h.rest.createOrder(BTC, 'limit', 'buy', a1.plus('0.01').toNumber(), p1.toNumber(), { timeInForce: 'IOC' });
    expect(o).toMatchObject({ status: 'canceled', timeInForce: 'IOC', filled: a1.toNumber(), remaining: 0.01 });
    expect(h.sim.state.orders(TRADER.id)).toEqual([]);
    const usdt = await balance('USDT');
    expect(usdt.used.eq(0)).toBe(true);
    expect(usdt.free.eq(dec(START_BALANCES.USDT).minus(a1.times(p1)))).toBe(true);
  });
});

describe('cancel and the order lists', () => {
  it('cancelOrder releases the funds; the order moves from the open list to the closed one', async () => {
    const o = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 60000);
    const c = await h.rest.cancelOrder(idOf(o), BTC);
    expect(c).toMatchObject({ id: o.id, status: 'canceled', filled: 0, remaining: 0.01 });
    expect(await balance('USDT')).toEqual({ free: dec(START_BALANCES.USDT), used: new Decimal(0) });
    expect(await h.rest.fetchOpenOrders(BTC)).toEqual([]);
    expect(await h.rest.fetchOrder(idOf(o), BTC)).toMatchObject({ id: o.id, status: 'canceled', filled: 0 });
    const closed = await h.rest.fetchClosedOrders(BTC);
    expect(closed.map((x) => [x.id, info(x).status])).toEqual([[o.id, 'CANCELED']]);
  });

  it('without a symbol: open orders, fills and cancelAllOrders span every market', async () => {
    const btc = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 60000);
    const eth = await h.rest.createOrder(ETH, 'limit', 'buy', 0.1, 3000);
    const [[ask]] = asks(1) as [[Decimal, Decimal]];
    const taken = await h.rest.createOrder(BTC, 'limit', 'buy', 0.001, ask.toNumber());
    expect((await h.rest.fetchOpenOrders()).map((x) => x.id).sort()).toEqual([btc.id, eth.id].sort());
    expect((await h.rest.fetchMyTrades()).map((t) => [t.symbol, t.order])).toEqual([[BTC, taken.id]]);
    expect(await h.rest.cancelAllOrders()).toEqual([]);
    expect(await h.rest.fetchOpenOrders()).toEqual([]);
  });

  it('fetchOrder needs the symbol: WhiteBIT looks an id up per market only (ExchangeError without it)', async () => {
    const o = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 60000);
    const err: unknown = await h.rest.fetchOrder(idOf(o)).catch((e: unknown) => e);
    expect((err as Error).constructor).toBe(ccxt.ExchangeError);
    expect((err as Error).message).toContain('Market field is required.');
  });

  it('fetchOrders joins open and closed orders', async () => {
    const open = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 60000);
    const gone = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 59000);
    await h.rest.cancelOrder(idOf(gone), BTC);
    const all = await h.rest.fetchOrders(BTC);
    expect(all.map((x) => x.id).sort()).toEqual([open.id, gone.id].sort());
    expect(all.find((x) => x.id === open.id)?.status).toBe('open');
  });

  it('cancelAllOrders(symbol) cancels that market only and answers an empty list', async () => {
    await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 60000);
    await h.rest.createOrder(BTC, 'limit', 'sell', 0.01, 70000);
    const eth = await h.rest.createOrder(ETH, 'limit', 'buy', 0.1, 3000);
    expect(await h.rest.cancelAllOrders(BTC)).toEqual([]);
    expect(await h.rest.fetchOpenOrders(BTC)).toEqual([]);
    expect((await h.rest.fetchOpenOrders(ETH)).map((x) => x.id)).toEqual([eth.id]);
  });

  it('cancelAllOrdersAfter arms the kill-switch; when it runs out the market is cancelled', async () => {
    const o = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 60000);
    const eth = await h.rest.createOrder(ETH, 'limit', 'buy', 0.1, 3000);
    const armed = (await h.rest.cancelAllOrdersAfter(10_000, { symbol: BTC })) as Record<string, unknown>;
    expect(armed).toMatchObject({ market: 'BTC_USDT', cancellationTime: Number(armed.startTime) + 10 });
    h.sim.advance(9_000);
    expect((await h.rest.fetchOpenOrders(BTC)).map((x) => x.id)).toEqual([o.id]);
    h.sim.advance(1_000);
    expect(await h.rest.fetchOpenOrders(BTC)).toEqual([]);
    expect(await h.rest.fetchOrder(idOf(o), BTC)).toMatchObject({ status: 'canceled' });
    expect((await h.rest.fetchOpenOrders(ETH)).map((x) => x.id)).toEqual([eth.id]);
  });
});

describe('refusals as ccxt exception classes', () => {
  it('more than the balance is InsufficientFunds, and nothing is placed or frozen', async () => {
    await expect(h.rest.createOrder(BTC, 'limit', 'buy', 10, 60000)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
    await expect(h.rest.createOrder(BTC, 'limit', 'sell', 3, 70000)).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
    expect(h.sim.state.orders(TRADER.id)).toEqual([]);
    expect((await balance('USDT')).used.eq(0)).toBe(true);
  });

  it('below the minimum amount is InvalidOrder', async () => {
    await expect(h.rest.createOrder(BTC, 'limit', 'buy', 0.000005, 60000)).rejects.toBeInstanceOf(ccxt.InvalidOrder);
  });

  it('an unknown order id is OrderNotFound, for cancelOrder and fetchOrder alike', async () => {
    await expect(h.rest.cancelOrder('123456789', BTC)).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    await expect(h.rest.fetchOrder('123456789', BTC)).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  });

  it('cancelling an order twice is OrderNotFound the second time', async () => {
    const o = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 60000);
    await h.rest.cancelOrder(idOf(o), BTC);
    await expect(h.rest.cancelOrder(idOf(o), BTC)).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  });

  it('a post-only order that would take is refused (ccxt has no class for it: ExchangeError, code 13)', async () => {
    const err: unknown = await h.rest.createOrder(BTC, 'limit', 'buy', 0.01, 65000, { postOnly: true }).catch((e: unknown) => e);
    expect((err as Error).constructor).toBe(ccxt.ExchangeError);
    expect((err as Error).message).toContain('"code":13');
    expect(h.sim.state.orders(TRADER.id)).toEqual([]);
    expect(await h.rest.fetchMyTrades(BTC)).toEqual([]);
  });
});
