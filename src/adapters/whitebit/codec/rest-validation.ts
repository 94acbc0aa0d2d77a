/**
 * Client-side checks of request parameters where the protocol doc is unambiguous. A failed check
 * returns a `WhitebitError` of kind `invalidRequest` before anything is signed or sent, so a bad
 * request never costs a rate-limit token or a nonce.
 *
 * Entry points: one `check*` per request type; each returns `undefined` when the request is valid.
 * @see whitebit-protocol.md §4.2–§4.9, §8.3
 */
import { WhitebitError } from './errors.js';
import type {
  WbActiveOrdersRequest,
  WbBulkOrderRequest,
  WbCancelOrderRequest,
  WbKillSwitchArmRequest,
  WbNewOrderRequest,
  WbOrderKindType,
} from './rest-models.js';

/** WhiteBIT's documented maximum number of orders per order/bulk request. */
export const MAX_BULK_ORDERS = 20;
/** Kill-switch timeout bounds, in seconds. */
export const KILL_SWITCH_MIN_S = 5;
export const KILL_SWITCH_MAX_S = 600;
/** clientOrderId: Latin letters, digits, `-`, `.`, `_`, at most 64 characters (§8.3). */
const CLIENT_ORDER_ID = /^[A-Za-z0-9._-]{1,64}$/;
const DECIMAL = /^\d+(?:\.\d+)?$/;
const ORDER_KIND_TYPES: ReadonlySet<string> = new Set<WbOrderKindType>(['spot', 'margin', 'futures']);

function invalid(endpoint: string, field: string, message: string): WhitebitError {
  return new WhitebitError({
    kind: 'invalidRequest',
    message: `${endpoint}: ${field}: ${message}`,
    errors: { [field]: [message] },
    endpoint,
  });
}

function checkMarket(endpoint: string, market: unknown): WhitebitError | undefined {
  return typeof market === 'string' && market.length > 0 ? undefined : invalid(endpoint, 'market', 'must be a non-empty string');
}

/** Checks one limit order (order/new, or one bulk item). */
export function checkNewOrder(o: WbNewOrderRequest, endpoint = '/api/v4/order/new'): WhitebitError | undefined {
  const m = checkMarket(endpoint, o.market);
  if (m) return m;
  if (o.side !== 'buy' && o.side !== 'sell') return invalid(endpoint, 'side', "must be 'buy' or 'sell'");
  if (typeof o.amount !== 'string' || !DECIMAL.test(o.amount) || /^0*(?:\.0*)?$/.test(o.amount)) {
    return invalid(endpoint, 'amount', 'must be a positive decimal string');
  }
  if (typeof o.price !== 'string' || !DECIMAL.test(o.price) || /^0*(?:\.0*)?$/.test(o.price)) {
    return invalid(endpoint, 'price', 'must be a positive decimal string');
  }
  if (o.clientOrderId !== undefined && !CLIENT_ORDER_ID.test(o.clientOrderId)) {
    return invalid(endpoint, 'clientOrderId', 'must be 1-64 of [A-Za-z0-9._-]');
  }
  if (o.postOnly === true && o.ioc === true) {
    // WhiteBIT answers 422 code 37; refusing here saves a round trip.
    return invalid(endpoint, 'ioc', 'either ioc or postOnly may be true, not both');
  }
  return undefined;
}

/** Checks order/bulk: 1–20 items, one market, each item valid. */
export function checkBulk(r: WbBulkOrderRequest): WhitebitError | undefined {
  const endpoint = '/api/v4/order/bulk';
  const n = r.orders.length;
  if (n < 1 || n > MAX_BULK_ORDERS) return invalid(endpoint, 'orders', `must hold 1-${MAX_BULK_ORDERS} orders, got ${n}`);
  const market = r.orders[0]?.market;
  for (const o of r.orders) {
    // The API reference lets items differ; the guide says one market. Batching per market is what
    // the grid does anyway, and it keeps a failure's blast radius to one market.
    if (o.market !== market) return invalid(endpoint, 'orders', 'all orders must target the same market');
    const e = checkNewOrder(o, endpoint);
    if (e) return e;
  }
  return undefined;
}

/** Checks order/cancel: market plus exactly one of orderId / clientOrderId. */
export function checkCancel(r: WbCancelOrderRequest, endpoint = '/api/v4/order/cancel'): WhitebitError | undefined {
  const m = checkMarket(endpoint, r.market);
  if (m) return m;
  const hasId = r.orderId !== undefined;
  const hasClient = r.clientOrderId !== undefined;
  if (hasId === hasClient) return invalid(endpoint, 'orderId', 'give exactly one of orderId or clientOrderId');
  if (hasId && !(Number.isSafeInteger(r.orderId) && (r.orderId ?? 0) > 0)) {
    return invalid(endpoint, 'orderId', 'must be a positive integer');
  }
  if (hasClient && !CLIENT_ORDER_ID.test(r.clientOrderId ?? '')) {
    return invalid(endpoint, 'clientOrderId', 'must be 1-64 of [A-Za-z0-9._-]');
  }
  return undefined;
}

function checkTypes(endpoint: string, types: readonly string[] | undefined): WhitebitError | undefined {
  if (types === undefined) return undefined;
  if (types.length < 1 || types.length > 3 || !types.every((t) => ORDER_KIND_TYPES.has(t))) {
    return invalid(endpoint, 'types', "must be 1-3 of 'spot' | 'margin' | 'futures'");
  }
  return undefined;
}

/** Checks order/cancel/all: a market (always; see WbCancelAllRequest) and valid types. */
export function checkCancelAll(r: { market: string; type?: readonly string[] }): WhitebitError | undefined {
  const endpoint = '/api/v4/order/cancel/all';
  return checkMarket(endpoint, r.market) ?? checkTypes(endpoint, r.type);
}

/** Checks order/kill-switch arming: timeout a string holding an integer 5–600, types 1–3 known values. */
export function checkKillSwitchArm(r: WbKillSwitchArmRequest): WhitebitError | undefined {
  const endpoint = '/api/v4/order/kill-switch';
  const m = checkMarket(endpoint, r.market);
  if (m) return m;
  if (typeof r.timeout !== 'string' || !/^\d{1,3}$/.test(r.timeout)) {
    return invalid(endpoint, 'timeout', 'must be a string holding an integer number of seconds');
  }
  const t = Number(r.timeout);
  if (t < KILL_SWITCH_MIN_S || t > KILL_SWITCH_MAX_S) {
    return invalid(endpoint, 'timeout', `must be between ${KILL_SWITCH_MIN_S} and ${KILL_SWITCH_MAX_S}`);
  }
  return checkTypes(endpoint, r.types);
}

/** Checks /api/v4/orders paging: limit 1–100, offset ≥ 0. */
export function checkActiveOrders(r: WbActiveOrdersRequest): WhitebitError | undefined {
  const endpoint = '/api/v4/orders';
  if (r.limit !== undefined && !(Number.isInteger(r.limit) && r.limit >= 1 && r.limit <= 100)) {
    return invalid(endpoint, 'limit', 'must be an integer 1-100');
  }
  if (r.offset !== undefined && !(Number.isInteger(r.offset) && r.offset >= 0)) {
    return invalid(endpoint, 'offset', 'must be a non-negative integer');
  }
  return undefined;
}
