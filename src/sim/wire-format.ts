/**
 * Exchange records → WhiteBIT wire objects (REST OrderResponse, WS order object, deals 11-tuple,
 * history records). Field names and types are WhiteBIT's: amounts and prices are strings, ids
 * integers, times float seconds.
 *
 * @see whitebit-protocol.md §4.2, §4.10–4.12, §7.8, §7.9
 */
import { fmt } from './decimal.js';
import type { Market } from './markets.js';
import { restStatus, wsStatus, type DealRecord, type OrderSnapshot, type PublicTrade, type StopInfo } from './order.js';

/** Unix ms → float seconds (WhiteBIT's order and deal timestamps). */
export const toSeconds = (ms: number): number => ms / 1000;

const sideCode = (side: 'buy' | 'sell'): 1 | 2 => (side === 'sell' ? 1 : 2);

/** REST `type` of an order; market orders keep their WS code (2 / 202) in `marketOrder`. */
const restType = (o: OrderSnapshot): 'limit' | 'market' | 'stock market' => (o.marketOrder ? (o.marketOrder.type === 2 ? 'market' : 'stock market') : 'limit');

/** A market order reports price "0", what was asked for (quote for a type-2 buy), and nothing left: its answer is terminal. */
function reportedTerms(o: OrderSnapshot): { price: string; amount: string; left: string } {
  const m = o.marketOrder;
  return m ? { price: '0', amount: fmt(m.requested), left: '0' } : { price: o.price, amount: fmt(o.amount), left: fmt(o.left) };
}

/** REST OrderResponse (current shape), or the legacy shape with fee ratios and no status/stp. */
export function toOrderResponse(o: OrderSnapshot, market: Market | undefined, legacy = false): Record<string, unknown> {
  const terms = reportedTerms(o);
  const base: Record<string, unknown> = {
    orderId: o.id,
    clientOrderId: o.clientOrderId,
    market: o.market,
    side: o.side,
    type: restType(o),
    timestamp: toSeconds(o.ctimeMs),
    dealMoney: fmt(o.dealMoney),
    dealStock: fmt(o.dealStock),
    amount: terms.amount,
    left: terms.left,
    dealFee: fmt(o.dealFee),
    price: terms.price,
    postOnly: o.postOnly,
    ioc: o.marketOrder ? false : o.ioc,
  };
  if (legacy) {
    base.takerFee = market ? fmt(market.takerRate) : '0';
    base.makerFee = market ? fmt(market.makerRate) : '0';
  } else {
    base.status = restStatus(o);
    base.stp = o.stp;
    base.rpi = false;
  }
  if (o.feeAsset !== null) base.feeAsset = o.feeAsset;
  if (o.stop) Object.assign(base, restStopFields(o.stop));
  return base;
}

/**
 * The REST fields of a stop order (create-stop-limit/market-order examples, and ccxt's parseOrder,
 * which reads `activation_price` in snake_case on REST too): its type, and a stop-market's price "0".
 */
function restStopFields(stop: StopInfo): Record<string, unknown> {
  const fields: Record<string, unknown> = { type: stop.type === 3 ? 'stop limit' : 'stop market', activation_price: fmt(stop.activationPrice) };
  if (stop.type === 4) fields.price = '0';
  return fields;
}

/** The conditional fields of a stop order's WS object (protocol-2 §1.3). */
function wsStopFields(stop: StopInfo): Record<string, unknown> {
  return {
    type: stop.type,
    activation_price: fmt(stop.activationPrice),
    activation_condition: stop.condition,
    activated: stop.activated ? 1 : 0,
    ...(stop.type === 4 ? { price: '0' } : {}),
  };
}

/** The order object of ordersPending_update / ordersPending_request. */
export function toWsOrder(o: OrderSnapshot): Record<string, unknown> {
  return {
    id: o.id,
    market: o.market,
    type: o.marketOrder?.type ?? 1,
    side: sideCode(o.side),
    post_only: o.postOnly,
    ioc: o.marketOrder ? false : o.ioc,
    ctime: toSeconds(o.ctimeMs),
    mtime: toSeconds(o.mtimeMs),
    ...reportedTerms(o),
    deal_stock: fmt(o.dealStock),
    deal_money: fmt(o.dealMoney),
    deal_fee: fmt(o.dealFee),
    client_order_id: o.clientOrderId,
    stp: o.stp,
    status: wsStatus(o),
    position_side: 'BOTH',
    rpi: false,
    reduce_only: false,
    ...(o.stop ? wsStopFields(o.stop) : {}),
  };
}

/** deals_update params: the flat 11-element tuple. */
export function toDealTuple(d: DealRecord): [number, number, string, number, string, string, string, string, number, number, string] {
  return [d.id, toSeconds(d.timeMs), d.market, d.orderId, d.price, fmt(d.amount), fmt(d.fee), d.clientOrderId, sideCode(d.side), d.role, d.feeAsset];
}

/** One record of deals_request. */
export function toWsDealRecord(d: DealRecord): Record<string, unknown> {
  return {
    time: toSeconds(d.timeMs),
    id: d.id,
    side: sideCode(d.side),
    role: d.role,
    price: d.price,
    amount: fmt(d.amount),
    deal: fmt(d.deal),
    fee: fmt(d.fee),
    order_id: d.orderId,
    deal_order_id: d.counterOrderId,
    market: d.market,
    client_order_id: d.clientOrderId,
    fee_asset: d.feeAsset,
  };
}

/** One deal of trade-account/executed-history. */
export function toExecutedDeal(d: DealRecord): Record<string, unknown> {
  return {
    id: d.id,
    clientOrderId: d.clientOrderId,
    time: toSeconds(d.timeMs),
    side: d.side,
    role: d.role,
    amount: fmt(d.amount),
    price: d.price,
    deal: fmt(d.deal),
    fee: fmt(d.fee),
    orderId: d.orderId,
    feeAsset: d.feeAsset,
  };
}

/** One record of trade-account/order (deals of one order; dealOrderId is the counterparty). */
export function toOrderDeal(d: DealRecord): Record<string, unknown> {
  return {
    time: toSeconds(d.timeMs),
    fee: fmt(d.fee),
    price: d.price,
    amount: fmt(d.amount),
    id: d.id,
    dealOrderId: d.counterOrderId,
    clientOrderId: d.clientOrderId,
    role: d.role,
    deal: fmt(d.deal),
    feeAsset: d.feeAsset,
    rpi: false,
  };
}

/** One finished order of trade-account/order/history. */
export function toHistoryOrder(o: OrderSnapshot): Record<string, unknown> {
  const terms = reportedTerms(o);
  const out: Record<string, unknown> = {
    id: o.id,
    clientOrderId: o.clientOrderId,
    market: o.market,
    side: o.side,
    type: restType(o),
    amount: terms.amount,
    price: terms.price,
    ctime: toSeconds(o.ctimeMs),
    ftime: toSeconds(o.ftimeMs ?? o.mtimeMs),
    dealStock: fmt(o.dealStock),
    dealMoney: fmt(o.dealMoney),
    dealFee: fmt(o.dealFee),
    postOnly: o.postOnly,
    ioc: o.marketOrder ? false : o.ioc,
    status: restStatus(o),
    stp: o.stp,
  };
  if (o.feeAsset !== null) out.feeAsset = o.feeAsset;
  if (o.stop) Object.assign(out, restStopFields(o.stop));
  return out;
}

/**
 * One entry of /public/trades/{market}. WhiteBIT names these two the other way round from its
 * ticker: here `quote_volume` is the BASE amount and `base_volume` the QUOTE amount (protocol-2
 * §2.8, the spec's own example); ccxt reads `quote_volume` as the amount.
 */
export function toPublicTrade(t: PublicTrade): Record<string, unknown> {
  return {
    tradeID: t.id,
    price: t.price,
    quote_volume: fmt(t.amount),
    base_volume: fmt(t.quote),
    trade_timestamp: Math.floor(t.timeMs / 1000),
    type: t.takerSide,
    rpi: false,
  };
}
