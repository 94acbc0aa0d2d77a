/**
 * One order of the grid, as one mutable record: where it sits (level, side, price, amount, client
 * id, state) and what the fill ledger learned about it (deal ids, Σ deals, highest `deal_stock`,
 * released quantity, final). The level book holds it at its level while it lives; the fill ledger
 * indexes the same record by exchange order id once a fact about it arrived. Nothing copies it.
 *
 * Entry points: `newRecord`, `filledOf`, `pendingOf`, `isFinal`.
 *
 * Invariants: `filled = max(dealSum, reported)` only grows; `released ≤ filled`; a record that is
 * final never learns more quantity (see fill-ledger.ts).
 */
import { ZERO, cmpDec, maxDec, type Decimal } from './decimal.js';
import type { Side } from './market-rules.js';

/** Where an order came from. */
export type OrderOrigin = 'plan' | 'counter' | 'residue' | 'adopted' | 'restore';

/** The life of an order at its level. */
export type LevelOrderState = 'owed' | 'sending' | 'live' | 'unknown';

export interface OrderRecord {
  readonly level: number;
  readonly side: Side;
  readonly price: Decimal;
  /** What the grid asked for (a counter-order not yet sent grows when more of its source fills). */
  amount: Decimal;
  readonly clientOrderId: string;
  readonly seq: number;
  /** Known once the exchange answered (or an order report or reconcile told it). */
  orderId: number | null;
  readonly origin: OrderOrigin;
  state: LevelOrderState;
  /** The order's amount as the exchange reported it, null until a report (or a placement answer) came. */
  reportedAmount: Decimal | null;
  /** Ids of the deals counted, while the order lives (it leaves memory once final). */
  dealIds: number[];
  dealSum: Decimal;
  /** Highest reported cumulative `deal_stock`. */
  reported: Decimal;
  /** Quantity handed to counter-orders or moved to a residue. */
  released: Decimal;
  /** Reported final (event 3) or closed by reconcile. */
  final: boolean;
  /**
   * While it was on its way (`sending`), one of our own orders that it would have met (a buy of ours
   * at or above this sell, or the reverse) left the book. A post-only refusal may then have been that
   * order's doing, though none of ours crosses it any more when the refusal arrives (price-wait.ts).
   * Absent in records checkpointed before it existed: read as false.
   */
  crosserLeft?: boolean;
}

/** The record of an order at its level, before any fact about it. */
export function newRecord(o: Pick<OrderRecord, 'level' | 'side' | 'price' | 'amount' | 'clientOrderId' | 'seq' | 'orderId' | 'origin' | 'state'>): OrderRecord {
  // Written out (not spread) so every record has one shape: the hot path reads them monomorphically.
  return {
    level: o.level,
    side: o.side,
    price: o.price,
    amount: o.amount,
    clientOrderId: o.clientOrderId,
    seq: o.seq,
    orderId: o.orderId,
    origin: o.origin,
    state: o.state,
    reportedAmount: null,
    dealIds: [],
    dealSum: ZERO,
    reported: ZERO,
    released: ZERO,
    final: false,
    crosserLeft: false,
  };
}

/** Returns the order's filled base: max(Σ deduplicated deals, highest reported deal_stock). */
export function filledOf(order: OrderRecord): Decimal {
  return maxDec(order.dealSum, order.reported);
}

/** Returns the filled quantity not yet released or carried. */
export function pendingOf(order: OrderRecord): Decimal {
  return filledOf(order).minus(order.released);
}

/**
 * Returns the order's amount at the exchange, when known: as reported, or, for an order of ours still
 * on its way (`sending`, or its outcome `unknown`), the amount we sent, which is the amount it can
 * rest with if it rests at all (a counter-order grows only while `owed`). Null for an order adopted
 * from the exchange (its record's amount is not the order's) or not sent yet.
 */
function knownAmount(order: OrderRecord): Decimal | null {
  if (order.reportedAmount !== null) return order.reportedAmount;
  return (order.state === 'sending' || order.state === 'unknown') && order.origin !== 'adopted' ? order.amount : null;
}

/**
 * True when no more fills can come: reported final, or filled at least its amount. Why the amount we
 * sent counts too: WhiteBIT's deals carry our client id and can arrive before the placement's answer
 * and its order report (other channels; events before the reply); an order its deals filled in full
 * rests no more, so its level is free at once, not when the answer comes.
 */
export function isFinal(order: OrderRecord): boolean {
  if (order.final) return true;
  const amount = knownAmount(order);
  return amount !== null && cmpDec(filledOf(order), amount) >= 0;
}
