/**
 * Journals written before the book was mutable (checkpoint format 1): their restore book has
 * immutable level orders beside a ledger of every order ever filled. It is converted on reading.
 */
import { describe, expect, it } from 'vitest';
import { D, IntMap, type LevelBook, applyDeal, takeIntents } from '../../../src/grid/index.js';
import { owedIntents } from '../../../src/grid/level-book.js';
import { decodeCheckpoint } from '../../../src/runtime/journal/checkpoint-codec.js';
import { encodeValue } from '../../../src/runtime/journal/value-codec.js';
import { BTC_USDT } from '../../grid/fixtures.js';
import { cid, plan, scope } from '../../grid/ledger-support.js';
import { settings } from '../../machines/market/market-harness.js';

const d = (s: string) => new D(s);
const owedIntentsOf = (book: LevelBook) => owedIntents(book).map((i) => `${i.side}@${i.level} ${i.amount}`);

/** A format-1 book: buy@4 filled (its counter sell@5 rests as order 205), buy@3 half filled. */
function format1Book() {
  const level = (lvl: number, side: 'buy' | 'sell', seq: number, orderId: number, origin: string) => ({
    level: lvl,
    side,
    price: plan.levels[lvl]!.price,
    amount: d('0.001'),
    clientOrderId: cid(lvl, side, seq),
    seq,
    orderId,
    origin,
    state: 'live',
  });
  const fills = (orderId: number, lvl: number, side: 'buy' | 'sell', seq: number, deals: [number, string][], final: boolean, released: string) => ({
    orderId,
    clientOrderId: cid(lvl, side, seq),
    level: lvl,
    side,
    price: plan.levels[lvl]!.price,
    amount: d('0.001'),
    deals: new Map(deals.map(([id, a]) => [id, d(a)])),
    dealSum: deals.reduce((s, [, a]) => s.plus(a), d('0')),
    reported: d('0'),
    released: d(released),
    final,
  });
  return {
    plan,
    scope,
    rules: BTC_USDT,
    orders: new Map([
      [3, level(3, 'buy', 3, 103, 'plan')],
      [5, level(5, 'sell', 11, 205, 'counter')],
    ]),
    cancelling: new Map(),
    ledger: {
      orders: IntMap.from([
        [104, fills(104, 4, 'buy', 4, [[1, '0.001']], true, '0.001')],
        [103, fills(103, 3, 'buy', 3, [[2, '0.0005']], false, '0.0005')],
      ]),
      residues: new Map(),
      lastDealSec: 2,
    },
    pnl: {
      openBuys: new Map(),
      openSells: new Map(),
      realisedQuote: d('0'),
      feesQuote: d('0'),
      inventoryBase: d('0.0015'),
      quoteFlow: d('-96'),
      matchedBase: d('0'),
    },
    nextSeq: 12,
    offGridBase: d('0'),
    problems: [],
  };
}

describe('a checkpoint written before the mutable book', () => {
  it('restores: orders get their fills, finished ones only their id, totals and counts carried over', () => {
    const text = encodeValue({ format: 1, input: { ...settings({ onStart: 'adopt' }), restore: format1Book() } });
    const book = decodeCheckpoint(text).restore!;
    expect([...book.orders.keys()]).toEqual([3, 5]);
    expect(book.orders.get(3)?.dealSum.toFixed()).toBe('0.0005');
    expect(book.ledger.orders.get(103)).toBe(book.orders.get(3));
    expect([...book.ledger.finished.keys()]).toEqual([104]);
    expect(book.ledger.filledTotal.toFixed()).toBe('0.0015');
    expect(book.ledger.dealCount).toBe(2);
    expect(book.pnl.trades).toBe(0);
    // A redelivered deal of the finished buy@4 counts nothing; the rest of buy@3 releases its counter.
    applyDeal(book, {
      dealId: 1,
      orderId: 104,
      clientOrderId: cid(4, 'buy', 4),
      side: 'buy',
      price: '64000',
      amount: '0.001',
      fee: '0',
      feeAsset: 'BTC',
      time: 1,
    });
    expect(book.ledger.filledTotal.toFixed()).toBe('0.0015');
    applyDeal(book, {
      dealId: 3,
      orderId: 103,
      clientOrderId: cid(3, 'buy', 3),
      side: 'buy',
      price: '63000',
      amount: '0.0005',
      fee: '0',
      feeAsset: 'BTC',
      time: 3,
    });
    expect(owedIntentsOf(book)).toEqual(['sell@4 0.0005']);
    expect(takeIntents(book, 10).intents).toHaveLength(1);
  });

  it('is refused with a clear message when its format is unknown', () => {
    expect(() => decodeCheckpoint(encodeValue({ format: 9, input: {} }))).toThrow(/not a checkpoint of format 1 or 2 \(found format 9\)/);
  });
});
