/**
 * Trade-driven fills of resting paper orders, and the live queue ahead of each of them. Pure.
 *
 * The fill rule, conservative on purpose (a paper fill must be a fill the real order would have had):
 * - a live trade of N at price P with taker side S can fill resting paper orders on the other side
 *   (S = sell: bids at P or above; S = buy: asks at P or below), best price first, oldest first;
 *   the N is shared among them, never counted twice;
 * - an order priced through P (a bid above P, an ask below) takes what is left of N at once: the live
 *   level at its price was empty, or the trade could not have printed at P;
 * - an order priced at P first lets the live volume that was ahead of it there (its queue) eat the
 *   trade, then takes what is left;
 * - the queue is the live amount at the order's price on its side when it joined; when that level
 *   shrinks without a trade (cancels), the cancels are taken from the BACK of the queue, so the queue
 *   ahead only drops when the level falls below it (`ahead = min(ahead, level)`);
 * - the book and the tape of one live execution arrive separately, in either order: a level that fell
 *   below the queue is taken as the coming trade's work for {@link TRADE_DEPTH_SKEW_MS}, so a trade
 *   that follows within that time eats that part of the queue again instead of filling us (a real
 *   cancel followed by a trade then under-fills: conservative).
 *
 * Fills caused by the live book crossing an order are not decided here: the mirror (mirror.ts) rests
 * the live book as house orders, and the engine matches them at the paper order's price.
 */
import type { Side } from '../book.js';
import { D, ZERO, type Dec } from '../decimal.js';

/** One resting paper order, as the allocation needs it. */
export interface RestingOrder {
  readonly id: number;
  readonly side: Side;
  readonly price: string;
  readonly priceD: Dec;
  readonly left: Dec;
  /** Arrival order within a price (the engine's order id). */
  readonly seq: number;
}

/** One live trade (amount in base; `takerSide` buy = it lifted an ask). */
export interface LiveTrade {
  readonly id: number;
  readonly timeMs: number;
  readonly price: string;
  readonly priceD: Dec;
  readonly amount: Dec;
  readonly takerSide: Side;
}

export interface PaperFill {
  readonly orderId: number;
  readonly amount: Dec;
}

/** How long a drop of the level below the queue may still be the depth side of a trade not yet on the tape. */
export const TRADE_DEPTH_SKEW_MS = 2_000;

interface Place {
  readonly side: Side;
  readonly price: string;
  ahead: Dec;
  /** Queue the level's drop took off `ahead`, at `creditAtMs`: possibly a trade the tape has not shown yet. */
  credit: Dec;
  creditAtMs: number;
}

export class QueueTracker {
  private readonly places = new Map<number, Place>();

  /** A paper order started resting with `ahead` of live volume before it at its price. */
  join(orderId: number, side: Side, price: string, ahead: Dec): void {
    this.places.set(orderId, { side, price, ahead, credit: ZERO, creditAtMs: 0 });
  }

  leave(orderId: number): void {
    this.places.delete(orderId);
  }

  /** The live volume still ahead of the order (zero for an order not tracked). */
  ahead(orderId: number): Dec {
    return this.places.get(orderId)?.ahead ?? ZERO;
  }

  /** The live level at (side, price) is now `amount`: cancels come off the back of the queue. */
  levelChanged(side: Side, price: string, amount: Dec, nowMs: number): void {
    for (const p of this.places.values()) {
      if (p.side !== side || p.price !== price || !amount.lessThan(p.ahead)) continue;
      p.credit = this.freshCredit(p, nowMs).plus(p.ahead.minus(amount));
      p.creditAtMs = nowMs;
      p.ahead = amount;
    }
  }

  /** Returns the fills one live trade gives `orders` (any market side and price; those it cannot reach are skipped), and consumes their queues. */
  allocate(trade: LiveTrade, orders: readonly RestingOrder[], nowMs: number): PaperFill[] {
    const makerSide: Side = trade.takerSide === 'sell' ? 'buy' : 'sell';
    const reached = orders
      .filter((o) => o.side === makerSide && (makerSide === 'buy' ? o.priceD.greaterThanOrEqualTo(trade.priceD) : o.priceD.lessThanOrEqualTo(trade.priceD)))
      .sort((a, b) => {
        const byPrice = makerSide === 'buy' ? b.priceD.comparedTo(a.priceD) : a.priceD.comparedTo(b.priceD);
        return byPrice !== 0 ? byPrice : a.seq - b.seq;
      });
    const fills: PaperFill[] = [];
    let budget = trade.amount;
    // Live volume this trade took from the queue at P: the same live queue stands ahead of every paper order there.
    let liveEaten = ZERO;
    for (const o of reached) {
      const place = this.places.get(o.id);
      if (place && o.priceD.equals(trade.priceD)) {
        // The queue as it stood before a level drop that may be this very trade, less what orders before us saw eaten.
        const credit = this.freshCredit(place, nowMs);
        const queue = D.max(ZERO, place.ahead.plus(credit).minus(liveEaten));
        const eaten = D.min(queue, budget);
        place.ahead = D.min(place.ahead, queue.minus(eaten));
        place.credit = D.max(ZERO, credit.minus(eaten));
        liveEaten = liveEaten.plus(eaten);
        budget = budget.minus(eaten);
      } else if (place) {
        place.ahead = ZERO;
      }
      const take = D.min(o.left, budget);
      if (take.greaterThan(0)) {
        fills.push({ orderId: o.id, amount: take });
        budget = budget.minus(take);
      }
    }
    return fills;
  }

  private freshCredit(p: Place, nowMs: number): Dec {
    return nowMs - p.creditAtMs <= TRADE_DEPTH_SKEW_MS ? p.credit : ZERO;
  }
}
