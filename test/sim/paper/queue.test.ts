/**
 * The paper exchange's pure pieces: the live book's level changes and gaps, the queue ahead of a
 * resting paper order and how a live trade is shared, and the house mirror on a bare engine.
 */
import { describe, expect, it } from 'vitest';
import { D, type Dec } from '../../../src/sim/decimal.js';
import { Exchange } from '../../../src/sim/exchange.js';
import { resolveMarkets } from '../../../src/sim/markets.js';
import { LiveBook } from '../../../src/sim/paper/live-book.js';
import { HouseMirror } from '../../../src/sim/paper/mirror.js';
import { QueueTracker, TRADE_DEPTH_SKEW_MS, type LiveTrade, type RestingOrder } from '../../../src/sim/paper/queue.js';
import { HOUSE_ACCOUNT, PriceProcess } from '../../../src/sim/price-process.js';

const T0 = 1_700_000_000_000;
const trade = (price: string, amount: string, takerSide: 'buy' | 'sell', id = 1): LiveTrade => ({
  id,
  timeMs: T0,
  price,
  priceD: new D(price),
  amount: new D(amount),
  takerSide,
});
const bid = (id: number, price: string, left: string): RestingOrder => ({ id, side: 'buy', price, priceD: new D(price), left: new D(left), seq: id });
const fills = (list: { orderId: number; amount: Dec }[]) => list.map((f) => [f.orderId, f.amount.toFixed()]);

describe('LiveBook', () => {
  it('reports the levels a snapshot or delta changed, and a keepalive snapshot that repeats the book changes nothing', () => {
    const book = new LiveBook();
    const first = book.apply({ full: true, updateId: 10, pastUpdateId: undefined, asks: [['100.50', '2']], bids: [['99', '1']] });
    expect(first !== 'gap' && first.map((c) => [c.side, c.price, c.from.toFixed(), c.to.toFixed()])).toEqual([
      ['sell', '100.5', '0', '2'],
      ['buy', '99', '0', '1'],
    ]);
    const delta = book.apply({ full: false, updateId: 11, pastUpdateId: 10, asks: [['100.5', '0']], bids: [['99', '3']] });
    expect(delta !== 'gap' && delta.map((c) => [c.side, c.price, c.to.toFixed()])).toEqual([
      ['sell', '100.5', '0'],
      ['buy', '99', '3'],
    ]);
    expect(book.apply({ full: true, updateId: 12, pastUpdateId: undefined, asks: [], bids: [['99', '3']] })).toEqual([]);
    expect(book.amountAt('buy', '99').toFixed()).toBe('3');
  });

  it('calls a delta that does not follow the last update id, or comes before any snapshot, a gap', () => {
    const book = new LiveBook();
    expect(book.apply({ full: false, updateId: 2, pastUpdateId: 1, asks: [], bids: [] })).toBe('gap');
    book.apply({ full: true, updateId: 5, pastUpdateId: undefined, asks: [], bids: [] });
    expect(book.apply({ full: false, updateId: 7, pastUpdateId: 6, asks: [], bids: [] })).toBe('gap');
    expect(book.isSynced).toBe(false);
  });
});

describe('QueueTracker: trade-driven fills', () => {
  it('lets the live queue ahead at our price eat a trade first, then fills us', () => {
    const q = new QueueTracker();
    q.join(1, 'buy', '100', new D('3'));
    expect(fills(q.allocate(trade('100', '2', 'sell'), [bid(1, '100', '5')], T0))).toEqual([]);
    expect(q.ahead(1).toFixed()).toBe('1');
    expect(fills(q.allocate(trade('100', '4', 'sell', 2), [bid(1, '100', '5')], T0))).toEqual([[1, '3']]);
  });

  it('fills an order priced through the trade at once, best price first, sharing the trade amount', () => {
    const q = new QueueTracker();
    q.join(1, 'buy', '101', new D('10'));
    q.join(2, 'buy', '102', new D('0'));
    const got = q.allocate(trade('100', '1.5', 'sell'), [bid(1, '101', '1'), bid(2, '102', '1')], T0);
    expect(fills(got)).toEqual([
      [2, '1'],
      [1, '0.5'],
    ]);
  });

  it('does not fill bids from a buy trade, nor bids below the trade price', () => {
    const q = new QueueTracker();
    q.join(1, 'buy', '99', new D('0'));
    expect(q.allocate(trade('100', '1', 'buy'), [bid(1, '99', '1')], T0)).toEqual([]);
    expect(q.allocate(trade('100', '1', 'sell'), [bid(1, '99', '1')], T0)).toEqual([]);
  });

  it('counts the live queue once for two paper orders at the same price', () => {
    const q = new QueueTracker();
    q.join(1, 'buy', '100', new D('2'));
    q.join(2, 'buy', '100', new D('2'));
    expect(fills(q.allocate(trade('100', '3', 'sell'), [bid(1, '100', '5'), bid(2, '100', '5')], T0))).toEqual([[1, '1']]);
    expect(q.ahead(2).toFixed()).toBe('0');
  });

  it('does not count a trade twice when the book showed it before the tape: the level drop is the trade', () => {
    const q = new QueueTracker();
    q.join(1, 'buy', '100', new D('1.5'));
    // The book first: 1 of the 1.5 ahead of us traded; then the tape says so.
    q.levelChanged('buy', '100', new D('0.5'), T0);
    expect(fills(q.allocate(trade('100', '1', 'sell'), [bid(1, '100', '5')], T0 + 100))).toEqual([]);
    expect(q.ahead(1).toFixed()).toBe('0.5');
    // Once the queue is gone, a trade fills us.
    expect(fills(q.allocate(trade('100', '0.8', 'sell', 2), [bid(1, '100', '5')], T0 + 200))).toEqual([[1, '0.3']]);
  });

  it('forgets a level drop after the skew window: it was cancels, and a later trade eats only the queue left', () => {
    const q = new QueueTracker();
    q.join(1, 'buy', '100', new D('1.5'));
    q.levelChanged('buy', '100', new D('0.5'), T0);
    expect(fills(q.allocate(trade('100', '1', 'sell'), [bid(1, '100', '5')], T0 + TRADE_DEPTH_SKEW_MS + 1))).toEqual([[1, '0.5']]);
  });

  it('takes cancels at our price from the back of the queue: ahead shrinks only below it', () => {
    const q = new QueueTracker();
    q.join(1, 'buy', '100', new D('5'));
    q.levelChanged('buy', '100', new D('7'), T0);
    expect(q.ahead(1).toFixed()).toBe('5');
    q.levelChanged('buy', '100', new D('2'), T0);
    expect(q.ahead(1).toFixed()).toBe('2');
  });
});

describe('HouseMirror', () => {
  const engine = () => {
    const markets = resolveMarkets();
    const ex = new Exchange({
      markets,
      accounts: [
        { id: 'u', balances: { BTC: '10', USDT: '1000000' } },
        { id: HOUSE_ACCOUNT, balances: PriceProcess.houseBalances(markets.values()), keepHistory: false },
      ],
    });
    const market = markets.get('BTC_USDT');
    if (!market) throw new Error('no market');
    return { ex, live: new LiveBook(), mirror: new HouseMirror(ex, HOUSE_ACCOUNT, market) };
  };
  const apply = (m: ReturnType<typeof engine>, frame: Parameters<LiveBook['apply']>[0]) => {
    const changes = m.live.apply(frame);
    if (changes === 'gap') throw new Error('gap');
    m.mirror.apply(changes, T0);
  };

  it('rests the live book as house orders, below the market minimums too', () => {
    const m = engine();
    apply(m, { full: true, updateId: 1, pastUpdateId: undefined, asks: [['64010', '0.000001']], bids: [['63990', '2']] });
    expect(m.ex.depth('BTC_USDT', 10)).toEqual({ asks: [['64010', '0.000001']], bids: [['63990', '2']] });
  });

  it('fills a resting paper bid at its own price when the live asks move through it, and does not refill it from the same liquidity', () => {
    const m = engine();
    apply(m, { full: true, updateId: 1, pastUpdateId: undefined, asks: [['64100', '1']], bids: [['63900', '1']] });
    expect(m.ex.placeOrder('u', { market: 'BTC_USDT', side: 'buy', price: '64000', amount: '0.5' }, T0).ok).toBe(true);
    apply(m, {
      full: false,
      updateId: 2,
      pastUpdateId: 1,
      asks: [
        ['64100', '0'],
        ['63950', '0.3'],
      ],
      bids: [],
    });
    const deals = m.ex.dealsOf('u');
    expect(deals.map((d) => [d.price, d.amount.toFixed(), d.role])).toEqual([['64000', '0.3', 1]]);
    // The same live level repeated by a keepalive snapshot is not new liquidity.
    apply(m, { full: true, updateId: 3, pastUpdateId: undefined, asks: [['63950', '0.3']], bids: [['63900', '1']] });
    expect(m.ex.dealsOf('u')).toHaveLength(1);
    // More volume arriving at the level is.
    apply(m, { full: false, updateId: 4, pastUpdateId: 3, asks: [['63950', '0.5']], bids: [] });
    expect(m.ex.dealsOf('u').map((d) => d.amount.toFixed())).toEqual(['0.2', '0.3']);
  });

  it('refuses a post-only order that would cross the live book, and lets a crossing order take live liquidity at live prices', () => {
    const m = engine();
    apply(m, { full: true, updateId: 1, pastUpdateId: undefined, asks: [['64100', '1']], bids: [['63900', '1']] });
    const post = m.ex.placeOrder('u', { market: 'BTC_USDT', side: 'buy', price: '64200', amount: '0.1', postOnly: true }, T0);
    expect(!post.ok && post.error.body.code).toBe(13);
    m.ex.placeOrder('u', { market: 'BTC_USDT', side: 'buy', price: '64200', amount: '0.1' }, T0);
    expect(m.ex.dealsOf('u').map((d) => [d.price, d.role])).toEqual([['64100', 2]]);
  });

  it('cancels house volume from the newest order at a level when the live level shrinks', () => {
    const m = engine();
    apply(m, { full: true, updateId: 1, pastUpdateId: undefined, asks: [], bids: [['63900', '1']] });
    apply(m, { full: false, updateId: 2, pastUpdateId: 1, asks: [], bids: [['63900', '3']] });
    apply(m, { full: false, updateId: 3, pastUpdateId: 2, asks: [], bids: [['63900', '0.5']] });
    const house = m.ex.activeOrders(HOUSE_ACCOUNT);
    expect(house.map((o) => o.left.toFixed())).toEqual(['0.5']);
  });
});
