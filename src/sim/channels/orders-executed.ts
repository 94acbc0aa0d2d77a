/**
 * WS `ordersExecuted_subscribe` / `ordersExecuted_unsubscribe` / `ordersExecuted_request`
 * (authorized): the account's finished orders. Pushed ONLY to connections that subscribed: ccxt
 * routes `ordersExecuted_update` to its ordersPending handler and would build a broken order from it,
 * and it never subscribes itself.
 *
 * Subscribe `[[markets…], filter]` (`[]` = every market; filter 0 limit and market, 1 limit, 2
 * market). A push is `[orderObject]`, the ordersPending order object, sent when an order leaves the
 * book (filled or cancelled). Request `[{market, order_types}, offset, limit ≤ 100]` answers
 * `{limit, offset, records}`, newest first, records carrying `ftime`, `source` and `fee_asset`.
 *
 * Which type codes a filter covers (UNCONFIRMED; the docs name only "limit" and "market"): limit is
 * 1 and stop-limit 3; market is 2, 202 and the stop-market kinds 4 and 203.
 *
 * @see whitebit-protocol-2.md §2.11
 */
import type { OrderSnapshot } from '../order.js';
import { toWsOrder } from '../wire-format.js';
import { RequestError, SUCCESS, WS_ERR, checkMarket, covers, intArg, marketSet, requireAuth, type ChannelFactory, type MarketSet } from './channel.js';

/** `source` of orders placed through the simulator's API (WhiteBIT: "web", "api", …). */
export const ORDER_SOURCE = 'api';

const LIMIT_TYPES: readonly number[] = [1, 3];
const MARKET_TYPES: readonly number[] = [2, 202, 4, 203];
const FILTERS: readonly (readonly number[])[] = [[...LIMIT_TYPES, ...MARKET_TYPES], LIMIT_TYPES, MARKET_TYPES];

const typeOf = (o: OrderSnapshot): number => toWsOrder(o).type as number;

/** One record of `ordersExecuted_request`. */
function toExecutedRecord(o: OrderSnapshot): Record<string, unknown> {
  const w = toWsOrder(o);
  return {
    id: w.id,
    ctime: w.ctime,
    ftime: (o.ftimeMs ?? o.mtimeMs) / 1000,
    market: w.market,
    source: ORDER_SOURCE,
    type: w.type,
    side: w.side,
    post_only: w.post_only,
    ioc: w.ioc,
    price: w.price,
    amount: w.amount,
    deal_stock: w.deal_stock,
    deal_money: w.deal_money,
    deal_fee: w.deal_fee,
    client_order_id: w.client_order_id,
    status: w.status,
    fee_asset: o.feeAsset ?? '',
    rpi: false,
  };
}

/** The request's filter object: `market` (optional, every market when absent) and `order_types`. */
function readFilter(v: unknown): { market: string | undefined; types: readonly number[] } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RequestError(WS_ERR.invalidArgument);
  const { market, order_types: types } = v as { market?: unknown; order_types?: unknown };
  if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'number'))) throw new RequestError(WS_ERR.invalidArgument);
  if (market !== undefined && typeof market !== 'string') throw new RequestError(WS_ERR.invalidArgument);
  return { market, types: (types as number[] | undefined) ?? (FILTERS[0] as readonly number[]) };
}

export const ordersExecutedChannel: ChannelFactory = (host) => {
  let sub: { markets: MarketSet; types: readonly number[] } | null = null;
  return {
    methods: {
      ordersExecuted_subscribe: (params) => {
        requireAuth(host);
        const [nested, filter] = params;
        if (nested !== undefined && !Array.isArray(nested)) throw new RequestError(WS_ERR.invalidArgument);
        const markets = marketSet(host.exchange, (nested as unknown[] | undefined) ?? []);
        sub = { markets, types: FILTERS[intArg(filter, 0, 2, 0)] as readonly number[] };
        return { result: SUCCESS };
      },
      ordersExecuted_unsubscribe: () => {
        sub = null;
        return { result: SUCCESS };
      },
      ordersExecuted_request: (params) => {
        const accountId = requireAuth(host);
        const [filter, offset, limit] = params;
        const f = readFilter(filter ?? {});
        if (f.market !== undefined) checkMarket(host.exchange, f.market);
        const off = intArg(offset, 0, Number.MAX_SAFE_INTEGER, 0);
        const lim = intArg(limit, 1, 100, 100);
        const records = host.exchange.finishedOrders(accountId).filter((o) => (f.market === undefined || o.market === f.market) && f.types.includes(typeOf(o)));
        return { result: { limit: lim, offset: off, records: records.slice(off, off + lim).map(toExecutedRecord) } };
      },
    },
    onEvent: (e) => {
      if (e.type !== 'order' || e.event !== 3 || !sub || e.accountId !== host.accountId()) return;
      if (!covers(sub.markets, e.order.market) || !sub.types.includes(typeOf(e.order))) return;
      host.push('ordersExecuted', 'ordersExecuted_update', [toWsOrder(e.order)]);
    },
  };
};
