/**
 * WS order entry, wire side: the params object of each order method → a typed request, with
 * WhiteBIT's WS error codes and texts (numbering independent of REST), and engine rejections → WS
 * errors. Checks run in the order of protocol-2 §1.15: params shape → market → required fields →
 * enums → flags → precision → min amount/total (11) → max total; what needs account state
 * (duplicate client id 43, balance 10, post-only cross 13, order not found 6) comes from the engine.
 *
 * Field names are snake_case (`client_order_id`, `post_only`, `order_id`); amounts and prices are
 * decimal strings.
 *
 * @see whitebit-protocol-2.md §1.2, §1.5–1.8, §1.10–1.12, §1.15
 */
import type { Side } from './book.js';
import { fmt, parseNumeric, floorTo, type Dec } from './decimal.js';
import type { ApiError } from './errors.js';
import type { MarketOrderRequest, OrderRef } from './exchange.js';
import { TRADE_TYPES, type TradeType } from './kill-switch.js';
import type { Market } from './markets.js';
import type { OrderSnapshot } from './order.js';
import { clientOrderIdProblem, STP, type OrderInput, type Stp } from './order-validation.js';
import { ACTIVATION_EQUALS_LAST } from './stop-validation.js';
import { toWsOrder } from './wire-format.js';

export interface WsError {
  readonly code: number;
  readonly message: string;
}

const e = (code: number, message: string): WsError => ({ code, message });

export const WS_ERRORS = {
  invalidArgument: e(1, 'invalid argument'),
  methodNotFound: e(4, 'method not found'),
  requireAuth: e(6, 'require authentication'),
  orderNotFound: e(6, 'order not found'),
  tooManyRequests: e(7, 'too many requests'),
  balance: e(10, 'balance not enough'),
  amountTooSmall: e(11, 'amount too small'),
  notEnoughTraders: e(12, 'not enough traders'),
  takerPrice: e(13, 'order by taker price'),
  duplicateClientId: e(43, 'client order id already exists'),
  activationEqualsLast: e(101, 'activation price should not be equal to the last price'),
  wrongOrderType: e(156, 'wrong order type'),
  wrongStopMarketPrice: e(159, 'wrong limit price for stop market order'),
  /** The account's region has no WS order entry (WhiteBIT EU): checked before anything else (§1.1, §1.11). */
  regionSpot: e(10009, 'spot trading is not available in your region'),
  notSupported: (method: string): WsError => e(4, `method not found: ${method} is not supported by the simulator`),
} as const;

/** Thrown by the parsers: the request is answered with this error. */
export class WsOrderError extends Error {
  constructor(readonly wsError: WsError) {
    super(wsError.message);
  }
}

const reject = (err: WsError): never => {
  throw new WsOrderError(err);
};
const field = (message: string): never => reject(e(1, message));

/** A limit order that passed WS validation (`order_limit_place`): the engine's own input type. */
export type WsLimitRequest = OrderInput;

/** `order_bbo_place` before its price is read off the book: role 1 maker (own best, post-only), 2 taker. */
export type WsBboRequest = Omit<OrderInput, 'price'> & { readonly role: 1 | 2 };

/** `order_modify` before the order is looked up: which order, and what changes. */
export interface WsModifyRequest {
  readonly market: Market;
  readonly ref: OrderRef;
  readonly amount?: Dec;
  readonly total?: Dec;
  readonly price?: Dec;
  /** Untriggered stop orders only (the engine refuses it for a limit order with 156). */
  readonly activationPrice?: Dec;
}

export interface WsCancelRequest {
  readonly market: Market;
  readonly ref: OrderRef;
}

const isMissing = (v: unknown): boolean => v === undefined || v === null;

/** `params` must be an array of exactly one object (unlike subscriptions). */
export function paramsObject(params: unknown): Record<string, unknown> {
  if (!Array.isArray(params) || params.length !== 1) return reject(WS_ERRORS.invalidArgument);
  const [p] = params as unknown[];
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return reject(WS_ERRORS.invalidArgument);
  return p as Record<string, unknown>;
}

export function marketOf(p: Record<string, unknown>, markets: ReadonlyMap<string, Market>): Market {
  if (isMissing(p.market)) return field('market is required');
  const m = typeof p.market === 'string' ? markets.get(p.market) : undefined;
  return m ?? field('market does not exist');
}

/**
 * What every placement starts with, in §1.15's order: market, then the required fields (`side`,
 * `amount` and the method's `extra`), then the enums `side` and `stp`.
 */
export function placementHead(
  params: unknown,
  markets: ReadonlyMap<string, Market>,
  extra: readonly string[],
): { p: Record<string, unknown>; market: Market; side: Side; stp: Stp } {
  const p = paramsObject(params);
  const market = marketOf(p, markets);
  for (const name of ['side', 'amount', ...extra]) if (isMissing(p[name])) field(`${name} is required`);
  if (p.side !== 'buy' && p.side !== 'sell') return field('side is invalid');
  const stp: Stp | undefined = isMissing(p.stp) ? 'no' : typeof p.stp === 'string' ? STP[p.stp] : undefined;
  return { p, market, side: p.side, stp: stp ?? field('stp is invalid') };
}

function flag(p: Record<string, unknown>, name: string): boolean {
  const v = p[name];
  if (isMissing(v)) return false;
  if (typeof v !== 'boolean') return field(`${name} must be a boolean`);
  return v;
}

export function clientOrderIdOf(p: Record<string, unknown>): string {
  const v = p.client_order_id;
  // An empty string is "no id", as on REST.
  if (isMissing(v) || v === '') return '';
  if (clientOrderIdProblem(v) !== null) return field('client_order_id is invalid');
  return v as string;
}

/** A decimal string (or number); `name is invalid` otherwise. A zero amount is left to the min-amount check (11). */
export function decimal(p: Record<string, unknown>, name: 'amount' | 'price' | 'activation_price'): Dec {
  const d = parseNumeric(p[name]);
  if (!d || (name !== 'amount' && d.isZero())) return field(`${name} is invalid`);
  return d;
}

/** Precision, min amount and min total (11), max total: the checks placement and modify share. */
export function checkLimits(m: Market, amount: Dec, price: Dec): void {
  if (amount.decimalPlaces() > m.stockPrec) field(`amount: precision is greater than ${m.stockPrec}`);
  if (price.decimalPlaces() > m.moneyPrec) field(`price: precision is greater than ${m.moneyPrec}`);
  const total = amount.times(price);
  if (amount.isZero() || amount.lessThan(m.minAmountD) || total.lessThan(m.minTotalD)) reject(WS_ERRORS.amountTooSmall);
  if (!m.maxTotalD.isZero() && total.greaterThan(m.maxTotalD)) field(`amount * price must be <= ${fmt(m.maxTotalD)}`);
}

export function parseLimitPlace(params: unknown, markets: ReadonlyMap<string, Market>): WsLimitRequest {
  const { p, market, side, stp } = placementHead(params, markets, ['price']);
  const amount = decimal(p, 'amount');
  const price = decimal(p, 'price');
  const postOnly = flag(p, 'post_only');
  const ioc = flag(p, 'ioc');
  const rpi = flag(p, 'rpi');
  if (ioc && postOnly) field("flags: ioc=1 and post_only=1 can't be combined");
  if (ioc && rpi) field("flags: ioc=1 and rpi=1 can't be combined");
  const clientOrderId = clientOrderIdOf(p);
  checkLimits(market, amount, price);
  // rpi alone is accepted and implies post-only (the simulator keeps no rpi marker).
  return { market, side, amount, price, clientOrderId, postOnly: postOnly || rpi, ioc, stp };
}

export function parseBboPlace(params: unknown, markets: ReadonlyMap<string, Market>): WsBboRequest {
  const { p, market, side, stp } = placementHead(params, markets, ['bbo_role']);
  if (p.bbo_role !== 1 && p.bbo_role !== 2) return field('bbo role must be an integer in range 1..2');
  const role = p.bbo_role;
  const amount = decimal(p, 'amount');
  const postOnly = flag(p, 'post_only');
  const ioc = flag(p, 'ioc');
  if (postOnly && role === 2) field('wrong flags combination');
  // Role 1 is post-only whether or not the client says so.
  if (ioc && (postOnly || role === 1)) field("flags: ioc=1 and post_only=1 can't be combined");
  const clientOrderId = clientOrderIdOf(p);
  if (amount.decimalPlaces() > market.stockPrec) field(`amount: precision is greater than ${market.stockPrec}`);
  return { market, side, amount, role, clientOrderId, postOnly: postOnly || role === 1, ioc, stp };
}

/**
 * `order_market_place` (type 2: a buy spends `amount` quote, a sell sells `amount` base) and
 * `order_market_stock_place` (type 202: base both sides). Min amount/total are checked at the
 * opposite side's best price (`best` null: an empty side, which the engine answers with 12).
 */
export function parseMarketPlace(
  params: unknown,
  markets: ReadonlyMap<string, Market>,
  type: 2 | 202,
  best: (m: Market, side: Side) => Dec | null,
): MarketOrderRequest {
  const { p, market, side, stp } = placementHead(params, markets, []);
  const amount = decimal(p, 'amount');
  const clientOrderId = clientOrderIdOf(p);
  const inQuote = type === 2 && side === 'buy';
  const precision = inQuote ? market.moneyPrec : market.stockPrec;
  if (amount.decimalPlaces() > precision) field(`amount: precision is greater than ${precision}`);
  const price = best(market, side);
  if (price) {
    const base = inQuote ? amount.div(price) : amount;
    const total = inQuote ? amount : amount.times(price);
    if (amount.isZero() || base.lessThan(market.minAmountD) || total.lessThan(market.minTotalD)) reject(WS_ERRORS.amountTooSmall);
  }
  return { market, side, size: inQuote ? { quote: amount } : { base: amount }, type, clientOrderId, stp };
}

/** `order_id` (integer) or `client_order_id`; cancel lets the client id win when both are given. */
function refOf(p: Record<string, unknown>, bothAllowed: boolean): OrderRef {
  const hasId = !isMissing(p.order_id);
  const hasClientId = !isMissing(p.client_order_id) && p.client_order_id !== '';
  if (!hasId && !hasClientId) return field('order_id or client_order_id must be set for modify');
  if (hasClientId) {
    if (hasId && !bothAllowed) return field('only one of order_id or client_order_id may be set');
    if (typeof p.client_order_id !== 'string') return field('client_order_id is invalid');
    return { clientOrderId: p.client_order_id };
  }
  if (typeof p.order_id !== 'number' || !Number.isSafeInteger(p.order_id)) return field('order_id is invalid');
  return { orderId: p.order_id };
}

export function parseModify(params: unknown, markets: ReadonlyMap<string, Market>): WsModifyRequest {
  const p = paramsObject(params);
  const market = marketOf(p, markets);
  const ref = refOf(p, false);
  const has = (k: string): boolean => !isMissing(p[k]);
  if (!has('amount') && !has('total') && !has('price') && !has('activation_price')) {
    field('at least price or amount or total or activation price should be specified');
  }
  if (has('amount') && has('total')) field('amount and total cannot be specified simultaneously');
  const wrong = (name: 'total' | 'amount' | 'price', code: number): Dec => {
    const d = parseNumeric(p[name]);
    return d && d.greaterThan(0) ? d : reject(e(code, `wrong param ${name}`));
  };
  return {
    market,
    ref,
    ...(has('amount') ? { amount: wrong('amount', 163) } : {}),
    ...(has('total') ? { total: wrong('total', 162) } : {}),
    ...(has('price') ? { price: wrong('price', 164) } : {}),
    ...(has('activation_price') ? { activationPrice: decimal(p, 'activation_price') } : {}),
  };
}

/**
 * The replacement's amount and price: omitted fields keep the old order's (amount: its remainder);
 * `total` is turned into a base amount at the new price, rounded down to the market's step.
 */
export function modifiedTerms(req: WsModifyRequest, old: { left: Dec; priceD: Dec }): { amount: Dec; price: Dec } {
  const price = req.price ?? old.priceD;
  const amount = req.amount ?? (req.total ? floorTo(req.total.div(price), req.market.stockPrec) : old.left);
  checkLimits(req.market, amount, price);
  return { amount, price };
}

export function parseCancel(params: unknown, markets: ReadonlyMap<string, Market>): WsCancelRequest {
  const p = paramsObject(params);
  const market = marketOf(p, markets);
  return { market, ref: refOf(p, true) };
}

export function parseCancelAll(params: unknown, markets: ReadonlyMap<string, Market>): { market: Market; types: TradeType[] } {
  const p = paramsObject(params);
  const market = marketOf(p, markets);
  const types = p.type;
  if (!Array.isArray(types)) return field('order types must be an array');
  if (types.length === 0) return field('at least one order type should be specified');
  if (new Set(types).size !== types.length || !types.every((t) => typeof t === 'string' && (TRADE_TYPES as readonly string[]).includes(t))) {
    return field('invalid or duplicate order type');
  }
  return { market, types: types as TradeType[] };
}

/** An engine rejection (REST numbering) → the WS error the same condition gets on the socket. */
export function wsErrorOf(err: ApiError): WsError {
  const b = err.body;
  if (err.status === 422 && b.code === 36) return WS_ERRORS.duplicateClientId;
  if (err.status === 422 && b.code === 156) return WS_ERRORS.wrongOrderType;
  if (err.status === 422 && b.code === 159) return WS_ERRORS.wrongStopMarketPrice;
  if (b.errors?.activationPrice?.[0] === ACTIVATION_EQUALS_LAST) return WS_ERRORS.activationEqualsLast;
  if (err.status === 400) {
    switch (b.code) {
      case 2:
        return WS_ERRORS.orderNotFound;
      case 10:
        return WS_ERRORS.balance;
      case 12:
        return WS_ERRORS.notEnoughTraders;
      case 13:
        return WS_ERRORS.takerPrice;
    }
  }
  // Request validation already ran on the WS side; anything else is a field problem all the same.
  const first = Object.values(b.errors ?? {})[0]?.[0];
  return e(1, first ?? b.message);
}

/** The order object of a WS reply: the ordersPending object without the fields spot replies lack (§1.3). */
export function toWsOrderReply(o: OrderSnapshot): Record<string, unknown> {
  const { position_side: _p, rpi: _r, reduce_only: _ro, ...rest } = toWsOrder(o);
  return rest;
}
