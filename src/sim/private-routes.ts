/**
 * Private REST endpoints (all POST, all signed; authentication happened before these run).
 * Each handler validates its fields with WhiteBIT's codes and texts and answers WhiteBIT's shapes.
 *
 * @see whitebit-protocol.md §4
 */
import { fmt } from './decimal.js';
import { marketNotAvailable, validationError, type ApiError } from './errors.js';
import type { Exchange, OrderRef } from './exchange.js';
import { parseKillSwitchTimeout, TRADE_TYPES, toWbKillSwitch, type TradeType } from './kill-switch.js';
import { isFinished, type OrderSnapshot } from './order.js';
import { isApiError, optBool, optInt, optString, page } from './request-fields.js';
import { marketFee, marketFeeSingle } from './routes/market-fee.js';
import { orderCancelBulk } from './routes/order-cancel-bulk.js';
import { orderMarket, orderStockMarket } from './routes/order-market.js';
import { orderModify } from './routes/order-modify.js';
import { toExecutedDeal, toHistoryOrder, toOrderDeal, toOrderResponse } from './wire-format.js';
import type { WsTokens } from './ws-tokens.js';
import { orderStopLimit, orderStopMarket } from './routes/stop-orders.js';

export interface Reply {
  readonly status: number;
  /** JSON body; absent for an empty body. */
  readonly body?: unknown;
  /** Non-JSON body (gateway errors). */
  readonly text?: string;
}

export interface PrivateContext {
  readonly exchange: Exchange;
  readonly tokens: WsTokens;
  readonly legacyOrderShape: boolean;
  readonly nowMs: number;
}

export type PrivateHandler = (ctx: PrivateContext, accountId: string, body: Record<string, unknown>) => Reply;

const json = (body: unknown, status = 200): Reply => ({ status, body });
const error = (e: ApiError): Reply => ({ status: e.status, body: e.body });

/** Reads an optional `market` that must exist when given (422 code 31 otherwise). */
function optMarket(ctx: PrivateContext, body: Record<string, unknown>): string | undefined | ApiError {
  const v = body.market;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !ctx.exchange.market(v)) return marketNotAvailable();
  return v;
}

function orderReply(ctx: PrivateContext, o: OrderSnapshot): Record<string, unknown> {
  return toOrderResponse(o, ctx.exchange.market(o.market), ctx.legacyOrderShape);
}

/** Validates an optional `types`/`type` list of spot|margin|futures (null → all). */
function tradeTypes(v: unknown, name: string, maxItems: number): readonly TradeType[] | null | ApiError {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) return validationError(30, { [name]: [`The ${name} must be an array.`] });
  if (v.length === 0 || v.length > maxItems) return validationError(30, { [name]: [`The ${name} must have between 1 and ${maxItems} items.`] });
  if (!v.every((t): t is TradeType => typeof t === 'string' && (TRADE_TYPES as readonly string[]).includes(t))) {
    return validationError(30, { [name]: [`The selected ${name} is invalid.`] });
  }
  return [...new Set(v)];
}

const balance: PrivateHandler = (ctx, accountId, body) => {
  const ticker = body.ticker;
  const ledger = ctx.exchange.ledger;
  if (ticker !== undefined && ticker !== null) {
    if (typeof ticker !== 'string') return error(validationError(30, { ticker: ['Ticker field should be a string.'] }));
    const known = new Set<string>(ledger.assetsOf(accountId));
    for (const m of ctx.exchange.markets.values()) known.add(m.stock).add(m.money);
    if (!known.has(ticker)) return error(validationError(30, { ticker: ['Currency was not found.'] }));
    const b = ledger.balance(accountId, ticker);
    return json({ available: fmt(b.available), freeze: fmt(b.freeze) });
  }
  const out: Record<string, { available: string; freeze: string }> = {};
  for (const asset of ledger.assetsOf(accountId)) {
    const b = ledger.balance(accountId, asset);
    if (b.available.isZero() && b.freeze.isZero()) continue; // only non-zero balances are listed
    out[asset] = { available: fmt(b.available), freeze: fmt(b.freeze) };
  }
  return json(out);
};

const orderNew: PrivateHandler = (ctx, accountId, body) => {
  const r = ctx.exchange.placeOrder(accountId, body, ctx.nowMs);
  return r.ok ? json(orderReply(ctx, r.value)) : error(r.error);
};

const orderBulk: PrivateHandler = (ctx, accountId, body) => {
  const orders = body.orders;
  if (orders === undefined || orders === null) return error(validationError(30, { orders: ['The orders field is required.'] }));
  if (!Array.isArray(orders)) return error(validationError(30, { orders: ['The orders must be an array.'] }));
  if (orders.length === 0) return error(validationError(30, { orders: ['The orders field is required.'] }));
  if (orders.length > 20) return error(validationError(30, { orders: ['The orders may not have more than 20 items.'] }));
  const stopOnFail = optBool(body, 'stopOnFail');
  if (isApiError(stopOnFail)) return error(stopOnFail);
  const results = ctx.exchange.placeBulk(accountId, orders, stopOnFail ?? false, ctx.nowMs);
  return json(results.map((r) => ({ result: r.result ? orderReply(ctx, r.result) : null, error: r.error })));
};

const orderCancel: PrivateHandler = (ctx, accountId, body) => {
  const missing: Record<string, string[]> = {};
  if (body.market === undefined || body.market === null) missing.market = ['Market field is required.'];
  const hasId = body.orderId !== undefined && body.orderId !== null;
  const hasClientId = body.clientOrderId !== undefined && body.clientOrderId !== null;
  if (!hasId && !hasClientId) missing.orderId = ['OrderId field is required.'];
  if (Object.keys(missing).length > 0) return error(validationError(30, missing));
  if (hasId && hasClientId) return error(validationError(30, { orderId: ['Only one of orderId or clientOrderId may be given.'] }));
  const market = optMarket(ctx, body);
  if (isApiError(market)) return error(market);
  let ref: OrderRef;
  if (hasId) {
    const id = optInt(body, 'orderId');
    if (isApiError(id) || id === undefined) return error(validationError(30, { orderId: ['OrderId field should be an integer.'] }));
    ref = { orderId: id };
  } else {
    const cid = optString(body, 'clientOrderId');
    if (isApiError(cid) || cid === undefined) return error(validationError(36, { clientOrderId: ['ClientOrderId field should be a string.'] }));
    ref = { clientOrderId: cid };
  }
  const r = ctx.exchange.cancelOrder(accountId, market ?? '', ref, ctx.nowMs);
  return r.ok ? json(orderReply(ctx, r.value)) : error(r.error);
};

const orderCancelAll: PrivateHandler = (ctx, accountId, body) => {
  const market = optMarket(ctx, body);
  if (isApiError(market)) return error(market);
  const types = tradeTypes(body.type, 'type', 3);
  if (isApiError(types)) return error(types);
  ctx.exchange.cancelAll(accountId, market ?? null, types, ctx.nowMs);
  return json([]);
};

const orders: PrivateHandler = (ctx, accountId, body) => {
  const market = optMarket(ctx, body);
  if (isApiError(market)) return error(market);
  const orderId = optInt(body, 'orderId');
  if (isApiError(orderId)) return error(orderId);
  const clientOrderId = optString(body, 'clientOrderId');
  if (isApiError(clientOrderId)) return error(clientOrderId);
  const offset = optInt(body, 'offset', 0, 4_294_967_295);
  if (isApiError(offset)) return error(offset);
  const limit = optInt(body, 'limit', 1, 100);
  if (isApiError(limit)) return error(limit);
  if (market === undefined && (orderId !== undefined || clientOrderId !== undefined)) {
    return error(validationError(30, { market: ['Market field is required.'] }));
  }
  const filter: { market?: string; orderId?: number; clientOrderId?: string } = {};
  if (market !== undefined) filter.market = market;
  if (orderId !== undefined) filter.orderId = orderId;
  if (clientOrderId !== undefined) filter.clientOrderId = clientOrderId;
  const list = ctx.exchange.activeOrders(accountId, filter);
  return json(page(list, offset ?? 0, limit ?? 50).map((o) => orderReply(ctx, o)));
};

/** startDate/endDate (seconds) filter shared by the history endpoints. */
function timeRange(body: Record<string, unknown>): { from: number; to: number } | ApiError {
  const start = optInt(body, 'startDate', 0);
  if (isApiError(start)) return start;
  const end = optInt(body, 'endDate', 0);
  if (isApiError(end)) return end;
  return { from: (start ?? 0) * 1000, to: end === undefined ? Infinity : end * 1000 + 999 };
}

const executedHistory: PrivateHandler = (ctx, accountId, body) => {
  const market = optMarket(ctx, body);
  if (isApiError(market)) return error(market);
  const clientOrderId = optString(body, 'clientOrderId');
  if (isApiError(clientOrderId)) return error(clientOrderId);
  const range = timeRange(body);
  if (isApiError(range)) return error(range);
  const offset = optInt(body, 'offset', 0);
  if (isApiError(offset)) return error(offset);
  const limit = optInt(body, 'limit', 1, 500);
  if (isApiError(limit)) return error(limit);
  let deals = ctx.exchange.dealsOf(accountId).filter((d) => (market === undefined || d.market === market) && d.timeMs >= range.from && d.timeMs <= range.to);
  if (clientOrderId !== undefined) {
    deals = deals.filter((d) => d.clientOrderId === clientOrderId);
    if (deals.length === 0) return error(validationError(30, { orderHistory: ['OrderHistory was not found.'] }));
  }
  const paged = page(deals, offset ?? 0, limit ?? 50);
  // The shape depends on `market`: a flat array with it, an object keyed by market without it.
  if (market !== undefined) return json(paged.map(toExecutedDeal));
  const byMarket: Record<string, Record<string, unknown>[]> = {};
  for (const d of paged) (byMarket[d.market] ??= []).push(toExecutedDeal(d));
  return json(byMarket);
};

const orderDeals: PrivateHandler = (ctx, accountId, body) => {
  if (body.orderId === undefined || body.orderId === null) return error(validationError(30, { orderId: ['OrderId field is required.'] }));
  const orderId = optInt(body, 'orderId');
  if (isApiError(orderId) || orderId === undefined) return error(validationError(30, { orderId: ['OrderId field should be an integer.'] }));
  const offset = optInt(body, 'offset', 0);
  if (isApiError(offset)) return error(offset);
  const limit = optInt(body, 'limit', 1, 100);
  if (isApiError(limit)) return error(limit);
  // An unknown or foreign order is not an error: it simply has no deals.
  const deals = ctx.exchange.dealsOf(accountId).filter((d) => d.orderId === orderId);
  return json({ records: page(deals, offset ?? 0, limit ?? 50).map(toOrderDeal), offset: offset ?? 0, limit: limit ?? 50 });
};

const HISTORY_STATUSES = ['ALL', 'FILLED', 'CANCELED', 'PARTIALLY_FILLED'];

const orderHistory: PrivateHandler = (ctx, accountId, body) => {
  const market = optMarket(ctx, body);
  if (isApiError(market)) return error(market);
  const orderId = optInt(body, 'orderId');
  if (isApiError(orderId)) return error(orderId);
  const clientOrderId = optString(body, 'clientOrderId');
  if (isApiError(clientOrderId)) return error(clientOrderId);
  const status = optString(body, 'status');
  if (isApiError(status)) return error(status);
  if (status !== undefined && !HISTORY_STATUSES.includes(status)) return error(validationError(30, { status: ['The selected status is invalid.'] }));
  const range = timeRange(body);
  if (isApiError(range)) return error(range);
  const offset = optInt(body, 'offset', 0);
  if (isApiError(offset)) return error(offset);
  const limit = optInt(body, 'limit', 1, 500);
  if (isApiError(limit)) return error(limit);
  const list = ctx.exchange.finishedOrders(accountId).filter((o) => {
    if (!isFinished(o)) return false;
    if (market !== undefined && o.market !== market) return false;
    // orderId takes precedence over clientOrderId for a single lookup.
    if (orderId !== undefined) return o.id === orderId;
    if (clientOrderId !== undefined && o.clientOrderId !== clientOrderId) return false;
    const t = o.ftimeMs ?? o.mtimeMs;
    if (t < range.from || t > range.to) return false;
    switch (status) {
      case 'FILLED':
        return o.left.isZero();
      case 'CANCELED':
        return !o.left.isZero();
      case 'PARTIALLY_FILLED':
        return !o.left.isZero() && !o.dealStock.isZero();
      default:
        return true;
    }
  });
  const byMarket: Record<string, Record<string, unknown>[]> = {};
  for (const o of page(list, offset ?? 0, limit ?? 50)) (byMarket[o.market] ??= []).push(toHistoryOrder(o));
  return json(byMarket);
};

const killSwitch: PrivateHandler = (ctx, accountId, body) => {
  const missing: Record<string, string[]> = {};
  if (body.market === undefined || body.market === null) missing.market = ['Market field is required.'];
  if (!('timeout' in body)) missing.timeout = ['Timeout field is required.'];
  if (Object.keys(missing).length > 0) return error(validationError(30, missing));
  const market = optMarket(ctx, body);
  if (isApiError(market)) return error(market);
  if (market === undefined) return error(validationError(30, { market: ['Market field is required.'] }));
  const timeout = parseKillSwitchTimeout(body.timeout);
  if (timeout.kind === 'delete') {
    ctx.exchange.disarmKillSwitch(accountId, market);
    return json([]);
  }
  if (timeout.kind === 'invalid') return error(validationError(30, { timeout: ['Timeout field should be a string.'] }));
  const seconds = timeout.seconds;
  if (seconds < 5) return error(validationError(30, { timeout: ['Timeout should be at least 5.'] }));
  if (seconds > 600) return error(validationError(30, { timeout: ['Timeout should be at most 600.'] }));
  const types = tradeTypes(body.types, 'types', 3);
  if (isApiError(types)) return error(types);
  const timer = ctx.exchange.armKillSwitch(accountId, market, seconds, types, ctx.nowMs);
  return json(toWbKillSwitch(timer));
};

const killSwitchStatus: PrivateHandler = (ctx, accountId, body) => {
  const market = optMarket(ctx, body);
  if (isApiError(market)) return error(market);
  return json(ctx.exchange.killSwitches.list(accountId, market).map(toWbKillSwitch));
};

const websocketToken: PrivateHandler = (ctx, accountId) => json({ websocket_token: ctx.tokens.issue(accountId, ctx.nowMs) });

export const PRIVATE_ROUTES: ReadonlyMap<string, PrivateHandler> = new Map([
  ['/api/v4/trade-account/balance', balance],
  ['/api/v4/order/new', orderNew],
  ['/api/v4/order/bulk', orderBulk],
  ['/api/v4/order/stop_limit', orderStopLimit],
  ['/api/v4/order/stop_market', orderStopMarket],
  ['/api/v4/order/cancel', orderCancel],
  ['/api/v4/order/cancel/all', orderCancelAll],
  ['/api/v4/orders', orders],
  ['/api/v4/trade-account/executed-history', executedHistory],
  ['/api/v4/trade-account/order', orderDeals],
  ['/api/v4/trade-account/order/history', orderHistory],
  ['/api/v4/order/kill-switch', killSwitch],
  ['/api/v4/order/kill-switch/status', killSwitchStatus],
  ['/api/v4/profile/websocket_token', websocketToken],
  ['/api/v4/order/modify', orderModify],
  ['/api/v4/order/market', orderMarket],
  ['/api/v4/order/stock_market', orderStockMarket],
  ['/api/v4/order/cancel/bulk', orderCancelBulk],
  ['/api/v4/market/fee', marketFee],
  ['/api/v4/market/fee/single', marketFeeSingle],
]);
