/**
 * Which path prices the market actor is told (its `feed.price`, WhiteBIT's `lastprice` channel,
 * which pushes about once a second live).
 *
 * The actor acts on a price in two cases only: a risk limit it breaches (the `riskBreached` guard:
 * grid/risk.ts `checkRisk`), and levels waiting for price that it may release. Otherwise it just
 * notes the price. Telling every path point (four per candle, 172 800 for 30 days) cost two thirds
 * of a backtest's CPU in the machine's bookkeeping for prices it only notes; so a point is told
 * when `checkRisk` (the same function the guard calls) finds a breach, when levels wait, when the
 * actor is not trading (it loads, places, reconciles), and otherwise at least every
 * PRICE_NOTE_EVERY_MS, so its last price is never older than that.
 */
import { checkRisk, type Decimal } from '../../grid/index.js';
import type { MarketContext } from '../../machines/market/market.types.js';

/** How stale the actor's noted price may get between prices it must act on. */
export const PRICE_NOTE_EVERY_MS = 300_000;

export interface PriceNews {
  /** Returns true when the actor must hear `price` now (and records that it did). */
  tell(context: MarketContext, trading: boolean, price: Decimal, nowMs: number): boolean;
}

export function priceNews(): PriceNews {
  let toldAt = -Infinity;
  return {
    tell(context, trading, price, nowMs) {
      const must =
        !trading ||
        nowMs - toldAt >= PRICE_NOTE_EVERY_MS ||
        context.book === null ||
        context.plan === null ||
        context.book.waiting.size > 0 ||
        !checkRisk(context.settings.risk, { price, plan: context.plan, book: context.book }).ok;
      if (must) toldAt = nowMs;
      return must;
    },
  };
}
