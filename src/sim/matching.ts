/**
 * Matching of one incoming limit order against the opposite side of a book, as data.
 *
 * Rules (WhiteBIT: continuous, strict price-time priority, no speed bumps): the taker walks the
 * opposite side best level first and each level in arrival order, while the level's price is at or
 * better than its limit; every fill happens at the maker's price. Self-trades are allowed unless
 * the caller's `selfTrade` hook says otherwise (STP "no" is the exchange default). The book is mutated
 * (makers reduced or removed); the returned fills tell the caller whom to pay.
 */
import type { BookOrder, OrderBook, Side } from './book.js';
import type { Dec } from './decimal.js';

export interface Fill<O extends BookOrder> {
  readonly maker: O;
  readonly amount: Dec;
  /** The maker's price: the execution price. */
  readonly price: string;
  readonly priceD: Dec;
}

/** True when a `side` order at `limit` would execute against the current best opposite level. */
export function crosses<O extends BookOrder>(book: OrderBook<O>, side: Side, limit: Dec): boolean {
  const best = book.opposite(side).best();
  if (!best) return false;
  return side === 'buy' ? best.priceD.lessThanOrEqualTo(limit) : best.priceD.greaterThanOrEqualTo(limit);
}

/** What to do when the taker meets a maker it must not trade with (self-trade prevention). */
export type SelfTradeAction = 'match' | 'cancelMaker' | 'cancelTaker' | 'cancelBoth';

export interface MatchResult<O extends BookOrder> {
  readonly fills: Fill<O>[];
  /** Unfilled amount of the incoming order. */
  readonly left: Dec;
  /** Makers removed from the book by self-trade prevention (still holding their `left`). */
  readonly cancelledMakers: O[];
  /** True when self-trade prevention cancelled the rest of the incoming order. */
  readonly takerCancelled: boolean;
}

/**
 * Matches `amount` of a `side` order limited at `limit`; returns the fills in execution order and
 * the amount left unfilled. The incoming order itself is not added to the book.
 */
export function matchIncoming<O extends BookOrder>(
  book: OrderBook<O>,
  side: Side,
  limit: Dec,
  amount: Dec,
  selfTrade: (maker: O) => SelfTradeAction = () => 'match',
): MatchResult<O> {
  const opposite = book.opposite(side);
  const fills: Fill<O>[] = [];
  const cancelledMakers: O[] = [];
  let left = amount;
  while (left.greaterThan(0) && crosses(book, side, limit)) {
    const level = opposite.best();
    const maker = level?.orders[0];
    if (!level || !maker) break;
    const action = selfTrade(maker);
    if (action === 'cancelMaker' || action === 'cancelBoth') {
      opposite.remove(maker);
      cancelledMakers.push(maker);
    }
    if (action === 'cancelTaker' || action === 'cancelBoth') return { fills, left, cancelledMakers, takerCancelled: true };
    if (action === 'cancelMaker') continue;
    const qty = maker.left.lessThan(left) ? maker.left : left;
    opposite.reduce(maker, qty);
    left = left.minus(qty);
    fills.push({ maker, amount: qty, price: level.price, priceD: level.priceD });
  }
  return { fills, left, cancelledMakers, takerCancelled: false };
}
