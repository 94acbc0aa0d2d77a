/**
 * WebSocket order entry on the wire: typed requests, their calls (`params` is an array holding
 * exactly one snake_case object) and the decoders of their replies into the REST models, so that a
 * socket order is read exactly like a REST one. Pure: no sockets, no timers.
 *
 * Entry points: one `*Call` builder per method; {@link decodeWsOrderResult} (order object → `WbOrder`)
 * and {@link decodeWsCancelAllResult} (`{}`). Decoders return the value or a string saying what is
 * wrong; they never throw.
 * @see whitebit-protocol-2.md §1.2–§1.8
 */
import type { DecimalString, WbCancelOrderRequest, WbNewOrderRequest, WbOrder, WbOrderKindType, WbSide } from './rest-models.js';
import { type WbWsCall, decodeWsOrder } from './ws-channels.js';

export type WbStp = 'no' | 'cb' | 'cn' | 'co';

/** `order_market_place`: `amount` is base for a sell and quote to spend for a buy. @see §1.5 */
export interface WbWsMarketOrderRequest {
  readonly market: string;
  readonly side: WbSide;
  readonly amount: DecimalString;
  readonly clientOrderId?: string;
  readonly stp?: WbStp;
}

/** `order_market_stock_place`: `amount` is base on both sides. @see §1.5 */
export type WbWsMarketStockOrderRequest = WbWsMarketOrderRequest;

/** The order `order_modify` replaces: by engine id or by client id. */
type WbModifyTarget = { readonly orderId: number; readonly clientOrderId?: never } | { readonly clientOrderId: string; readonly orderId?: never };

/** `order_modify`: omitted fields keep their values; `amount` and `total` are exclusive. @see §1.6 */
export type WbWsModifyRequest = WbModifyTarget & {
  readonly market: string;
  readonly amount?: DecimalString;
  readonly total?: DecimalString;
  readonly price?: DecimalString;
  readonly activationPrice?: DecimalString;
};

/** `order_cancel_all`: one market; `type` defaults to spot only (all three are safe on any market). @see §1.8 */
export interface WbWsCancelAllRequest {
  readonly market: string;
  readonly type?: readonly WbOrderKindType[];
}

/** Names of the order methods (the placement ones draw on the socket's placement budget, §1.14). */
export type WbWsOrderMethod = 'order_limit_place' | 'order_market_place' | 'order_market_stock_place' | 'order_modify' | 'order_cancel' | 'order_cancel_all';

/** Copies the defined entries only: WhiteBIT reads a JSON `null` as a value, not as "absent". */
function params(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in fields) if (fields[k] !== undefined) out[k] = fields[k];
  return out;
}

const call = (method: WbWsOrderMethod, fields: Record<string, unknown>): WbWsCall => ({ method, params: [params(fields)] });

/** `order_limit_place` from the REST order/new request (the router hands either path the same one). */
export const limitPlaceCall = (r: WbNewOrderRequest): WbWsCall =>
  call('order_limit_place', {
    market: r.market,
    side: r.side,
    amount: r.amount,
    price: r.price,
    client_order_id: r.clientOrderId,
    post_only: r.postOnly,
    ioc: r.ioc,
    stp: r.stp,
  });

export const marketPlaceCall = (r: WbWsMarketOrderRequest): WbWsCall =>
  call('order_market_place', { market: r.market, side: r.side, amount: r.amount, client_order_id: r.clientOrderId, stp: r.stp });

export const marketStockPlaceCall = (r: WbWsMarketStockOrderRequest): WbWsCall =>
  call('order_market_stock_place', { market: r.market, side: r.side, amount: r.amount, client_order_id: r.clientOrderId, stp: r.stp });

export const modifyCall = (r: WbWsModifyRequest): WbWsCall =>
  call('order_modify', {
    market: r.market,
    order_id: r.orderId,
    client_order_id: r.clientOrderId,
    amount: r.amount,
    total: r.total,
    price: r.price,
    activation_price: r.activationPrice,
  });

/** `order_cancel`: the REST request has exactly one id; the socket would let a client id win over both. */
export const cancelCall = (r: WbCancelOrderRequest): WbWsCall =>
  call('order_cancel', { market: r.market, order_id: r.orderId, client_order_id: r.clientOrderId });

export const cancelAllCall = (r: WbWsCancelAllRequest): WbWsCall => call('order_cancel_all', { market: r.market, type: [...(r.type ?? ['spot'])] });

const DECIMAL = /^-?\d+(?:\.\d+)?$/;
const isDecimal = (s: string): boolean => DECIMAL.test(s);

/** WS order `type` codes → the REST strings (§1.3 and whitebit-protocol.md §4.2). */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'limit',
  2: 'market',
  202: 'stock market',
  3: 'stop limit',
  4: 'stop market',
  203: 'stop market',
};

/**
 * Returns the REST model of the order object a WS order method answers with: snake_case → camelCase,
 * int side (1 sell, 2 buy) and type → the REST strings, `ctime` (seconds) → `timestamp`.
 */
export function decodeWsOrderResult(result: unknown): WbOrder | string {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return 'result must be the order object';
  const o = decodeWsOrder(result as Record<string, unknown>);
  if (typeof o === 'string') return o;
  const ctime = o.ctime ?? o.mtime;
  if (ctime === undefined) return 'order.ctime must be a number';
  if (o.type === undefined) return 'order.type must be a number';
  const fee = o.deal_fee ?? '0';
  if (!isDecimal(o.price) || !isDecimal(o.amount) || !isDecimal(o.left) || !isDecimal(o.deal_stock) || !isDecimal(o.deal_money) || !isDecimal(fee)) {
    return 'order price/amount/left/deal_stock/deal_money/deal_fee must be decimal strings';
  }
  const out: { -readonly [K in keyof WbOrder]: WbOrder[K] } = {
    orderId: o.id,
    clientOrderId: o.client_order_id,
    market: o.market,
    side: o.side,
    type: TYPE_NAMES[o.type] ?? String(o.type),
    timestamp: ctime,
    dealMoney: o.deal_money,
    dealStock: o.deal_stock,
    amount: o.amount,
    left: o.left,
    dealFee: fee,
    price: o.price,
  };
  if (o.post_only !== undefined) out.postOnly = o.post_only;
  if (o.ioc !== undefined) out.ioc = o.ioc;
  if (o.status !== undefined) out.status = o.status;
  if (o.stp !== undefined) out.stp = o.stp;
  return out;
}

/** `order_cancel_all` answers an empty object (REST: `[]`); "nothing to cancel" is success too. */
export function decodeWsCancelAllResult(result: unknown): true | string {
  return typeof result === 'object' && result !== null && !Array.isArray(result) ? true : 'result must be an object';
}
