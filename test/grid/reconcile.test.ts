import { describe, expect, it } from 'vitest';
import type { ExchangeOrder } from '../../src/grid/fill-ledger.js';
import { applyPlacement, createLevelBook, owedIntents, takeIntents, type LevelBook } from '../../src/grid/level-book.js';
import { diffOrders, reconcileBook } from '../../src/grid/reconcile.js';
import { BTC_USDT } from './fixtures.js';
import { cid, deal, plan, priceOf, scope } from './ledger-support.js';

function open(orderId: number, clientOrderId: string, side: 'buy' | 'sell', level: number, dealStock = '0'): ExchangeOrder {
  return { orderId, clientOrderId, side, price: priceOf(level), amount: '0.001', left: '0.001', dealStock };
}

/** All plan orders sent; levels in `unknown` got no answer, the others were placed as 100 + level. */
function sentBook(unknown: readonly number[] = []): LevelBook {
  const taken = takeIntents(createLevelBook(plan, scope, BTC_USDT), 100);
  let book = taken.book;
  for (const i of taken.intents) {
    book = unknown.includes(i.level)
      ? applyPlacement(book, { kind: 'unknown', clientOrderId: i.clientOrderId, reason: 'timeout' })
      : applyPlacement(book, { kind: 'placed', clientOrderId: i.clientOrderId, orderId: 100 + i.level, dealStock: '0', left: '0.001' });
  }
  return book;
}

/** Every live order of the book as the exchange would list it. */
function openOf(book: LevelBook): ExchangeOrder[] {
  return [...book.orders.values()].filter((o) => o.orderId !== null).map((o) => open(o.orderId ?? 0, o.clientOrderId, o.side, o.level));
}

describe('diffOrders', () => {
  it('changes nothing when the exchange matches the book', () => {
    const book = sentBook();
    const r = diffOrders(book, openOf(book), []);
    expect([r.adopt, r.cancel, r.foreign, r.resolved, r.placeMissed]).toEqual([[], [], [], [], []]);
  });

  it('adopts our resting orders on a restart, one per level, and cancels the older duplicates', () => {
    const fresh = createLevelBook(plan, scope, BTC_USDT, 1000); // everything owed, nothing sent
    const r = diffOrders(
      fresh,
      [
        open(1, cid(0, 'buy', 7), 'buy', 0),
        open(2, cid(0, 'buy', 9), 'buy', 0), // newer at the same level: kept
        open(3, cid(6, 'sell', 8), 'sell', 6),
        open(4, 'manual-order', 'buy', 1),
        open(5, cid(2, 'buy', 3, { botId: 'other', market: 'BTC_USDT' }), 'buy', 2),
      ],
      [],
    );
    expect(r.adopt).toEqual([
      { level: 0, orderId: 2, clientOrderId: cid(0, 'buy', 9) },
      { level: 6, orderId: 3, clientOrderId: cid(6, 'sell', 8) },
    ]);
    expect(r.cancel).toEqual([{ orderId: 1, clientOrderId: cid(0, 'buy', 7), level: 0, reason: 'duplicate' }]);
    expect(r.foreign.map((o) => o.orderId)).toEqual([4, 5]);
    // the adopted levels are no longer owed; the other 8 plan orders still are
    expect(owedIntents(r.book).map((i) => i.level)).toEqual([1, 2, 3, 4, 7, 8, 9, 10]);
    expect(r.book.nextSeq).toBe(1010);
  });

  it('resolves pending levels: found open → live, in the deals → filled (counter owed), nowhere → absent', () => {
    const book = sentBook([1, 2, 3]);
    const openOrders = openOf(book).concat(open(901, cid(3, 'buy', 3), 'buy', 3));
    const r = diffOrders(book, openOrders, [deal(1, 902, cid(2, 'buy', 2), 'buy', '62000', '0.001')]);
    expect(r.resolved).toEqual([
      { level: 3, clientOrderId: cid(3, 'buy', 3), outcome: 'live' },
      { level: 1, clientOrderId: cid(1, 'buy', 1), outcome: 'absent' },
      { level: 2, clientOrderId: cid(2, 'buy', 2), outcome: 'filled' },
    ]);
    expect(r.book.orders.get(3)?.orderId).toBe(901);
    // the buy at 1 never reached the exchange: its level is owed again, under a fresh id
    expect(r.placeMissed.map((i) => [i.level, i.side, i.amount, i.origin])).toEqual([[1, 'buy', '0.001', 'restore']]);
    expect(r.placeMissed[0]?.clientOrderId).not.toBe(cid(1, 'buy', 1));
    // the buy at 2 filled: its counter sell at 3 waits as a residue, because 3 holds a live buy
    expect(r.book.ledger.residues.get('sell@3')?.toFixed()).toBe('0.001');
  });

  it('places a missed counter-order exactly once across repeated reconciles', () => {
    const book = sentBook();
    const gone = openOf(book).filter((o) => o.orderId !== 104); // the buy at 4 filled while we were away
    const deals = [deal(1, 104, cid(4, 'buy', 4), 'buy', '64000', '0.0006'), deal(2, 104, '', 'buy', '64000', '0.0004')];
    const first = reconcileBook(book, { openOrders: gone, deals });
    expect(first.placeMissed.map((i) => [i.level, i.side, i.price, i.amount, i.origin])).toEqual([[5, 'sell', '65000', '0.001', 'counter']]);
    const second = diffOrders(first.book, gone, deals);
    expect(second.placeMissed).toEqual([]);
    // after the counter-order was sent and rests, a third run still adds nothing
    const t = takeIntents(second.book, 20);
    const sent = applyPlacement(t.book, { kind: 'placed', clientOrderId: t.intents[0]?.clientOrderId ?? '', orderId: 555, dealStock: '0', left: '0.001' });
    const third = diffOrders(sent, openOf(sent), deals);
    expect([third.placeMissed, third.cancel, third.adopt]).toEqual([[], [], []]);
  });

  it('cancels an order of ours the book does not expect at a level it has another order for', () => {
    const book = sentBook();
    const r = diffOrders(book, [...openOf(book), open(777, cid(4, 'buy', 50), 'buy', 4)], []);
    expect(r.cancel).toEqual([{ orderId: 777, clientOrderId: cid(4, 'buy', 50), level: 4, reason: 'duplicate' }]);
    expect(r.book.cancelling.has(777)).toBe(true);
    // once it is gone from the exchange, the next reconcile forgets it
    expect(diffOrders(r.book, openOf(book), []).book.cancelling.size).toBe(0);
  });
});
