import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntMap } from '../../../src/grid/index.js';
import { decodeBook, encodeBook } from '../../../src/runtime/journal/book-codec.js';
import { encodeValue } from '../../../src/runtime/journal/value-codec.js';
import { bookOps, buildBook } from './book-gen.js';

describe('book codec, older journals', () => {
  it('reads a checkpoint whose ledger orders were a plain Map (before the IntMap) into the current shape', () => {
    // A book with fills in its ledger: the first sampled op list that produces some.
    const book = fc.sample(bookOps(60), { numRuns: 200, seed: 7 }).map((ops) => buildBook(ops, 1)).find((b) => b.ledger.orders.size > 2);
    if (!book) throw new Error('no sample with fills');
    const old = { ...book, ledger: { ...book.ledger, orders: new Map(book.ledger.orders) } };
    const back = decodeBook(encodeValue({ format: 1, book: old }));
    expect(back.ledger.orders).toBeInstanceOf(IntMap);
    expect(encodeBook(back)).toBe(encodeBook(book));
  });
});
