/**
 * WS order entry, engine side: one handler per order-management method of the authorized socket.
 * Each drives the same Exchange entry point as its REST twin (order/new → placeOrder, order/cancel
 * → cancelOrder, order/cancel/all → cancelAll; modify → modifyOrder; market orders → placeMarket),
 * so the ordersPending / deals / balanceSpot traffic a WS order causes is exactly a REST order's.
 *
 * `order_bbo_place` is a limit order priced off the book (role 1: own side's best, post-only; role
 * 2: the opposite best), so it runs on the same path. Stop-limit and stop-market placement drive
 * placeStop, as REST order/stop_limit and order/stop_market do. Stop-market in stock (type 203) and
 * stop-BBO are real WhiteBIT methods the engine does not run; they are answered with code 4 and a
 * text that says so, never silently.
 *
 * @see whitebit-protocol-2.md §1
 */
import { fmt, type Dec } from './decimal.js';
import type { Exchange } from './exchange.js';
import {
  checkLimits,
  modifiedTerms,
  parseBboPlace,
  parseCancel,
  parseCancelAll,
  parseLimitPlace,
  parseMarketPlace,
  parseModify,
  toWsOrderReply,
  WS_ERRORS,
  wsErrorOf,
  WsOrderError,
  type WsError,
  type WsLimitRequest,
} from './ws-order-codec.js';
import type { StopOrderInput } from './stop-validation.js';
import { parseStopLimitPlace, parseStopMarketPlace, stopModifiedTerms } from './ws-stop-codec.js';

export interface WsOrderContext {
  readonly exchange: Exchange;
  /** The connection's account; null before `authorize` (answered with 6). */
  readonly accountId: string | null;
  readonly nowMs: number;
}

export type WsOrderOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: WsError };

type Handler = (ctx: WsOrderContext & { readonly accountId: string }, params: unknown) => WsOrderOutcome;

const done = (result: unknown): WsOrderOutcome => ({ ok: true, result });
const refused = (error: WsError): WsOrderOutcome => ({ ok: false, error });

const HANDLERS: Readonly<Record<string, Handler>> = {
  order_limit_place: (ctx, params) => placeLimit(ctx, parseLimitPlace(params, ctx.exchange.markets)),
  order_bbo_place: (ctx, params) => {
    const req = parseBboPlace(params, ctx.exchange.markets);
    const book = ctx.exchange.bookOf(req.market.name);
    const level = req.role === 1 ? book.side(req.side).best() : book.opposite(req.side).best();
    if (!level) return refused(WS_ERRORS.notEnoughTraders);
    checkLimits(req.market, req.amount, level.priceD);
    return placeLimit(ctx, { ...req, price: level.priceD });
  },
  order_market_place: (ctx, params) => placeMarket(ctx, params, 2),
  order_market_stock_place: (ctx, params) => placeMarket(ctx, params, 202),
  order_modify: (ctx, params) => {
    const req = parseModify(params, ctx.exchange.markets);
    const filter = { market: req.market.name, ...req.ref };
    const [old] = ctx.exchange.activeOrders(ctx.accountId, filter);
    if (!old) return refused(WS_ERRORS.orderNotFound);
    const terms = old.stop && !old.stop.activated ? stopModifiedTerms(req, { ...old, stop: old.stop }) : { ...modifiedTerms(req, old), ...activationOf(req) };
    const r = ctx.exchange.modifyOrder(ctx.accountId, req.market.name, { orderId: old.id }, terms, ctx.nowMs);
    return r.ok ? done(toWsOrderReply(r.value)) : refused(wsErrorOf(r.error));
  },
  order_stop_limit_place: (ctx, params) => placeStop(ctx, parseStopLimitPlace(params, ctx.exchange.markets)),
  order_stop_market_place: (ctx, params) => placeStop(ctx, parseStopMarketPlace(params, ctx.exchange.markets)),
  order_cancel: (ctx, params) => {
    const req = parseCancel(params, ctx.exchange.markets);
    const r = ctx.exchange.cancelOrder(ctx.accountId, req.market.name, req.ref, ctx.nowMs);
    return r.ok ? done(toWsOrderReply(r.value)) : refused(wsErrorOf(r.error));
  },
  order_cancel_all: (ctx, params) => {
    const req = parseCancelAll(params, ctx.exchange.markets);
    ctx.exchange.cancelAll(ctx.accountId, req.market.name, req.types, ctx.nowMs);
    // An empty object, unlike REST's []; "nothing to cancel" is success too.
    return done({});
  },
};

/** WhiteBIT methods the simulator knows of but cannot execute. */
const UNSUPPORTED = new Set(['order_stop_market_stock_place', 'order_stop_bbo_place']);

/** True for a method this module answers (implemented or knowingly unsupported). */
export function isOrderMethod(method: string): boolean {
  return method in HANDLERS || UNSUPPORTED.has(method);
}

/** Runs one order method; every refusal is an outcome, never a throw. */
export function handleOrderMethod(ctx: WsOrderContext, method: string, params: unknown): WsOrderOutcome {
  const handler = HANDLERS[method];
  if (!handler) return refused(WS_ERRORS.notSupported(method));
  const accountId = ctx.accountId;
  if (accountId === null) return refused(WS_ERRORS.requireAuth);
  try {
    return handler({ ...ctx, accountId }, params);
  } catch (err) {
    if (err instanceof WsOrderError) return refused(err.wsError);
    throw err;
  }
}

/** A validated limit order through the REST order/new fields: the very path a REST-placed order takes. */
function placeLimit(ctx: WsOrderContext & { readonly accountId: string }, req: WsLimitRequest): WsOrderOutcome {
  const raw = {
    market: req.market.name,
    side: req.side,
    amount: fmt(req.amount),
    price: fmt(req.price),
    clientOrderId: req.clientOrderId,
    postOnly: req.postOnly,
    ioc: req.ioc,
    stp: req.stp,
  };
  const r = ctx.exchange.placeOrder(ctx.accountId, raw, ctx.nowMs);
  return r.ok ? done(toWsOrderReply(r.value)) : refused(wsErrorOf(r.error));
}

function placeStop(ctx: WsOrderContext & { readonly accountId: string }, req: StopOrderInput): WsOrderOutcome {
  const r = ctx.exchange.placeStop(ctx.accountId, req, ctx.nowMs);
  return r.ok ? done(toWsOrderReply(r.value)) : refused(wsErrorOf(r.error));
}

/** A limit order's modify passes any activation price on, for the engine to refuse (156). */
const activationOf = (req: { readonly activationPrice?: Dec }): { activationPrice?: Dec } =>
  req.activationPrice ? { activationPrice: req.activationPrice } : {};

function placeMarket(ctx: WsOrderContext & { readonly accountId: string }, params: unknown, type: 2 | 202): WsOrderOutcome {
  const best = (m: { name: string }, side: 'buy' | 'sell') => ctx.exchange.bookOf(m.name).opposite(side).best()?.priceD ?? null;
  const req = parseMarketPlace(params, ctx.exchange.markets, type, best);
  const r = ctx.exchange.placeMarket(ctx.accountId, req, ctx.nowMs);
  return r.ok ? done(toWsOrderReply(r.value)) : refused(wsErrorOf(r.error));
}
