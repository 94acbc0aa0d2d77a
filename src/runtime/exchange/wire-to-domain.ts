/**
 * WhiteBIT wire types → grid domain types. Pure: the one place where `Wb*` field names
 * (`deal_stock`, `dealStock`, `client_order_id`, …) become the domain's.
 *
 * Decimal strings pass through unchanged (never through a JS number); ids stay numbers (< 2^53,
 * §1). REST gives `side` as a free string, so it is checked: a value other than buy/sell is a
 * {@link WireMappingError}, never a silently dropped fill.
 * @see whitebit-protocol.md §4.2 (order), §4.10 (executed deal), §7.8 (deals_update), §7.9 (ordersPending_update)
 */
import type { WbDeal, WbDealsUpdate, WbOrder, WbOrdersPendingUpdate } from '../../adapters/whitebit/index.js';
import type { ExchangeOrder, Fill, OrderIntent, OrderUpdate, PlacementOutcome, Side } from '../../grid/index.js';

/** A payload the exchange sent that the domain cannot represent. */
export class WireMappingError extends Error {
  override readonly name = 'WireMappingError';
}

/** Returns the domain side of a REST `side` string. @throws WireMappingError */
export function sideFromRest(side: string, what: string): Side {
  if (side === 'buy' || side === 'sell') return side;
  throw new WireMappingError(`${what}: side ${JSON.stringify(side)} is neither buy nor sell`);
}

/** An open order from `/api/v4/orders` (or any REST order object). @throws WireMappingError */
export function exchangeOrderFromRest(o: WbOrder): ExchangeOrder {
  return {
    orderId: o.orderId,
    clientOrderId: o.clientOrderId,
    side: sideFromRest(o.side, `order ${o.orderId}`),
    price: o.price,
    amount: o.amount,
    left: o.left,
    dealStock: o.dealStock,
  };
}

/** An `ordersPending_update`: event 3 (finished: filled or cancelled) is the final one. */
export function orderUpdateFromWs(u: WbOrdersPendingUpdate): OrderUpdate {
  const o = u.order;
  return {
    orderId: o.id,
    clientOrderId: o.client_order_id,
    side: o.side,
    price: o.price,
    amount: o.amount,
    left: o.left,
    dealStock: o.deal_stock,
    final: u.event === 3,
  };
}

/** A `deals_update` (one execution; one per partial fill). */
export function dealFromWs(u: WbDealsUpdate): Fill {
  return {
    dealId: u.deal_id,
    orderId: u.order_id,
    clientOrderId: u.client_order_id,
    side: u.side,
    price: u.price,
    amount: u.amount,
    fee: u.fee,
    // Absent in older payloads; an empty asset counts the fee as zero in PnL rather than guessing (§8.5).
    feeAsset: u.fee_asset ?? '',
    time: u.time,
  };
}

/** A deal of `trade-account/executed-history` (asked per market, so it carries none). @throws WireMappingError */
export function dealFromHistory(d: WbDeal): Fill {
  return {
    dealId: d.id,
    orderId: d.orderId,
    clientOrderId: d.clientOrderId,
    side: sideFromRest(d.side, `deal ${d.id}`),
    price: d.price,
    amount: d.amount,
    fee: d.fee,
    feeAsset: d.feeAsset ?? '',
    time: d.time,
  };
}

/**
 * The outcome of an accepted placement. The intent's client id is used, not the answer's: the bulk
 * answer is aligned with the request, and an empty echo (`""`) must not orphan the level.
 */
export function placedOutcome(intent: OrderIntent, o: WbOrder): PlacementOutcome {
  return { kind: 'placed', clientOrderId: intent.clientOrderId, orderId: o.orderId, dealStock: o.dealStock, left: o.left };
}
