import { describe, expect, it } from 'vitest';
import {
  applyDeal,
  applyOrderUpdate,
  applyPlacement,
  cloneBook,
  createLevelBook,
  hasUnknownOrders,
  lastDealSec,
  owedIntents,
  takeIntents,
  type LevelBook,
} from '../../src/grid/level-book.js';
import { BTC_USDT } from './fixtures.js';
import { cid, deal, placedBook, plan, scope, update } from './ledger-support.js';

const owed = (b: LevelBook) => owedIntents(b).map((i) => `${i.side}@${i.level} ${i.amount} ${i.origin}`);

describe('level book', () => {
  it('owes the plan orders and hands them out in batches, oldest first', () => {
    const book = createLevelBook(plan, scope, BTC_USDT);
    expect(owedIntents(book)).toHaveLength(10);
    const first = takeIntents(book, 4);
    expect(first.intents.map((i) => [i.level, i.side, i.price, i.amount])).toEqual([
      [0, 'buy', '60000', '0.001'],
      [1, 'buy', '61000', '0.001'],
      [2, 'buy', '62000', '0.001'],
      [3, 'buy', '63000', '0.001'],
    ]);
    expect(first.intents[0]?.clientOrderId).toBe(cid(0, 'buy', 0));
    expect(first.intents[0]?.market).toBe('BTC_USDT');
    expect(owedIntents(first.book)).toHaveLength(6);
    expect(takeIntents(first.book, 0).intents).toEqual([]);
  });

  it('answers a full fill with a counter-order one level up and frees the level', () => {
    let book = placedBook();
    book = applyDeal(book, deal(1, 104, cid(4, 'buy', 4), 'buy', '64000', '0.001', 1700000000.5));
    expect(book.orders.has(4)).toBe(false);
    expect(owed(book)).toEqual(['sell@5 0.001 counter']);
    expect(lastDealSec(book)).toBe(1700000000.5);
    const t = takeIntents(book, 20);
    expect(t.intents.map((i) => [i.level, i.side, i.price, i.amount])).toEqual([[5, 'sell', '65000', '0.001']]);
  });

  it('grows a counter-order not yet sent when more of its source fills', () => {
    let book = placedBook();
    const buy4 = cid(4, 'buy', 4);
    book = applyDeal(book, deal(1, 104, buy4, 'buy', '64000', '0.0004'));
    book = applyDeal(book, deal(2, 104, buy4, 'buy', '64000', '0.0006'));
    expect(owed(book)).toEqual(['sell@5 0.001 counter']);
    expect(book.ledger.residues.size).toBe(0);
  });

  it('never puts two orders at one level: a partial whose counter already rests waits as a residue until the level frees', () => {
    let book = placedBook();
    const buy4 = cid(4, 'buy', 4);
    book = applyDeal(book, deal(1, 104, buy4, 'buy', '64000', '0.0004'));
    const t = takeIntents(book, 20);
    const sell5 = t.intents[0]?.clientOrderId ?? '';
    book = applyPlacement(t.book, { kind: 'placed', clientOrderId: sell5, orderId: 205, dealStock: '0', left: '0.0004' });
    book = applyDeal(book, deal(2, 104, buy4, 'buy', '64000', '0.0006')); // completes buy@4; level 5 rests a sell
    expect(owed(book)).toEqual([]);
    expect(book.ledger.residues.get('sell@5')?.toFixed()).toBe('0.0006');
    book = applyOrderUpdate(book, update(205, sell5, 'sell', '65000', '0.0004', '0.0004', true));
    // the sell at 5 filled: its counter buy at 4, and the residue at 5 goes out now that 5 is free
    expect(owed(book).sort()).toEqual(['buy@4 0.0004 counter', 'sell@5 0.0006 residue']);
    expect(book.ledger.residues.size).toBe(0);
  });

  it('keeps a refused counter quantity as a residue, re-owes a batch that was not sent, and marks unknown outcomes', () => {
    let book = placedBook();
    book = applyDeal(book, deal(1, 104, cid(4, 'buy', 4), 'buy', '64000', '0.001'));
    const t = takeIntents(book, 20);
    const id = t.intents[0]?.clientOrderId ?? '';
    // The book changes in place: each outcome is tried on its own copy.
    const refused = applyPlacement(cloneBook(t.book), { kind: 'rejected', clientOrderId: id, reason: 'post-only would take' });
    expect(refused.orders.has(5)).toBe(false);
    expect(refused.ledger.residues.get('sell@5')?.toFixed()).toBe('0.001');
    expect(owed(applyPlacement(cloneBook(t.book), { kind: 'notSent', clientOrderId: id, reason: 'socket closed' }))).toEqual(['sell@5 0.001 counter']);
    const unknown = applyPlacement(cloneBook(t.book), { kind: 'unknown', clientOrderId: id, reason: 'timeout' });
    expect(hasUnknownOrders(unknown)).toBe(true);
    expect(unknown.orders.get(5)?.state).toBe('unknown');
  });

  /** The buy at 4 filled and its counter sell at 5 taken (sent): no answer, no order report yet. */
  function counterSell5Sent() {
    const t = takeIntents(applyDeal(placedBook(), deal(1, 104, cid(4, 'buy', 4), 'buy', '64000', '0.001')), 20);
    return { book: t.book, sell5: t.intents[0]?.clientOrderId ?? '' };
  }

  it('frees the level of an order its deals fill in full before its placement is answered, and ignores the late answer and report', () => {
    const sent = counterSell5Sent();
    const sell5 = sent.sell5;
    // The sell at 5 is on its way (no answer, no order report) when a deal fills all of it: the
    // deal carries our client id, and it cannot fill past the amount we sent, so it rests no more.
    let book = applyDeal(sent.book, deal(2, 205, sell5, 'sell', '65000', '0.001'));
    expect(book.orders.has(5)).toBe(false);
    expect(owed(book)).toEqual(['buy@4 0.001 counter']);
    // The sell at 6 fills: its counter buy at 5 goes out now, not after the sell at 5's answer.
    book = applyDeal(book, deal(3, 106, cid(6, 'sell', 6), 'sell', '66000', '0.001'));
    expect(owed(book)).toEqual(['buy@4 0.001 counter', 'buy@5 0.001 counter']);
    expect(book.ledger.residues.size).toBe(0);
    // The late answer, the final report and a repeated deal teach nothing: no second counter-order.
    book = applyPlacement(book, { kind: 'placed', clientOrderId: sell5, orderId: 205, dealStock: '0', left: '0.001' });
    book = applyOrderUpdate(book, update(205, sell5, 'sell', '65000', '0.001', '0.001', true));
    book = applyDeal(book, deal(2, 205, sell5, 'sell', '65000', '0.001'));
    expect(owed(book)).toEqual(['buy@4 0.001 counter', 'buy@5 0.001 counter']);
    expect(book.orders.get(5)?.side).toBe('buy');
    // Bought 0.001 at 4, sold 0.001 at 5 (once) and at 6.
    expect(book.pnl.inventoryBase.toFixed()).toBe('-0.001');
  });

  it('keeps the level of an order on its way that a deal filled in part', () => {
    const { book: sent, sell5 } = counterSell5Sent();
    let book = applyDeal(sent, deal(2, 205, sell5, 'sell', '65000', '0.0004'));
    expect(book.orders.get(5)?.clientOrderId).toBe(sell5);
    // The sell at 6 fills: its buy at 5 waits for the level (the sell there may still fill).
    book = applyDeal(book, deal(3, 106, cid(6, 'sell', 6), 'sell', '66000', '0.001'));
    expect(owed(book)).toEqual(['buy@4 0.0004 counter']);
    expect(book.ledger.residues.get('buy@5')?.toFixed()).toBe('0.001');
  });

  it('learns the order id from a WS update that beats the REST answer, and counts a synchronous fill once', () => {
    const t = takeIntents(createLevelBook(plan, scope, BTC_USDT), 20);
    const id = cid(4, 'buy', 4);
    let book = applyOrderUpdate(t.book, update(104, id, 'buy', '64000', '0.001', '0.001', true));
    expect(book.orders.has(4)).toBe(false);
    expect(owed(book)).toEqual(['sell@5 0.001 counter']);
    book = applyPlacement(book, { kind: 'placed', clientOrderId: id, orderId: 104, dealStock: '0.001', left: '0' });
    book = applyDeal(book, deal(9, 104, id, 'buy', '64000', '0.001'));
    expect(owed(book)).toEqual(['sell@5 0.001 counter']);
    expect(book.pnl.inventoryBase.toFixed()).toBe('0.001');
  });
});
