/**
 * ccxt conformance, WebSocket: ccxt's `pro.whitebit` class, pointed at the simulator by URL only,
 * watches the book, its orders, its own trades and its balance (issue 16). Every watch is started
 * before the event that should resolve it, its subscribe is acknowledged first (FrameSpy), and the
 * simulator clock is stepped past the channel's coalescing interval: no sleeps.
 * @see whitebit-protocol-2.md §2.1, §2.2
 */
import type { Exchange, Trade } from 'ccxt';
import { Decimal } from 'decimal.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { FrameSpy, START_BALANCES, dec, idOf, ccxtPerTest, subscribed, until, within } from './support.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';

const h = ccxtPerTest();
let ex: Exchange;
let spy: FrameSpy;
let firstBook: Awaited<ReturnType<Exchange['watchOrderBook']>>;
beforeEach(async () => {
  ex = await h.pro();
  // The first watch opens ccxt's socket; the spy listens on it from then on.
  firstBook = await within(ex.watchOrderBook(BTC, 5), 'the first book snapshot');
  spy = FrameSpy.attach(ex, h.sim);
  await within(ex.authenticate(), 'authorize');
});

describe('watchOrderBook', () => {
  it('starts from the simulator book and applies its deltas', async () => {
    const sim = h.sim.state.book('BTC_USDT', 5);
    const first = { asks: firstBook.asks.slice(0, 5), bids: firstBook.bids.slice(0, 5) };
    expect(first.asks).toEqual(sim.asks.map(([p, a]) => [Number(p), Number(a)]));
    expect(first.bids).toEqual(sim.bids.map(([p, a]) => [Number(p), Number(a)]));

    const next = ex.watchOrderBook(BTC, 5);
    const [bestBid] = sim.bids[0] as [string, string];
    const price = dec(bestBid).plus(1); // a new best bid, inside the spread
    await ex.createOrder(BTC, 'limit', 'buy', 0.005, price.toNumber());
    h.sim.advance(100); // depth deltas are coalesced to one per 100 ms
    const book = await within(next, 'the depth delta');
    expect(book.bids[0]).toEqual([price.toNumber(), 0.005]);
    expect(book.bids.slice(0, 5)).toEqual(h.sim.state.book('BTC_USDT', 5).bids.map(([p, a]) => [Number(p), Number(a)]));
  });
});

describe('private channels', () => {
  it('watchOrders: placed (open), then filled by the house (closed), with amounts in base', async () => {
    const placed = await subscribed(spy, () => ex.watchOrders(BTC), 'ordersPending');
    const o = await ex.createOrder(BTC, 'limit', 'sell', 0.01, 64100, { clientOrderId: 'ws-1' });
    const [open] = (await within(placed.next, 'the new order')).slice(-1);
    expect(open).toMatchObject({
      id: o.id,
      clientOrderId: 'ws-1',
      status: 'open',
      side: 'sell',
      type: 'limit',
      price: 64100,
      amount: 0.01,
      remaining: 0.01,
      filled: 0,
    });

    const filled = ex.watchOrders(BTC);
    h.sim.setPrice('BTC_USDT', '64500'); // the house bids now cross the ask
    const [done] = (await within(filled, 'the fill')).slice(-1);
    expect(done).toMatchObject({ id: o.id, status: 'closed', filled: 0.01, remaining: 0 });
    expect(dec(done?.cost).eq('641')).toBe(true);
  });

  it('watchOrders: a cancel reports canceled with the remainder', async () => {
    const placed = await subscribed(spy, () => ex.watchOrders(BTC), 'ordersPending');
    const o = await ex.createOrder(BTC, 'limit', 'buy', 0.01, 60000);
    await within(placed.next, 'the new order');
    const gone = ex.watchOrders(BTC);
    await ex.cancelOrder(idOf(o), BTC);
    const [c] = (await within(gone, 'the cancel')).slice(-1);
    expect(c).toMatchObject({ id: o.id, status: 'canceled', remaining: 0.01, filled: 0 });
  });

  it('watchOrders on a second symbol re-subscribes both markets: events of each reach their watch', async () => {
    await subscribed(spy, () => ex.watchOrders(BTC), 'ordersPending BTC');
    // ccxt resends ordersPending_subscribe with both markets; WhiteBIT replaces the old list with it.
    const eth = await subscribed(spy, () => ex.watchOrders(ETH), 'ordersPending BTC+ETH');
    const e = await ex.createOrder(ETH, 'limit', 'buy', 0.1, 3000);
    expect((await within(eth.next, 'the ETH order')).map((x) => x.id)).toContain(e.id);
    const btc = ex.watchOrders(BTC);
    const b = await ex.createOrder(BTC, 'limit', 'buy', 0.01, 60000);
    expect((await within(btc, 'the BTC order')).map((x) => [x.id, x.symbol])).toContainEqual([b.id, BTC]);
  });

  it('watchMyTrades: one trade per fill, at the price of the level it took', async () => {
    const [[p1, a1], [p2]] = h.sim.state.book('BTC_USDT', 2).asks as [[string, string], [string, string]];
    const trades = await subscribed(spy, () => ex.watchMyTrades(BTC), 'deals');
    const o = await ex.createOrder(BTC, 'limit', 'buy', dec(a1).plus('0.01').toNumber(), dec(p2).plus(10).toNumber());
    await within(trades.next, 'the first fill');
    // ccxt resolves on the first deal; the second lands in the same cache a step later.
    const cache = (): Trade[] => (ex.myTrades ?? []) as Trade[];
    await until(() => cache().length >= 2, 'the second fill');
    expect(cache().map((t) => [t.order, t.price, t.amount, t.side, t.takerOrMaker, t.fee?.currency])).toEqual([
      [o.id, Number(p1), Number(a1), 'buy', 'taker', 'BTC'],
      [o.id, Number(p2), 0.01, 'buy', 'taker', 'BTC'],
    ]);
  });

  it('watchBalance: moves by exactly the fill (base in, quote out, fee in base)', async () => {
    const [[price, size]] = h.sim.state.book('BTC_USDT', 1).asks as [[string, string]];
    expect(dec(size).greaterThanOrEqualTo('0.01')).toBe(true);
    const watched = await subscribed(spy, () => ex.watchBalance(), 'balanceSpot');
    await ex.createOrder(BTC, 'limit', 'buy', 0.01, Number(price));
    h.sim.advance(1_000); // balance pushes are coalesced to one per second
    const b = await within(watched.next, 'the balance push');
    const fee = new Decimal('0.01').times('0.001').toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
    expect(dec(b.BTC?.free).eq(dec(START_BALANCES.BTC).plus('0.01').minus(fee))).toBe(true);
    expect(dec(b.USDT?.free).eq(dec(START_BALANCES.USDT).minus(dec(price).times('0.01')))).toBe(true);
    expect(b.USDT?.used).toBe(0);
  });
});

describe('keepalive', () => {
  it("ccxt's ping (id 0) is answered with the pong it reads, so it keeps the socket", async () => {
    // Client options: ccxt pings every 50 ms of real time instead of every 30 s, and tolerates a slow
    // (loaded) test machine for 5 s before it would call the connection dead.
    const pinging = await h.newPro({ streaming: { keepAlive: 50, maxPingPongMisses: 100 } });
    await within(pinging.watchOrderBook(BTC, 5), 'the first book snapshot');
    const client = (pinging.clients as Record<string, { lastPong?: number; isOpen(): boolean }>)[h.sim.wsUrl];
    const pongs = FrameSpy.attach(pinging, h.sim);
    for (let i = 0; i < 3; i++)
      await within(
        pongs.next((f) => f.id === 0 && f.result === 'pong'),
        'a pong',
      );
    expect(client?.isOpen()).toBe(true);
    expect(client?.lastPong).toBeGreaterThan(0);
  });
});
