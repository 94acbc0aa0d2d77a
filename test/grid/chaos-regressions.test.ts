/**
 * Grid regressions found by the chaos suite (test/chaos, issue 7). Each names the scenario and seed
 * that found it.
 */
import { describe, expect, it } from 'vitest';
import type { ExchangeOrder } from '../../src/grid/fill-ledger.js';
import { applyDeal, applyOrderUpdate, applyPlacement, owedIntents, takeIntents, type LevelBook } from '../../src/grid/level-book.js';
import { diffOrders } from '../../src/grid/reconcile.js';
import { cid, deal, placedBook, priceOf, update } from './ledger-support.js';

const openOf = (book: LevelBook, except: readonly number[]): ExchangeOrder[] =>
  [...book.orders.values()]
    .filter((o) => o.orderId !== null && !except.includes(o.level))
    .map((o) => ({
      orderId: o.orderId ?? 0,
      clientOrderId: o.clientOrderId,
      side: o.side,
      price: priceOf(o.level),
      amount: '0.001',
      left: '0.001',
      dealStock: '0',
    }));

const owed = (b: LevelBook) =>
  owedIntents(b)
    .map((i) => `${i.side}@${i.level}`)
    .sort();

describe('chaos regressions', () => {
  it('reconcile answers missed fills in the order they executed (socket-drop-placing, seed 7)', () => {
    // While the socket was down: buy@4 filled, then sell@6, then buy@3. Executed history lists them newest first.
    const book = placedBook();
    const deals = [
      deal(3, 103, cid(3, 'buy', 3), 'buy', priceOf(3), '0.001', 30),
      deal(2, 106, cid(6, 'sell', 6), 'sell', priceOf(6), '0.001', 20),
      deal(1, 104, cid(4, 'buy', 4), 'buy', priceOf(4), '0.001', 10),
    ];
    const r = diffOrders(book, openOf(book, [3, 4, 6]), deals);
    // As the live feed would have: buy@4 → sell@5; sell@6 → buy@5 waits (5 is taken); buy@3 → sell@4.
    // Newest first used to place buy@5 and sell@4: a buy above a sell, the sell refused as post-only.
    expect(r.placeMissed.map((i) => `${i.side}@${i.level}`).sort()).toEqual(['sell@4', 'sell@5']);
    expect(r.book.ledger.residues.get('buy@5')?.toFixed()).toBe('0.001');
  });

  it('a refused counter-order waiting at a free level goes again once an order leaves the book (bulk-partial-failure, seed 7)', () => {
    let book = placedBook();
    // sell@6 fills: its counter buy@5 rests.
    book = applyDeal(book, deal(1, 106, cid(6, 'sell', 6), 'sell', priceOf(6), '0.001'));
    book = applyOrderUpdate(book, update(106, cid(6, 'sell', 6), 'sell', priceOf(6), '0.001', '0.001', true));
    let t = takeIntents(book, 20);
    const buy5 = t.intents.find((i) => i.level === 5 && i.side === 'buy')?.clientOrderId ?? '';
    book = applyPlacement(t.book, { kind: 'placed', clientOrderId: buy5, orderId: 205, dealStock: '0', left: '0.001' });
    // buy@3 fills: its counter sell@4 waits (the plan buy holds 4).
    book = applyDeal(book, deal(2, 103, cid(3, 'buy', 3), 'buy', priceOf(3), '0.001'));
    book = applyOrderUpdate(book, update(103, cid(3, 'buy', 3), 'buy', priceOf(3), '0.001', '0.001', true));
    t = takeIntents(book, 20);
    expect(t.intents.find((i) => i.level === 4)).toBeUndefined();
    // The plan buy at 4 fills: 4 frees and the waiting sell@4 goes out (its own counter, sell@5, waits: 5 is taken).
    book = applyDeal(t.book, deal(3, 104, cid(4, 'buy', 4), 'buy', priceOf(4), '0.001'));
    book = applyOrderUpdate(book, update(104, cid(4, 'buy', 4), 'buy', priceOf(4), '0.001', '0.001', true));
    t = takeIntents(book, 20);
    const s4 = t.intents.find((i) => i.level === 4 && i.side === 'sell');
    expect(s4).toBeDefined();
    // The exchange refuses it (post-only: the buy at 5 is above it): its quantity waits as a residue at a free level.
    book = applyPlacement(t.book, { kind: 'rejected', clientOrderId: s4?.clientOrderId ?? '', reason: 'post-only' });
    expect(book.orders.has(4)).toBe(false);
    expect(book.ledger.residues.get('sell@4')?.toFixed()).toBe('0.001');
    expect(owed(book)).not.toContain('sell@4');
    // The buy at 5 fills and leaves the book: the sell at 4 no longer crosses anything and goes again.
    book = applyDeal(book, deal(4, 205, buy5, 'buy', priceOf(5), '0.001'));
    book = applyOrderUpdate(book, update(205, buy5, 'buy', priceOf(5), '0.001', '0.001', true));
    expect(owed(book)).toContain('sell@4');
    expect(book.ledger.residues.has('sell@4')).toBe(false);
  });
});

describe('chaos regressions (issue 14)', () => {
  it('a residue left waiting behind a refused order goes once the refusal uncrosses its level (rest-429-5xx-bursts, seed 91)', () => {
    let book = placedBook();
    const fill = (dealId: number, level: number, side: 'buy' | 'sell'): void => {
      book = applyDeal(book, deal(dealId, 100 + level, cid(level, side, level), side, priceOf(level), '0.001'));
      book = applyOrderUpdate(book, update(100 + level, cid(level, side, level), side, priceOf(level), '0.001', '0.001', true));
    };
    // The price falls through buy@4 and buy@3: their counters sell@5 and sell@4 are sent in one batch.
    fill(1, 4, 'buy');
    fill(2, 3, 'buy');
    let t = takeIntents(book, 20);
    const sell5 = t.intents.find((i) => i.level === 5 && i.side === 'sell')?.clientOrderId ?? '';
    const sell4 = t.intents.find((i) => i.level === 4 && i.side === 'sell')?.clientOrderId ?? '';
    expect(sell5).not.toBe('');
    expect(sell4).not.toBe('');
    book = t.book;
    // Before they are answered the price jumps through sell@6 and sell@7: buy@5 waits as a residue
    // (5 is taken by the sell in flight), buy@6 rests.
    fill(3, 6, 'sell');
    fill(4, 7, 'sell');
    expect(book.ledger.residues.get('buy@5')?.toFixed()).toBe('0.001');
    t = takeIntents(book, 20);
    const buy6 = t.intents.find((i) => i.level === 6 && i.side === 'buy')?.clientOrderId ?? '';
    book = applyPlacement(t.book, { kind: 'placed', clientOrderId: buy6, orderId: 206, dealStock: '0', left: '0.001' });
    // Both sells are refused as post-only (they would meet the buy at 6). When sell@5 is refused,
    // sell@4 still crosses the buy residue at 5; once sell@4 is refused too, level 5 is free and
    // crosses nothing: the residue must be owed then. It used to wait for an order to finish, and
    // with no more fills nothing ever finished: the grid stayed one level short.
    book = applyPlacement(book, { kind: 'rejected', clientOrderId: sell5, reason: 'post-only', wouldTake: true });
    book = applyPlacement(book, { kind: 'rejected', clientOrderId: sell4, reason: 'post-only', wouldTake: true });
    expect(owed(book)).toContain('buy@5');
    expect(book.ledger.residues.has('buy@5')).toBe(false);
  });
});
