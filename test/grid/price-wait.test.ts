/**
 * Levels waiting for price (issue 14, "The grid must not shrink silently"): an order refused as
 * post-only waits, visibly, and is owed again exactly once, with a fresh client id, when the price
 * lets it rest at a free level. Before: a refused plan or re-placed level was dropped for good, and
 * a refused counter quantity waited as a residue nothing but a freed level would retry.
 */
import { describe, expect, it } from 'vitest';
import { dec } from '../../src/grid/decimal.js';
import {
  applyDeal,
  applyOrderUpdate,
  applyPlacement,
  cloneBook,
  createLevelBook,
  owedIntents,
  releaseWaiting,
  takeIntents,
  waitingReleases,
  type LevelBook,
  type OrderIntent,
} from '../../src/grid/level-book.js';
import { restsAt } from '../../src/grid/price-wait.js';
import { BTC_USDT } from './fixtures.js';
import { cid, deal, placedBook, plan, priceOf, scope, update } from './ledger-support.js';

const owed = (b: LevelBook) => owedIntents(b).map((i) => `${i.side}@${i.level} ${i.amount} ${i.origin}`);
const waiting = (b: LevelBook) => [...b.waiting.values()].map((w) => `${w.side}@${w.level} ${w.amount.toFixed()} ${w.origin}`).sort();
const refuse = (book: LevelBook, i: OrderIntent | undefined) =>
  applyPlacement(book, { kind: 'rejected', clientOrderId: i?.clientOrderId ?? '', reason: 'post-only rejected (code 13)', wouldTake: true });

/** sell@6 fills (price went up): its counter buy@5 is taken for sending. */
function counterBuy5Sent(): { book: LevelBook; buy5: OrderIntent | undefined } {
  let book = placedBook();
  book = applyDeal(book, deal(1, 106, cid(6, 'sell', 6), 'sell', priceOf(6), '0.001'));
  book = applyOrderUpdate(book, update(106, cid(6, 'sell', 6), 'sell', priceOf(6), '0.001', '0.001', true));
  const t = takeIntents(book, 20);
  return { book: t.book, buy5: t.intents.find((i) => i.level === 5 && i.side === 'buy') };
}

/**
 * sell@6 fills: its counter buy@5 rests (order 205); then buy@3 and the plan buy at 4 fill: the
 * counter sell@4 is taken for sending, under our own buy at 5 (the exchange will refuse it).
 */
function sell4SentUnderBuy5(): { book: LevelBook; buy5: string; sell4: OrderIntent | undefined } {
  let book = placedBook();
  book = applyOrderUpdate(book, update(106, cid(6, 'sell', 6), 'sell', priceOf(6), '0.001', '0.001', true));
  let t = takeIntents(book, 20);
  const buy5 = t.intents.find((i) => i.level === 5)?.clientOrderId ?? '';
  book = applyPlacement(t.book, { kind: 'placed', clientOrderId: buy5, orderId: 205, dealStock: '0', left: '0.001' });
  book = applyOrderUpdate(book, update(103, cid(3, 'buy', 3), 'buy', priceOf(3), '0.001', '0.001', true));
  book = applyOrderUpdate(book, update(104, cid(4, 'buy', 4), 'buy', priceOf(4), '0.001', '0.001', true));
  t = takeIntents(book, 20);
  return { book: t.book, buy5, sell4: t.intents.find((i) => i.level === 4 && i.side === 'sell') };
}

describe('levels waiting for price', () => {
  it('a buy rests above its level, a sell below; at the level itself neither', () => {
    expect(restsAt('buy', dec('100'), dec('100.01'))).toBe(true);
    expect(restsAt('buy', dec('100'), dec('100'))).toBe(false);
    expect(restsAt('sell', dec('100'), dec('99.99'))).toBe(true);
    expect(restsAt('sell', dec('100'), dec('100'))).toBe(false);
  });

  it('a counter-order refused as post-only waits for price, and is owed once when the price is back above its level', () => {
    const { book: sent, buy5 } = counterBuy5Sent();
    expect(buy5).toBeDefined();
    const book = refuse(sent, buy5);
    expect(book.orders.has(5)).toBe(false);
    expect(waiting(book)).toEqual(['buy@5 0.001 counter']);
    expect(book.ledger.residues.size).toBe(0);
    // The price is still at or below 65000: nothing goes.
    expect(releaseWaiting(book, dec('64000'))).toBe(0);
    expect(releaseWaiting(book, dec('65000'))).toBe(0);
    expect(owed(book)).toEqual([]);
    // Above it: owed with a fresh client id, and no longer waiting.
    expect(waitingReleases(book, dec('65500')).map((w) => w.level)).toEqual([5]);
    expect(releaseWaiting(book, dec('65500'))).toBe(1);
    expect(owed(book)).toEqual(['buy@5 0.001 counter']);
    const again = owedIntents(book)[0]?.clientOrderId;
    expect(again).not.toBe(buy5?.clientOrderId);
    expect(waiting(book)).toEqual([]);
    // Exactly once: later prices release nothing more.
    expect(releaseWaiting(book, dec('66000'))).toBe(0);
    expect(owed(book)).toHaveLength(1);
  });

  it('a plan level refused at start waits too (it used to be dropped for good)', () => {
    const t = takeIntents(createLevelBook(plan, scope, BTC_USDT), 20);
    const sell6 = t.intents.find((i) => i.level === 6);
    const book = refuse(t.book, sell6);
    expect(waiting(book)).toEqual(['sell@6 0.001 plan']);
    expect(releaseWaiting(book, dec('66000'))).toBe(0);
    expect(releaseWaiting(book, dec('65990'))).toBe(1);
    expect(owed(book)).toEqual(['sell@6 0.001 plan']);
  });

  it('a refusal that is not post-only does not wait (a balance problem cannot get better with the price)', () => {
    const { book: sent, buy5 } = counterBuy5Sent();
    const book = applyPlacement(sent, { kind: 'rejected', clientOrderId: buy5?.clientOrderId ?? '', reason: 'not enough balance' });
    expect(waiting(book)).toEqual([]);
    expect(book.ledger.residues.get('buy@5')?.toFixed()).toBe('0.001');
  });

  it('more quantity for a waiting (side, level) joins it instead of being sent to be refused', () => {
    let book = placedBook();
    const sell6 = cid(6, 'sell', 6);
    // The sell at 6 fills in part: its counter buy@5 is sent and refused.
    book = applyDeal(book, deal(1, 106, sell6, 'sell', priceOf(6), '0.0004'));
    const t = takeIntents(book, 20);
    book = refuse(t.book, t.intents[0]);
    expect(waiting(book)).toEqual(['buy@5 0.0004 counter']);
    // The rest of it fills: its counter joins the wait; nothing is sent.
    book = applyDeal(book, deal(2, 106, sell6, 'sell', priceOf(6), '0.0006'));
    expect(owed(book)).toEqual([]);
    expect(waiting(book)).toEqual(['buy@5 0.001 counter']);
    // The other side of that level is not held back: the buy at 4 fills and its sell@5 is owed now.
    book = applyDeal(book, deal(3, 104, cid(4, 'buy', 4), 'buy', priceOf(4), '0.001'));
    expect(owed(book)).toEqual(['sell@5 0.001 counter']);
  });

  it('waits while its level is busy, and goes at the first price event after the level frees', () => {
    const { book: sent, buy5 } = counterBuy5Sent();
    let book = refuse(sent, buy5);
    // The buy at 4 fills: its counter sell@5 takes the free level 5.
    book = applyDeal(book, deal(2, 104, cid(4, 'buy', 4), 'buy', priceOf(4), '0.001'));
    const t = takeIntents(book, 20);
    const sell5 = t.intents.find((i) => i.level === 5 && i.side === 'sell');
    book = applyPlacement(t.book, { kind: 'placed', clientOrderId: sell5?.clientOrderId ?? '', orderId: 205, dealStock: '0', left: '0.001' });
    // The price is above 65000 again, but the sell rests at 5 (its fill not yet seen): the buy waits.
    expect(waitingReleases(book, dec('65500'))).toEqual([]);
    expect(releaseWaiting(book, dec('65500'))).toBe(0);
    expect(waiting(book)).toEqual(['buy@5 0.001 counter']);
    // The sell at 5 fills: its counter buy@4 is owed; level 5 is free, and the next price event places the buy.
    book = applyOrderUpdate(book, update(205, sell5?.clientOrderId ?? '', 'sell', priceOf(5), '0.001', '0.001', true));
    expect(owed(book)).toEqual(['buy@4 0.001 counter']);
    expect(releaseWaiting(book, dec('65500'))).toBe(1);
    expect(owed(book).sort()).toEqual(['buy@4 0.001 counter', 'buy@5 0.001 counter']);
  });

  it('a residue freed at a waiting (side, level) joins the wait', () => {
    const { book: sent, buy5 } = counterBuy5Sent();
    const book = refuse(sent, buy5);
    book.ledger.residues.set('buy@5', dec('0.0005'));
    // Any order leaving the book flushes residues at free levels: this one joins the wait instead.
    const filled = applyOrderUpdate(book, update(100, cid(0, 'buy', 0), 'buy', priceOf(0), '0.001', '0', true));
    expect(filled.ledger.residues.has('buy@5')).toBe(false);
    expect(waiting(filled)).toEqual(['buy@5 0.0015 counter']);
  });

  it('a level refused while it crossed our own order also goes once that order leaves the book (no price needed)', () => {
    const sent = sell4SentUnderBuy5();
    let book = refuse(sent.book, sent.sell4);
    const { buy5 } = sent;
    expect([...book.waiting.values()].map((w) => `${w.side}@${w.level} ${String(w.crossedOwn)}`)).toEqual(['sell@4 true']);
    // The buy at 5 fills and leaves the book: the sell at 4 crosses nothing of ours any more and goes.
    book = applyOrderUpdate(book, update(205, buy5, 'buy', priceOf(5), '0.001', '0.001', true));
    expect(owed(book).sort()).toEqual(['sell@4 0.001 residue', 'sell@5 0.001 residue', 'sell@6 0.001 counter']);
    expect(waiting(book)).toEqual([]);
  });

  it('a level refused while on its way, whose crossing own order left before the refusal came back, goes again at once (chaos sigkill-restart seed 13)', () => {
    const { book: sent, buy5, sell4 } = sell4SentUnderBuy5();
    expect(sell4).toBeDefined();
    // The buy at 5 fills and leaves the book while sell@4 is on its way; then the refusal arrives.
    let book = applyOrderUpdate(sent, update(205, buy5, 'buy', priceOf(5), '0.001', '0.001', true));
    book = refuse(book, sell4);
    // Nothing of ours crosses sell@4 now, and nothing says the market did: it is owed again, with a
    // fresh client id, instead of waiting for a last price below it that may never print.
    expect(waiting(book)).toEqual([]);
    const again = owedIntents(book).find((i) => i.level === 4 && i.side === 'sell');
    expect(again?.amount).toBe('0.001');
    expect(again?.clientOrderId).not.toBe(sell4?.clientOrderId);
    // Refused again (the market's own bids this time): now it waits for price.
    const t = takeIntents(book, 20);
    book = refuse(
      t.book,
      t.intents.find((i) => i.level === 4 && i.side === 'sell'),
    );
    expect([...book.waiting.values()].map((w) => `${w.side}@${w.level} ${String(w.crossedOwn)}`)).toEqual(['sell@4 false']);
  });

  it('a level refused by the market alone waits for price even when orders leave the book', () => {
    const { book: sent, buy5 } = counterBuy5Sent();
    const book = refuse(sent, buy5);
    expect(book.waiting.get('buy@5')?.crossedOwn).toBe(false);
    const after = applyOrderUpdate(book, update(100, cid(0, 'buy', 0), 'buy', priceOf(0), '0.001', '0.001', true));
    expect(waiting(after)).toEqual(['buy@5 0.001 counter']);
  });

  it('survives a copy (a restored book keeps its waiting levels)', () => {
    const { book: sent, buy5 } = counterBuy5Sent();
    const book = refuse(sent, buy5);
    const copy = cloneBook(book);
    expect(waiting(copy)).toEqual(['buy@5 0.001 counter']);
    releaseWaiting(copy, dec('65500'));
    expect(waiting(book)).toEqual(['buy@5 0.001 counter']);
  });
});
