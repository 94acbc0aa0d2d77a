/**
 * The WhiteBIT WebSocket frames as a discriminated union on `kind`. Every text frame decodes to
 * exactly one {@link WbWsMessage}; a malformed one becomes a `decodeError` value (never a throw).
 *
 * Field names inside payloads are WhiteBIT's (`update_id`, `deal_stock`, ...). Two values are
 * normalised because their raw encoding is a trap: `side` (1 = sell, 2 = buy, sometimes sent as a
 * string) becomes `'buy' | 'sell'`, and deal `role` (1 maker, 2 taker) becomes `'maker' | 'taker'`.
 * @see whitebit-protocol.md §7
 */
import type { DecimalString, WbBalance, WbLevel, WbSide } from './rest-models.js';

/** Client → server. `params` is always an array. */
export interface WbWsRequest {
  readonly id: number;
  readonly method: string;
  readonly params: readonly unknown[];
}

/** A successful reply to request `id` (subscribe/authorize answer `{status:"success"}`). */
export interface WbWsReply {
  readonly kind: 'reply';
  readonly id: number;
  readonly result: unknown;
}

/** An error reply to request `id`. Codes: 1 invalid argument … 7 too many requests, 9 unknown market. */
export interface WbWsReplyError {
  readonly kind: 'replyError';
  readonly id: number;
  readonly code: number;
  readonly message: string;
}

/** The reply to a JSON `ping`. */
export interface WbWsPong {
  readonly kind: 'pong';
  readonly id: number;
}

/** `lastprice_update`: `[market, price]`. @see §7.6 */
export interface WbLastpriceUpdate {
  readonly kind: 'lastprice_update';
  readonly market: string;
  readonly price: DecimalString;
}

/**
 * `depth_update`. `full_reload` true is a snapshot (the first push, and a keepalive every 10 s):
 * reset the book, do not treat it as a gap. A delta's `past_update_id` must equal the previous
 * message's `update_id`. @see §7.7
 */
export interface WbDepthUpdate {
  readonly kind: 'depth_update';
  readonly market: string;
  readonly full_reload: boolean;
  readonly timestamp: number;
  readonly update_id: number | undefined;
  readonly past_update_id: number | undefined;
  readonly event_time: number | undefined;
  /** Absolute amounts; `"0"` removes the level. Empty when absent from a delta. */
  readonly asks: readonly WbLevel[];
  readonly bids: readonly WbLevel[];
}

/** `deals_update`: one own execution (one per partial fill). @see §7.8 */
export interface WbDealsUpdate {
  readonly kind: 'deals_update';
  readonly deal_id: number;
  readonly time: number;
  readonly market: string;
  readonly order_id: number;
  readonly price: DecimalString;
  readonly amount: DecimalString;
  readonly fee: DecimalString;
  /** `""` if none. */
  readonly client_order_id: string;
  readonly side: WbSide;
  readonly role: 'maker' | 'taker';
  readonly fee_asset: string | undefined;
}

/** The order object of `ordersPending_update`. Optional fields are absent in some payload versions. */
export interface WbWsOrder {
  readonly id: number;
  readonly market: string;
  readonly side: WbSide;
  readonly price: DecimalString;
  readonly amount: DecimalString;
  readonly left: DecimalString;
  readonly deal_stock: DecimalString;
  readonly deal_money: DecimalString;
  /** `""` if none (also when the field is missing). */
  readonly client_order_id: string;
  /** 1 limit, 2 market, 202 market-stock, 3 stop-limit, 4 stop-market, 7–14 margin. */
  readonly type: number | undefined;
  readonly deal_fee: DecimalString | undefined;
  readonly post_only: boolean | undefined;
  readonly ioc: boolean | undefined;
  readonly ctime: number | undefined;
  readonly mtime: number | undefined;
  /** Opaque: decide on `left`/`deal_stock` and the event id, not on this. */
  readonly status: string | undefined;
  readonly stp: string | undefined;
}

/** 1 placed (or re-created by modify / stop activated), 2 updated (partial fill), 3 finished (filled or cancelled). */
export type WbOrdersPendingEvent = 1 | 2 | 3;

/** `ordersPending_update`: `[event_id, order]`. @see §7.9 */
export interface WbOrdersPendingUpdate {
  readonly kind: 'ordersPending_update';
  readonly event: WbOrdersPendingEvent;
  readonly order: WbWsOrder;
}

/** `balanceSpot_update`: only the changed assets. @see §7.11 */
export interface WbBalanceSpotUpdate {
  readonly kind: 'balanceSpot_update';
  readonly balances: Readonly<Record<string, WbBalance>>;
}

/** A well-formed frame we do not model (another channel, `otoOrdersPending_update`, ...). */
export interface WbWsUnknown {
  readonly kind: 'unknown';
  readonly method: string | undefined;
  readonly frame: unknown;
}

/** A frame that is not valid JSON or whose known channel payload has the wrong shape. */
export interface WbWsDecodeError {
  readonly kind: 'decodeError';
  readonly method: string | undefined;
  readonly reason: string;
  /** The offending text, truncated. */
  readonly text: string;
}

export type WbWsUpdate = WbLastpriceUpdate | WbDepthUpdate | WbDealsUpdate | WbOrdersPendingUpdate | WbBalanceSpotUpdate;

export type WbWsMessage = WbWsReply | WbWsReplyError | WbWsPong | WbWsUpdate | WbWsUnknown | WbWsDecodeError;
