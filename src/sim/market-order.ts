/**
 * Planning of a market order over the current book, read-only. The engine has one matching path (a
 * limit order); a market order runs on it as an IOC limit at the worst price the plan reaches, for
 * the base amount the plan found. Buys are also capped by what the buyer can pay, so a shortfall
 * fills partially instead of failing (WS `order_market_stock_place`, protocol-2 §1.5).
 *
 * @see whitebit-protocol-2.md §1.5
 */
import type { OrderBook, Side } from './book.js';
import { floorTo, ZERO, type Dec } from './decimal.js';
import type { SimOrder } from './order.js';

/** How the client sized the order: base amount, or (buy only) quote to spend. */
export type MarketSize = { readonly base: Dec } | { readonly quote: Dec };

export type MarketPlan =
  | { readonly kind: 'fill'; readonly amount: Dec; readonly worst: Dec; readonly short: boolean }
  /** The opposite side is empty. */
  | { readonly kind: 'noLiquidity' }
  /** The buyer cannot pay for the smallest step at the best price. */
  | { readonly kind: 'noFunds' };

/**
 * Walks the opposite side best-first. `available` is the buyer's free quote (ignored for sells,
 * whose balance the engine checks against the planned base amount).
 */
export function planMarket(book: OrderBook<SimOrder>, side: Side, size: MarketSize, available: Dec, stockPrec: number): MarketPlan {
  const levels = [...book.opposite(side).iterate()];
  if (levels.length === 0) return { kind: 'noLiquidity' };
  let base = 'base' in size ? size.base : null;
  let quote = 'quote' in size ? size.quote : null;
  let amount = ZERO;
  let worst = ZERO;
  // True while every level was taken whole: the book, not the request, ended the walk.
  let ranOut = true;
  for (const level of levels) {
    let take = level.total;
    if (base !== null && base.lessThan(take)) take = base;
    if (quote !== null) take = minOf(take, floorTo(quote.div(level.priceD), stockPrec));
    if (take.lessThan(level.total)) ranOut = false;
    if (take.lessThanOrEqualTo(0)) break;
    amount = amount.plus(take);
    worst = level.priceD;
    if (base !== null) base = base.minus(take);
    if (quote !== null) quote = quote.minus(take.times(level.priceD));
    if (!ranOut) break;
  }
  if (amount.isZero()) return { kind: quote !== null ? 'noFunds' : 'noLiquidity' };
  const short = base !== null ? base.greaterThan(0) : ranOut && quote !== null && quote.greaterThan(0);
  if (side === 'buy') {
    // The engine freezes amount × worst for a buy; never ask it to freeze more than the buyer has.
    const affordable = floorTo(available.div(worst), stockPrec);
    if (affordable.isZero()) return { kind: 'noFunds' };
    if (affordable.lessThan(amount)) return { kind: 'fill', amount: affordable, worst, short: true };
  }
  return { kind: 'fill', amount, worst, short };
}

function minOf(a: Dec, b: Dec): Dec {
  return a.lessThan(b) ? a : b;
}
