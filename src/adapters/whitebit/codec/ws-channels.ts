/**
 * Per-channel payload decoders (server → client) and subscribe builders (client → server).
 *
 * The decoders run for every frame on the hot channels (deals, ordersPending, depth), so they are
 * hand-written `typeof` checks over the already parsed JSON rather than a schema library: one pass,
 * no intermediate objects. Each returns the typed update or a string saying what is wrong.
 *
 * Subscribe semantics (§7.5): a repeated `X_subscribe` REPLACES the channel's market set on the
 * connection, so the builders take the full list; depth is per market with the "add" flag.
 */
import type { WbBalance, WbLevel, WbSide } from './rest-models.js';
import type { WbBalanceSpotUpdate, WbDealsUpdate, WbDepthUpdate, WbLastpriceUpdate, WbOrdersPendingUpdate, WbWsOrder } from './ws-frames.js';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const optNum = (v: unknown): number | undefined => (isNum(v) ? v : undefined);
const optStr = (v: unknown): string | undefined => (isStr(v) ? v : undefined);
const optBool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** 1 = sell, 2 = buy; older captures send "1"/"2". */
function side(v: unknown): WbSide | undefined {
  if (v === 2 || v === '2') return 'buy';
  if (v === 1 || v === '1') return 'sell';
  return undefined;
}

function levels(v: unknown): readonly WbLevel[] | undefined {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return undefined;
  for (const l of v) {
    if (!Array.isArray(l) || l.length < 2 || !isStr(l[0]) || !isStr(l[1])) return undefined;
  }
  return v as WbLevel[];
}

/** `lastprice_update` params: `[market, price]`. */
export function decodeLastprice(p: readonly unknown[]): WbLastpriceUpdate | string {
  const [market, price] = p;
  if (!isStr(market) || !isStr(price)) return 'expected [market, price] strings';
  return { kind: 'lastprice_update', market, price };
}

/** `depth_update` params: `[full_reload, data, market]`. */
export function decodeDepth(p: readonly unknown[]): WbDepthUpdate | string {
  const [full, data, market] = p;
  if (typeof full !== 'boolean') return 'params[0] must be the full-reload boolean';
  if (!isRec(data)) return 'params[1] must be the book object';
  if (!isStr(market)) return 'params[2] must be the market';
  const asks = levels(data['asks']);
  const bids = levels(data['bids']);
  if (!asks || !bids) return 'asks/bids must be [price, amount] string pairs';
  const updateId = data['update_id'];
  const pastId = data['past_update_id'];
  if (updateId !== undefined && !isInt(updateId)) return 'update_id must be an integer';
  if (pastId !== undefined && !isInt(pastId)) return 'past_update_id must be an integer';
  if (!full && updateId !== undefined && pastId === undefined) return 'a delta with update_id needs past_update_id';
  return {
    kind: 'depth_update',
    market,
    full_reload: full,
    timestamp: optNum(data['timestamp']) ?? 0,
    update_id: updateId,
    past_update_id: pastId,
    event_time: optNum(data['event_time']),
    asks,
    bids,
  };
}

/**
 * `deals_update` params, the flat tuple:
 * `[deal_id, time, market, order_id, price, amount, fee, client_order_id, side, role, fee_asset]`.
 */
export function decodeDeal(p: readonly unknown[]): WbDealsUpdate | string {
  if (p.length < 10) return `expected the 11-element deal tuple, got ${p.length}`;
  const [dealId, time, market, orderId, price, amount, fee, clientOrderId, rawSide, rawRole, feeAsset] = p;
  if (!isInt(dealId) || !isInt(orderId)) return 'deal_id and order_id must be integers';
  if (!isNum(time) || !isStr(market)) return 'time must be a number and market a string';
  if (!isStr(price) || !isStr(amount) || !isStr(fee)) return 'price, amount and fee must be strings';
  const s = side(rawSide);
  if (!s) return 'side must be 1 (sell) or 2 (buy)';
  const role = rawRole === 1 || rawRole === '1' ? 'maker' : rawRole === 2 || rawRole === '2' ? 'taker' : undefined;
  if (!role) return 'role must be 1 (maker) or 2 (taker)';
  return {
    kind: 'deals_update',
    deal_id: dealId,
    time,
    market,
    order_id: orderId,
    price,
    amount,
    fee,
    client_order_id: isStr(clientOrderId) ? clientOrderId : '',
    side: s,
    role,
    fee_asset: optStr(feeAsset),
  };
}

/** The order object of `ordersPending` pushes and of WS order replies (§1.3). */
export function decodeWsOrder(o: Rec): WbWsOrder | string {
  const id = o['id'];
  const market = o['market'];
  if (!isInt(id) || !isStr(market)) return 'order.id must be an integer and order.market a string';
  const s = side(o['side']);
  if (!s) return 'order.side must be 1 (sell) or 2 (buy)';
  const { price, amount, left, deal_stock: dealStock, deal_money: dealMoney } = o;
  if (!isStr(price) || !isStr(amount) || !isStr(left) || !isStr(dealStock) || !isStr(dealMoney)) {
    return 'order price/amount/left/deal_stock/deal_money must be strings';
  }
  return {
    id,
    market,
    side: s,
    price,
    amount,
    left,
    deal_stock: dealStock,
    deal_money: dealMoney,
    client_order_id: optStr(o['client_order_id']) ?? '',
    type: optNum(o['type']),
    deal_fee: optStr(o['deal_fee']),
    post_only: optBool(o['post_only']),
    ioc: optBool(o['ioc']),
    ctime: optNum(o['ctime']),
    mtime: optNum(o['mtime']),
    status: optStr(o['status']),
    stp: optStr(o['stp']),
  };
}

/** `ordersPending_update` params: `[event_id, order]`. */
export function decodeOrdersPending(p: readonly unknown[]): WbOrdersPendingUpdate | string {
  const [event, order] = p;
  if (event !== 1 && event !== 2 && event !== 3) return 'params[0] must be event 1, 2 or 3';
  if (!isRec(order)) return 'params[1] must be the order object';
  const o = decodeWsOrder(order);
  return typeof o === 'string' ? o : { kind: 'ordersPending_update', event, order: o };
}

/** `balanceSpot_update` params: `[{asset: {available, freeze}}]`. */
export function decodeBalanceSpot(p: readonly unknown[]): WbBalanceSpotUpdate | string {
  const [map] = p;
  if (!isRec(map)) return 'params[0] must be the asset map';
  const balances: Record<string, WbBalance> = {};
  for (const [asset, b] of Object.entries(map)) {
    if (!isRec(b) || !isStr(b['available']) || !isStr(b['freeze'])) {
      return `balance of ${asset} must have available/freeze strings`;
    }
    balances[asset] = { available: b['available'], freeze: b['freeze'] };
  }
  return { kind: 'balanceSpot_update', balances };
}

// ---------- client → server (method + params; ids are added by encodeRequest) ----------

export interface WbWsCall {
  readonly method: string;
  readonly params: readonly unknown[];
}

/** JSON keepalive; send every ≤50 s, expect `pong` within 10 s. @see §7.2 */
export const pingCall = (): WbWsCall => ({ method: 'ping', params: [] });
/** @see §7.4: the second param is the constant "public". */
export const authorizeCall = (token: string): WbWsCall => ({ method: 'authorize', params: [token, 'public'] });
/** Replaces the channel's market set: pass every market. */
export const lastpriceSubscribeCall = (markets: readonly string[]): WbWsCall => ({
  method: 'lastprice_subscribe',
  params: [...markets],
});
/** The book depths `depth_subscribe` accepts. */
export type WbDepthLimit = 1 | 5 | 10 | 20 | 30 | 50 | 100;
/** Adds one market's book (`multi` = true) or drops all other books first (`false`). */
export const depthSubscribeCall = (market: string, limit: WbDepthLimit, interval = '0', multi = true): WbWsCall => ({
  method: 'depth_subscribe',
  params: [market, limit, interval, multi],
});
/** Deals take a NESTED market list; `[]` means all markets. Replaces the previous set. */
export const dealsSubscribeCall = (markets: readonly string[]): WbWsCall => ({
  method: 'deals_subscribe',
  params: [[...markets]],
});
/** ordersPending takes a FLAT market list. Replaces the previous set; always list markets. */
export const ordersPendingSubscribeCall = (markets: readonly string[]): WbWsCall => ({
  method: 'ordersPending_subscribe',
  params: [...markets],
});
/** `[]` means all assets. */
export const balanceSpotSubscribeCall = (assets: readonly string[]): WbWsCall => ({
  method: 'balanceSpot_subscribe',
  params: [...assets],
});
/** Drops the whole channel; depth also accepts `[market]` to drop one book. */
export const unsubscribeCall = (channel: string, params: readonly unknown[] = []): WbWsCall => ({
  method: `${channel}_unsubscribe`,
  params: [...params],
});
