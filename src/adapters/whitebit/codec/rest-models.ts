/**
 * Wire types of the WhiteBIT v4 REST endpoints we call. Field names are WhiteBIT's, unchanged;
 * the `Wb` prefix marks a wire type (domain types elsewhere do not carry it).
 *
 * Invariants: prices, amounts, fees and balances are decimal strings (never JS numbers); order and
 * deal ids are JSON integers well below 2^53, kept as `number`. Responses may carry fields we do not
 * know (the decoders keep them); optional fields are the ones older or newer payloads omit.
 * @see whitebit-protocol.md §3, §4
 */

/** A decimal number as WhiteBIT sends it: `"0.001"`, `"64010.5"`. */
export type DecimalString = string;

export type WbSide = 'buy' | 'sell';
export type WbOrderKindType = 'spot' | 'margin' | 'futures';

// ---------- public ----------

/** One entry of GET /api/v4/public/markets. @see whitebit-protocol.md §3.1 */
export interface WbMarket {
  readonly name: string;
  readonly stock: string;
  readonly money: string;
  /** Max decimals of the amount, as a string holding an integer. */
  readonly stockPrec: string;
  /** Max decimals of the price, as a string holding an integer. */
  readonly moneyPrec: string;
  readonly feePrec: string;
  /** Percent: "0.1" means 0.1 % (older payloads sent ratios). */
  readonly makerFee: DecimalString;
  readonly takerFee: DecimalString;
  readonly minAmount: DecimalString;
  readonly minTotal: DecimalString;
  /** "0" means no cap. */
  readonly maxTotal: DecimalString;
  readonly tradesEnabled: boolean;
  readonly type?: string;
  readonly isCollateral?: boolean;
  readonly isTradFiFutures?: boolean;
  readonly delistedAt?: number | null;
}

/** One value of GET /api/v4/public/ticker (keyed by market). @see §3.2 */
export interface WbTicker {
  readonly base_id: number;
  readonly quote_id: number;
  readonly last_price: DecimalString;
  readonly quote_volume: DecimalString;
  readonly base_volume: DecimalString;
  readonly isFrozen: boolean;
  readonly change: DecimalString;
}

/** `[price, amount]`. */
export type WbLevel = readonly [DecimalString, DecimalString];

/** GET /api/v4/public/orderbook/{market}. @see §3.3 */
export interface WbOrderbook {
  readonly ticker_id: string;
  /** Seconds. */
  readonly timestamp: number;
  readonly asks: readonly WbLevel[];
  readonly bids: readonly WbLevel[];
}

/** GET /api/v4/public/time: seconds per the docs, milliseconds per a ccxt comment (§1). */
export interface WbTime {
  readonly time: number;
}

/**
 * One GET /api/v1/public/kline row: `[open time s, open, close, high, low, base volume, quote
 * volume]`; close comes before high and low (whitebit-protocol-2.md §2.4).
 */
export type WbKline = readonly [number, DecimalString, DecimalString, DecimalString, DecimalString, DecimalString, DecimalString];

/** The v1 envelope of GET /api/v1/public/kline; `success:false` carries a field map in `message`. */
export interface WbKlineReply {
  readonly success: boolean;
  readonly message: unknown;
  readonly result: readonly WbKline[] | null;
}

// ---------- private ----------

/** A spot balance of one asset. @see §4.1 */
export interface WbBalance {
  readonly available: DecimalString;
  readonly freeze: DecimalString;
}

/**
 * An order as REST returns it (order/new, bulk items, cancel, /orders). `status` is unreliable and
 * absent in the older shape (which adds `takerFee`/`makerFee`): decide on `left`/`dealStock`.
 * @see §4.2
 */
export interface WbOrder {
  readonly orderId: number;
  /** `""` when none was given. */
  readonly clientOrderId: string;
  readonly market: string;
  readonly side: string;
  readonly type: string;
  /** Float seconds with microseconds. */
  readonly timestamp: number;
  readonly dealMoney: DecimalString;
  readonly dealStock: DecimalString;
  readonly amount: DecimalString;
  readonly left: DecimalString;
  readonly dealFee: DecimalString;
  readonly price: DecimalString;
  readonly postOnly?: boolean;
  readonly ioc?: boolean;
  readonly status?: string;
  readonly stp?: string;
  readonly rpi?: boolean;
  readonly feeAsset?: string;
  readonly takerFee?: DecimalString;
  readonly makerFee?: DecimalString;
}

/** The private error envelope as it appears inline in bulk items. @see §4.3, §5 */
export interface WbErrorEnvelope {
  readonly code?: number;
  readonly message?: string;
  readonly errors?: unknown;
}

/** One raw element of the order/bulk response array. @see §4.3 */
export interface WbBulkItem {
  readonly result: WbOrder | null;
  readonly error: Readonly<Record<string, unknown>> | null;
}

/** One own execution from trade-account/executed-history. `role`: 1 maker, 2 taker. @see §4.10 */
export interface WbDeal {
  readonly id: number;
  readonly clientOrderId: string;
  readonly time: number;
  readonly side: string;
  readonly role: number;
  readonly amount: DecimalString;
  readonly price: DecimalString;
  readonly deal: DecimalString;
  readonly fee: DecimalString;
  readonly orderId: number;
  readonly feeAsset?: string;
}

/** One deal of trade-account/order; `dealOrderId` is the counterparty's order. @see §4.11 */
export interface WbOrderDeal {
  readonly id: number;
  readonly time: number;
  readonly fee: DecimalString;
  readonly price: DecimalString;
  readonly amount: DecimalString;
  readonly deal: DecimalString;
  readonly role: number;
  readonly dealOrderId: number;
  readonly clientOrderId?: string;
  readonly feeAsset?: string;
  readonly rpi?: boolean;
}

/** trade-account/order: the deals of one order. An unknown order gives empty `records`. @see §4.11 */
export interface WbOrderDeals {
  readonly records: readonly WbOrderDeal[];
  readonly offset: number;
  readonly limit: number;
}

/** One finished order from trade-account/order/history. @see §4.12 */
export interface WbHistoryOrder {
  readonly id: number;
  readonly clientOrderId: string;
  readonly side: string;
  readonly type: string;
  readonly amount: DecimalString;
  readonly price: DecimalString;
  readonly ctime: number;
  readonly ftime: number;
  readonly dealStock: DecimalString;
  readonly dealMoney: DecimalString;
  readonly dealFee: DecimalString;
  readonly feeAsset?: string;
  readonly postOnly?: boolean;
  readonly ioc?: boolean;
  readonly status?: string;
}

/** An armed kill-switch timer (integer seconds). `types` is null when armed without types. @see §4.8 */
export interface WbKillSwitch {
  readonly market: string;
  readonly startTime: number;
  readonly cancellationTime: number;
  readonly types: readonly string[] | null;
}

/** profile/websocket_token. @see §4.13 */
export interface WbWebsocketToken {
  readonly websocket_token: string;
}

// ---------- requests ----------

/** order/new (limit). Amount and price are decimal strings. @see §4.2 */
export interface WbNewOrderRequest {
  readonly market: string;
  readonly side: WbSide;
  readonly amount: DecimalString;
  readonly price: DecimalString;
  readonly clientOrderId?: string;
  readonly postOnly?: boolean;
  readonly ioc?: boolean;
  readonly stp?: 'no' | 'cb' | 'cn' | 'co';
}

/** order/bulk: 1–20 orders on one market. @see §4.3 */
export interface WbBulkOrderRequest {
  readonly orders: readonly WbNewOrderRequest[];
  readonly stopOnFail?: boolean;
}

/** order/cancel: `market` and exactly one of `orderId` / `clientOrderId`. @see §4.4 */
export type WbCancelOrderRequest =
  | { readonly market: string; readonly orderId: number; readonly clientOrderId?: never }
  | { readonly market: string; readonly clientOrderId: string; readonly orderId?: never };

/**
 * order/cancel/all. `market` is required here on purpose: WhiteBIT cancels the whole account's
 * orders (manual ones and other bots' included) when it is omitted. @see §4.6, §8.2
 */
export interface WbCancelAllRequest {
  readonly market: string;
  readonly type?: readonly WbOrderKindType[];
}

/** /api/v4/orders (active orders, paged; a page shorter than `limit` is the last). @see §4.9 */
export interface WbActiveOrdersRequest {
  readonly market?: string;
  readonly orderId?: number;
  readonly clientOrderId?: string;
  readonly offset?: number;
  /** 1–100, default 50. */
  readonly limit?: number;
}

/** trade-account/executed-history. @see §4.10 */
export interface WbExecutedHistoryRequest {
  readonly market?: string;
  readonly clientOrderId?: string;
  readonly startDate?: number;
  readonly endDate?: number;
  readonly offset?: number;
  readonly limit?: number;
}

/** trade-account/order. @see §4.11 */
export interface WbOrderDealsRequest {
  readonly orderId: number;
  readonly offset?: number;
  readonly limit?: number;
}

/** trade-account/order/history. @see §4.12 */
export interface WbOrderHistoryRequest {
  readonly market?: string;
  readonly orderId?: number;
  readonly clientOrderId?: string;
  readonly status?: 'ALL' | 'FILLED' | 'CANCELED' | 'PARTIALLY_FILLED';
  readonly startDate?: number;
  readonly endDate?: number;
  readonly offset?: number;
  readonly limit?: number;
}

/** order/kill-switch arm: `timeout` is a string "5"…"600" (seconds). @see §4.8 */
export interface WbKillSwitchArmRequest {
  readonly market: string;
  readonly timeout: string;
  readonly types?: readonly WbOrderKindType[];
}
