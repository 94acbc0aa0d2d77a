/**
 * Rests the live book in the embedded engine as orders of the house account, the way the price
 * process rests its quotes in `gridbot sim`, so the engine's own matching does the rest: a paper
 * order that crosses the live book takes liquidity at live prices, post-only is refused against it,
 * and a live level that moves through a resting paper order trades with it at the paper order's
 * price (the paper order is the maker: it was there first).
 *
 * Each level change moves the house's volume at that level by the live change (not to the live
 * amount), so liquidity a paper order took stays taken until the live level itself changes. Within
 * one update all reductions run before any addition, so the house never crosses itself; a reduction
 * takes the house's newest orders at the level first (cancels come off the back of the queue,
 * queue.ts).
 */
import type { Side } from '../book.js';
import { ZERO, type Dec } from '../decimal.js';
import type { Exchange } from '../exchange.js';
import type { Market } from '../markets.js';
import type { LevelChange } from './live-book.js';

export class HouseMirror {
  constructor(
    private readonly exchange: Exchange,
    private readonly house: string,
    private readonly market: Market,
  ) {}

  /** Applies one update's level changes to the house's orders. */
  apply(changes: readonly LevelChange[], nowMs: number): void {
    for (const c of changes) if (c.to.lessThan(c.from)) this.reduce(c.side, c.price, c.from.minus(c.to), nowMs);
    for (const c of changes) if (c.to.greaterThan(c.from)) this.exchange.placeHouse(this.house, this.market, c.side, c.priceD, c.to.minus(c.from), nowMs);
  }

  /** Takes every house order off the book (the feed was lost; the book is rebuilt from the next snapshot). */
  clear(nowMs: number): void {
    this.exchange.cancelAll(this.house, this.market.name, null, nowMs);
  }

  /** Cancels `amount` of house volume at the level, newest first; what paper orders took already is not taken twice. */
  private reduce(side: Side, price: string, amount: Dec, nowMs: number): void {
    const level = this.exchange.bookOf(this.market.name).side(side).level(price);
    const ours = (level?.orders ?? []).filter((o) => o.accountId === this.house);
    let rest = amount;
    for (const order of ours.reverse()) {
      if (!rest.greaterThan(ZERO)) break;
      const left = order.left;
      this.exchange.cancelOrder(this.house, this.market.name, { orderId: order.id }, nowMs);
      if (left.greaterThan(rest)) {
        // The remainder goes to the back of its level. The engine's queue there does not decide paper fills:
        // a live level reaching a paper order's price removes the house volume ahead of it in the same update.
        this.exchange.placeHouse(this.house, this.market, side, order.priceD, left.minus(rest), nowMs);
        rest = ZERO;
      } else {
        rest = rest.minus(left);
      }
    }
  }
}
