/**
 * Bounded history: finished orders leave the ledger, and a redelivered fact of one, however old,
 * still counts nothing (fill-ledger.ts module doc has the argument).
 */
import { describe, expect, it } from 'vitest';
import { FINISHED_CAP, type Fill } from '../../src/grid/fill-ledger.js';
import { applyDeal, applyOrderUpdate, applyPlacement, owedIntents, resumeBook, takeIntents, type LevelBook } from '../../src/grid/level-book.js';
import { reconcileBook } from '../../src/grid/reconcile.js';
import { cid, deal, listedUntouched, placedBook, update } from './ledger-support.js';

interface Cycle {
  readonly book: LevelBook;
  /** Every deal of the round trips, in order. */
  readonly deals: Fill[];
  nextOrderId: number;
}

/** Fills the order at `level` completely (deal + final report) and places the counter-order it releases. */
function fillAndAnswer(c: Cycle, level: number): void {
  const o = c.book.orders.get(level);
  if (o === undefined || o.orderId === null) throw new Error(`no live order at ${level}`);
  const d = deal(c.deals.length + 1, o.orderId, o.clientOrderId, o.side, o.price.toFixed(), o.amount.toFixed(), c.deals.length + 1);
  c.deals.push(d);
  applyDeal(c.book, d);
  applyOrderUpdate(c.book, update(o.orderId, o.clientOrderId, o.side, o.price.toFixed(), o.amount.toFixed(), o.amount.toFixed(), true));
  for (const i of takeIntents(c.book, 10).intents) {
    applyPlacement(c.book, { kind: 'placed', clientOrderId: i.clientOrderId, orderId: c.nextOrderId++, dealStock: '0', left: i.amount });
  }
}

/** `n` round trips between buy@4 and sell@5: 2n finished orders. */
function roundTrips(n: number): Cycle {
  const c: Cycle = { book: placedBook(), deals: [], nextOrderId: 1000 };
  for (let k = 0; k < n; k += 1) {
    fillAndAnswer(c, 4);
    fillAndAnswer(c, 5);
  }
  return c;
}

describe('bounded fill history', () => {
  it('keeps no finished order in the ledger, at most FINISHED_CAP ids, and the totals of all of them', () => {
    const c = roundTrips(FINISHED_CAP);
    const ledger = c.book.ledger;
    // Only the resting orders (one per level) are in the ledger.
    expect(ledger.orders.size).toBe(c.book.orders.size);
    for (const o of ledger.orders.values()) expect(c.book.orders.get(o.level)).toBe(o);
    expect(ledger.finished.size).toBe(FINISHED_CAP);
    expect(ledger.forgottenSeq).toBeGreaterThan(0);
    expect(ledger.dealCount).toBe(2 * FINISHED_CAP);
    expect(ledger.filledTotal.toFixed()).toBe((0.001 * 2 * FINISHED_CAP).toFixed(3));
    expect(owedIntents(c.book)).toEqual([]);
  });

  it('counts nothing for any redelivered deal or final report, whether its order is in the ring or long forgotten', () => {
    const c = roundTrips(FINISHED_CAP);
    const before = { filled: c.book.ledger.filledTotal.toFixed(), trades: c.book.pnl.trades, orders: [...c.book.orders.values()].map((o) => o.clientOrderId) };
    for (const d of c.deals) applyDeal(c.book, d);
    for (const d of c.deals.slice(0, 20))
      applyOrderUpdate(c.book, update(d.orderId, d.clientOrderId, d.side, String(d.price), String(d.amount), String(d.amount), true));
    expect(c.book.ledger.filledTotal.toFixed()).toBe(before.filled);
    expect(c.book.pnl.trades).toBe(before.trades);
    expect(owedIntents(c.book)).toEqual([]);
    expect([...c.book.orders.values()].map((o) => o.clientOrderId)).toEqual(before.orders);
  });

  it('after a restart, reconcile over the executed history since long ago answers only the fill it missed', () => {
    const c = roundTrips(FINISHED_CAP);
    // The process dies; while it is down the buy@4 fills. The restarted book reconciles against
    // every deal of the run (an executed history fetched from far before lastDealSec) plus that one.
    const book = resumeBook(c.book);
    const buy = book.orders.get(4)!;
    const missed = deal(c.deals.length + 1, buy.orderId!, buy.clientOrderId, 'buy', buy.price.toFixed(), buy.amount.toFixed(), c.deals.length + 1);
    const open = [...book.orders.values()].filter((o) => o.level !== 4 && o.orderId !== null).map(listedUntouched);
    const r = reconcileBook(book, { openOrders: open, deals: [...c.deals, missed].reverse() });
    expect(r.placeMissed.map((i) => `${i.side}@${i.level} ${i.amount} ${i.origin}`)).toEqual(['sell@5 0.001 counter']);
    expect(r.cancel).toEqual([]);
  });

  // Review of issue 13: a stray is held only in `cancelling`, not at a level; its fill must count however old its sequence.
  it('counts the fill of a stray being cancelled even when its sequence is below forgottenSeq', () => {
    const c = roundTrips(FINISHED_CAP);
    const book = c.book;
    const keep = book.orders.get(3);
    if (keep === undefined) throw new Error('no order at 3');
    const strayId = cid(3, 'buy', 5);
    const price = keep.price.toFixed();
    expect(5).toBeLessThanOrEqual(book.ledger.forgottenSeq);
    const open = [...book.orders.values()].filter((o) => o.orderId !== null).map(listedUntouched);
    open.push({ orderId: 777777, clientOrderId: strayId, side: 'buy', price, amount: '0.001', left: '0.001', dealStock: '0' });
    const r = reconcileBook(book, { openOrders: open, deals: [] });
    expect(r.cancel.map((o) => o.clientOrderId)).toEqual([strayId]);
    const filledBefore = book.ledger.filledTotal;
    // Before its cancel lands, the stray fills completely.
    applyDeal(book, deal(999999, 777777, strayId, 'buy', price, '0.001', 999999));
    applyOrderUpdate(book, update(777777, strayId, 'buy', price, '0.001', '0.001', true));
    expect(book.ledger.filledTotal.minus(filledBefore).toFixed()).toBe('0.001');
    // Its quantity is answered: owed as a counter-order or kept as the residue of the level above.
    const owed = owedIntents(book).filter((i) => i.side === 'sell');
    const residue = [...book.ledger.residues.entries()].filter(([k]) => k.startsWith('sell@'));
    expect(owed.length + residue.length).toBeGreaterThan(0);
  });
});
