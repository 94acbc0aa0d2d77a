/**
 * WS `trades_subscribe` / `trades_unsubscribe` / `trades_request` (ccxt `watchTrades`): the public
 * trades of the subscribed markets (`[]` = every market). A subscription replaces the previous one
 * and, right after its confirmation, sends a snapshot: one `trades_update` per market with up to
 * SNAPSHOT_TRADES newest trades, newest first (resubscribing replays it; clients dedupe by `id`).
 * Then real-time batches: the trades one engine step makes on a market (a taker sweeping three
 * levels) go out as one `trades_update`, oldest first within the batch.
 *
 * Why a microtask: the engine announces trades one by one, synchronously, and says nothing when a
 * step is over; collecting them until the current turn ends groups exactly one step's trades without
 * a timer (a timer on the simulator clock would hold them until the clock next moves).
 *
 * `trades_request [market, limit ≤ 100, lastId]` answers the newest `limit` trades with an id above
 * `lastId` (0 = no bound), newest first, as the ViaBTC engine behind the API does (UNCONFIRMED).
 *
 * @see whitebit-protocol-2.md §2.10
 */
import type { PublicTrade } from '../order.js';
import { fmt } from '../decimal.js';
import { SUCCESS, checkMarket, covers, intArg, marketSet, marketsOf, type ChannelFactory, type MarketSet } from './channel.js';

/** Trades in the snapshot after a subscription, per market. */
export const SNAPSHOT_TRADES = 100;

/** One trade as `trades_update` and `trades_request` carry it: amount in base, type = taker side. */
export function toWsTrade(t: PublicTrade): Record<string, unknown> {
  return { id: t.id, time: t.timeMs / 1000, price: t.price, amount: fmt(t.amount), type: t.takerSide, rpi: false };
}

export const tradesChannel: ChannelFactory = (host) => {
  let markets: MarketSet | null = null;
  let pending = new Map<string, PublicTrade[]>();
  let flushQueued = false;
  const flush = (): void => {
    flushQueued = false;
    const batches = pending;
    pending = new Map();
    for (const [market, trades] of batches) {
      if (covers(markets, market)) host.push('trades', 'trades_update', [market, trades.map(toWsTrade)]);
    }
  };
  const snapshot = (): void => {
    for (const m of marketsOf(host.exchange, markets ?? new Set())) {
      host.push('trades', 'trades_update', [m, host.exchange.publicTrades(m).slice(0, SNAPSHOT_TRADES).map(toWsTrade)]);
    }
  };
  return {
    methods: {
      trades_subscribe: (params) => {
        markets = marketSet(host.exchange, params);
        // Trades already announced are in the snapshot; do not send them twice.
        pending.clear();
        return { result: SUCCESS, then: snapshot };
      },
      trades_unsubscribe: () => {
        markets = null;
        pending.clear();
        return { result: SUCCESS };
      },
      trades_request: (params) => {
        const [market, limit, lastId] = params;
        checkMarket(host.exchange, market);
        const lim = intArg(limit, 1, SNAPSHOT_TRADES, SNAPSHOT_TRADES);
        const after = intArg(lastId, 0, Number.MAX_SAFE_INTEGER, 0);
        const newer = host.exchange.publicTrades(market).filter((t) => t.id > after);
        return { result: newer.slice(0, lim).map(toWsTrade) };
      },
    },
    onEvent: (e) => {
      if (e.type !== 'trade' || !covers(markets, e.trade.market)) return;
      const list = pending.get(e.trade.market);
      if (list) list.push(e.trade);
      else pending.set(e.trade.market, [e.trade]);
      if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(flush);
      }
    },
  };
};
