import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D, type LevelBook, applyDeal, applyPlacement, createLevelBook, takeIntents } from '../../../src/grid/index.js';
import { BTC_USDT } from '../../grid/fixtures.js';
import { plan, scope } from '../../grid/ledger-support.js';
import { bookData, bookFromData } from '../../../src/runtime/journal/book-codec.js';
import { JournalCorruptError } from '../../../src/runtime/journal/journal-errors.js';
import { decodeValue } from '../../../src/runtime/journal/value-codec.js';
import { bookText } from './market-scenario.js';
import { type BookOp, applyOp, bookOp, bookOps, buildBook } from './book-gen.js';

const decode = (text: string): LevelBook => bookFromData(decodeValue(text), 'test');

const keysInOrder = (b: LevelBook) => ({
  orders: [...b.orders.keys()],
  ledger: [...b.ledger.orders.keys()],
  finished: [...b.ledger.finished.keys()],
  residues: [...b.ledger.residues.keys()],
  buys: [...b.pnl.openBuys.keys()],
  sells: [...b.pnl.openSells.keys()],
  waiting: [...b.waiting.keys()],
});

describe('book codec', () => {
  it('round-trips books built by the grid functions, Maps in order, Decimals of the grid clone, one record per order', () => {
    fc.assert(
      fc.property(bookOps(60), fc.nat({ max: 1_000_000 }), (ops, firstSeq) => {
        const book = buildBook(ops, firstSeq);
        const text = bookText(book);
        const back = decode(text);
        expect(bookText(back)).toBe(text);
        expect(keysInOrder(back)).toEqual(keysInOrder(book));
        expect(back.pnl.realisedQuote).toBeInstanceOf(D);
        // The record at a level and the ledger's record of that order are one object again.
        for (const [id, o] of back.ledger.orders) {
          const held = back.orders.get(o.level);
          if (held?.clientOrderId === o.clientOrderId) expect(held).toBe(back.ledger.orders.get(id));
        }
        for (const o of back.orders.values()) expect(back.byClientId.get(o.clientOrderId)).toBe(o);
      }),
      { numRuns: 200 },
    );
  });

  it('a stray cancelled at a freed level and adopted on the next reconcile is one record, in the ledger and at its level', () => {
    // Found by the property above (seed 1546424439): the level's own order gone, a stray of ours listed there.
    const warm: BookOp[] = [
      { op: 'take', n: 6 },
      { op: 'take', n: 6 },
      ...Array.from({ length: 10 }, (): BookOp => ({ op: 'outcome', pick: 0, kind: 'placed', filled: 0 })),
    ];
    const book = buildBook([...warm, { op: 'reconcile', drop: 1, strayLevel: 9 }, { op: 'reconcile', drop: 0, strayLevel: 9 }]);
    const stray = book.orders.get(9);
    expect(stray?.orderId).toBe(900_009);
    expect(book.ledger.orders.get(900_009)).toBe(stray);
    expect(stray?.amount.toFixed()).toBe('0.001');
    expect(book.cancelling.has(900_009)).toBe(false);
    const back = decode(bookText(book));
    expect(back.ledger.orders.get(900_009)).toBe(back.orders.get(9));
  });

  it('round-trips a book with realised PnL (a buy and its counter sell both filled)', () => {
    const book = takeIntents(createLevelBook(plan, scope, BTC_USDT), 100).book;
    for (const o of [...book.orders.values()]) {
      applyPlacement(book, { kind: 'placed', clientOrderId: o.clientOrderId, orderId: 100 + o.level, dealStock: '0', left: o.amount.toFixed() });
    }
    const buy = book.orders.get(4)!;
    applyDeal(book, {
      dealId: 1,
      orderId: 104,
      clientOrderId: buy.clientOrderId,
      side: 'buy',
      price: buy.price.toFixed(),
      amount: '0.001',
      fee: '0.000001',
      feeAsset: 'BTC',
      time: 1,
    });
    takeIntents(book, 100);
    const counter = book.orders.get(5)!;
    applyPlacement(book, { kind: 'placed', clientOrderId: counter.clientOrderId, orderId: 200, dealStock: '0', left: '0.001' });
    applyDeal(book, {
      dealId: 2,
      orderId: 200,
      clientOrderId: counter.clientOrderId,
      side: 'sell',
      price: counter.price.toFixed(),
      amount: '0.001',
      fee: '0.065',
      feeAsset: 'USDT',
      time: 2,
    });
    expect(book.pnl.realisedQuote.gt(0)).toBe(true);
    const back = decode(bookText(book));
    expect(back.pnl.realisedQuote.eq(book.pnl.realisedQuote)).toBe(true);
    expect(bookText(back)).toBe(bookText(book));
  });

  it('gives a decoded book the same future: the next ops act on it as on the original', () => {
    fc.assert(
      fc.property(bookOps(40), fc.array(bookOp, { maxLength: 20 }), (before, after) => {
        let a = buildBook(before);
        let b = decode(bookText(a));
        for (const op of after) {
          a = applyOp(a, op);
          b = applyOp(b, op);
        }
        expect(bookText(b)).toBe(bookText(a));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses data that is not a book of a format it reads', () => {
    expect(() => bookFromData({ format: 4 }, 'x')).toThrow(/format 4, this version reads 1 to 3/);
    expect(() => bookFromData({ format: 2, plan: { levels: [] }, scope, rules: BTC_USDT }, 'x')).toThrow(/not a level book \(orders\)/);
    expect(() => bookFromData({ orders: [] }, 'x')).toThrow(JournalCorruptError);
    expect(() => bookFromData(null, 'x')).toThrow(JournalCorruptError);
    expect(bookData(createLevelBook(plan, scope, BTC_USDT)).format).toBe(3);
  });

  it('keeps the levels waiting for price (format 3), and reads a format-2 book (written before they existed) as one where none waits', () => {
    const t = takeIntents(createLevelBook(plan, scope, BTC_USDT), 20);
    const sell6 = t.intents.find((i) => i.level === 6);
    const book = applyPlacement(t.book, { kind: 'rejected', clientOrderId: sell6?.clientOrderId ?? '', reason: 'post-only', wouldTake: true });
    const back = decode(bookText(book));
    expect([...back.waiting.values()].map((w) => `${w.side}@${w.level} ${w.amount.toFixed()} ${w.origin}`)).toEqual(['sell@6 0.001 plan']);
    expect(back.waiting.get('sell@6')?.price).toBeInstanceOf(D);
    const { waiting: _waiting, ...format2 } = bookData(createLevelBook(plan, scope, BTC_USDT));
    expect(bookFromData({ ...format2, format: 2 }, 'x').waiting.size).toBe(0);
  });
});
