/**
 * Levels waiting for price: an order of the grid that the exchange refused as post-only (it would
 * have taken: the price had moved past its level while it was owed) waits here, as a quantity at a
 * (side, level), until the market's price says it would rest as a maker again. Then the level book
 * owes it as a new order, with a fresh client id (level-book.ts `releaseWaiting`).
 *
 * Entry points: `restsAt` (the price rule), `isWouldTake` (which refusals wait), `WaitingLevel`.
 *
 * Rules:
 * - a buy at level price L rests once the last price is above L; a sell once it is below L. Strict:
 *   at L itself the order would meet the trade that printed L;
 * - only a post-only refusal waits (the desk marks it `wouldTake`). Any other refusal (balance,
 *   minimums) cannot get better with the price: waiting on it would re-send it on every price
 *   event. A refusal journaled before this rule existed carries no mark and is read as before
 *   (a counter quantity back to the residue), so an old journal replays to the book it made;
 * - a waiting entry holds no level: the other side may rest there meanwhile (the price is on its
 *   side), and a counter quantity for the same (side, level) joins the entry instead of being sent
 *   to be refused again. It is released only onto a free level that crosses none of our orders;
 *   otherwise it waits for the next price event.
 * - a price event releases it (the release must be a function of journaled events: a price event
 *   that releases is journaled, runtime/journal/inspect-hook.ts; price events that release nothing
 *   are not). One exception: a level refused while it crossed one of the bot's own orders
 *   (`crossedOwn`) also goes once no own order crosses it any more, when an order leaves the book
 *   (a journaled event too): the own order may have been all that was in its way. The same holds
 *   for a refusal that comes back after such an own order already left (it was filled while the
 *   refused one was on its way: `OrderRecord.crosserLeft`): that level is owed again at once, once;
 *   refused again, it waits for price.
 */
import type { Decimal } from './decimal.js';
import type { Side } from './market-rules.js';
import type { OrderOrigin } from './order-record.js';

/** A quantity the grid owes at a (side, level), waiting until the price lets it rest. */
export interface WaitingLevel {
  readonly level: number;
  readonly side: Side;
  /** The level's price. */
  readonly price: Decimal;
  /** Grows when more quantity for the same (side, level) arrives while it waits. */
  amount: Decimal;
  /** Where the first refused order came from (kept for the order it is released as). */
  readonly origin: OrderOrigin;
  /**
   * It was refused while it would meet one of the bot's own orders (a sell at or below a buy of
   * ours): that order leaving the book may be all it waits for, price or not.
   */
  crossedOwn: boolean;
}

/** True when an order of `side` at `levelPrice` rests as a maker with the last trade at `price`. */
export function restsAt(side: Side, levelPrice: Decimal, price: Decimal): boolean {
  return side === 'buy' ? price.gt(levelPrice) : price.lt(levelPrice);
}

/** True when a refusal is the post-only kind (the order would have taken): its level waits for price. */
export function isWouldTake(outcome: { readonly kind: string; readonly wouldTake?: boolean }): boolean {
  return outcome.kind === 'rejected' && outcome.wouldTake === true;
}
