import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D, type LevelBook, applyDeal, applyPlacement, createLevelBook, takeIntents } from '../../../src/grid/index.js';
import { BTC_USDT } from '../../grid/fixtures.js';
import { plan, scope } from '../../grid/ledger-support.js';
import { decodeBook, encodeBook } from '../../../src/runtime/journal/book-codec.js';
import { JournalCorruptError } from '../../../src/runtime/journal/journal-errors.js';
import { applyOp, bookOp, bookOps, buildBook } from './book-gen.js';

const keysInOrder = (b: LevelBook) => ({
  orders: [...b.orders.keys()],
  ledger: [...b.ledger.orders.keys()],
  residues: [...b.ledger.residues.keys()],
  buys: [...b.pnl.openBuys.keys()],
  sells: [...b.pnl.openSells.keys()],
});

describe('book codec', () => {
  it('round-trips books built by the grid functions, Maps in order and Decimals of the grid clone', () => {
    fc.assert(
      fc.property(bookOps(60), fc.nat({ max: 1_000_000 }), (ops, firstSeq) => {
        const book = buildBook(ops, firstSeq);
        const text = encodeBook(book);
        const back = decodeBook(text);
        expect(back).toStrictEqual(book);
        expect(keysInOrder(back)).toEqual(keysInOrder(book));
        expect(back.pnl.realisedQuote).toBeInstanceOf(D);
        expect(encodeBook(back)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips a book with realised PnL (a buy and its counter sell both filled)', () => {
    let book = takeIntents(createLevelBook(plan, scope, BTC_USDT), 100).book;
    for (const o of [...book.orders.values()]) {
      book = applyPlacement(book, { kind: 'placed', clientOrderId: o.clientOrderId, orderId: 100 + o.level, dealStock: '0', left: o.amount.toFixed() });
    }
    const buy = book.orders.get(4)!;
    book = applyDeal(book, { dealId: 1, orderId: 104, clientOrderId: buy.clientOrderId, side: 'buy', price: buy.price.toFixed(), amount: '0.001', fee: '0.000001', feeAsset: 'BTC', time: 1 });
    book = takeIntents(book, 100).book;
    const counter = book.orders.get(5)!;
    book = applyPlacement(book, { kind: 'placed', clientOrderId: counter.clientOrderId, orderId: 200, dealStock: '0', left: '0.001' });
    book = applyDeal(book, { dealId: 2, orderId: 200, clientOrderId: counter.clientOrderId, side: 'sell', price: counter.price.toFixed(), amount: '0.001', fee: '0.065', feeAsset: 'USDT', time: 2 });
    expect(book.pnl.realisedQuote.gt(0)).toBe(true);
    expect(decodeBook(encodeBook(book))).toStrictEqual(book);
  });

  it('gives a decoded book the same future: the next ops act on it as on the original', () => {
    fc.assert(
      fc.property(bookOps(40), fc.array(bookOp, { maxLength: 20 }), (before, after) => {
        const book = buildBook(before);
        let a = book;
        let b = decodeBook(encodeBook(book));
        for (const op of after) {
          a = applyOp(a, op);
          b = applyOp(b, op);
        }
        expect(encodeBook(b)).toBe(encodeBook(a));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses text that is not a book of its format', () => {
    expect(() => decodeBook('{"format":2,"book":{}}')).toThrow(JournalCorruptError);
    expect(() => decodeBook('{"format":1,"book":{"orders":[]}}')).toThrow(/not a level book \(orders\)/);
    expect(() => decodeBook('not json')).toThrow(JournalCorruptError);
  });
});
