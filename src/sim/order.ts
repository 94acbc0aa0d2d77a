/**
 * The exchange's records: orders (active and finished), deals (one per side of each execution)
 * and public trades. All money fields are Decimals; wire formatting lives in wire-format.ts.
 */
import type { BookOrder, Side } from './book.js';
import type { Dec } from './decimal.js';
import type { Stp } from './order-validation.js';
import type { Trigger } from './stop-orders.js';

export interface SimOrder extends BookOrder {
  readonly id: number;
  readonly accountId: string;
  readonly market: string;
  readonly side: Side;
  readonly price: string;
  readonly priceD: Dec;
  readonly amount: Dec;
  readonly clientOrderId: string;
  readonly postOnly: boolean;
  readonly ioc: boolean;
  readonly stp: Stp;
  readonly ctimeMs: number;
  left: Dec;
  dealStock: Dec;
  dealMoney: Dec;
  dealFee: Dec;
  /** Set once a fee has been charged: the asset received (buy → stock, sell → money). */
  feeAsset: string | null;
  mtimeMs: number;
  /** Set when the order left the book (filled or cancelled). */
  ftimeMs: number | null;
  /** Funds still frozen for this order (quote at the limit price for a buy, base for a sell). */
  frozen: Dec;
  /** Market orders only (WS order entry): how the request was sized; absent for limit orders. */
  readonly marketOrder?: MarketOrderInfo;
  /** Stop orders only: the trigger, and whether it has fired (the record keeps its id across activation). */
  readonly stop?: StopInfo;
}

/**
 * A stop order's trigger and kind. Until it fires the order waits outside the book with its funds
 * frozen (WhiteBIT: an untriggered stop "consumes no balance beyond the reservation for the pending
 * order"): a stop-limit holds what its limit order would, a stop-market buy its quote amount, a
 * stop-market sell its base amount. On activation the reservation is released and the order is
 * placed as a limit (stop-limit) or market (stop-market) order with the same id.
 */
export interface StopInfo extends Trigger {
  /** 3 stop-limit, 4 stop-market (buy sized in quote, sell in base). */
  readonly type: 3 | 4;
  readonly activated: boolean;
}

/**
 * A market order runs in the engine as an IOC limit at the worst price its plan reaches; this keeps
 * what the client asked for, which the WS order object reports (type 2/202, price "0").
 */
export interface MarketOrderInfo {
  /** 2: buy sized in quote, sell in base; 202: base on both sides. */
  readonly type: 2 | 202;
  /** The requested amount, in quote for a type-2 buy, in base otherwise. */
  readonly requested: Dec;
  /** True when the book (or the balance) ran out before the request was met. */
  readonly short: boolean;
}

/** An immutable copy of an order at one moment (Decimals are immutable, so a shallow copy is enough). */
export type OrderSnapshot = Readonly<SimOrder>;

export const snapshotOrder = (o: SimOrder): OrderSnapshot => Object.freeze({ ...o });

/** True once the order left the book. */
export const isFinished = (o: OrderSnapshot): boolean => o.ftimeMs !== null;

/** Status in WebSocket terms (OPEN / PARTIALLY_FILLED / FILLED / CANCELED), derived from the numbers. */
export function wsStatus(o: OrderSnapshot): 'OPEN' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' {
  // A market order's answer is already terminal: FILLED, or PARTIALLY_FILLED when the book ran out.
  if (o.marketOrder && o.ftimeMs !== null && !o.dealStock.isZero()) return o.marketOrder.short || !o.left.isZero() ? 'PARTIALLY_FILLED' : 'FILLED';
  if (o.ftimeMs !== null) return o.left.isZero() ? 'FILLED' : 'CANCELED';
  return o.dealStock.isZero() ? 'OPEN' : 'PARTIALLY_FILLED';
}

/** Status in REST terms: a resting order with no fill is "NEW" (the guide's example; see protocol §4.2). */
export function restStatus(o: OrderSnapshot): 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' {
  const s = wsStatus(o);
  return s === 'OPEN' ? 'NEW' : s;
}

/** One side of one execution, as the account that took part sees it. */
export interface DealRecord {
  readonly id: number;
  readonly timeMs: number;
  readonly market: string;
  readonly accountId: string;
  readonly orderId: number;
  /** The other side's order id (WhiteBIT's `dealOrderId` / `deal_order_id`). */
  readonly counterOrderId: number;
  readonly clientOrderId: string;
  readonly side: Side;
  /** 1 maker, 2 taker. */
  readonly role: 1 | 2;
  readonly price: string;
  readonly amount: Dec;
  /** Quote value: amount × price. */
  readonly deal: Dec;
  readonly fee: Dec;
  readonly feeAsset: string;
}

/** One execution as the public sees it. */
export interface PublicTrade {
  readonly id: number;
  readonly market: string;
  readonly timeMs: number;
  readonly price: string;
  readonly amount: Dec;
  readonly quote: Dec;
  readonly takerSide: Side;
  readonly makerAccountId: string;
  readonly takerAccountId: string;
  readonly makerOrderId: number;
  readonly takerOrderId: number;
}
