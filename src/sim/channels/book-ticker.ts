/**
 * WS `bookTicker_subscribe` / `bookTicker_unsubscribe`: the top of the book, pushed on every change
 * of the best bid or best ask (price or amount) and never while it stays the same; no snapshot on
 * subscribe (the docs promise pushes on change only). Subscriptions add up per market (`[]` = every
 * market), as the per-market unsubscribe implies; unsubscribe `[]` drops them all.
 *
 * Row: `[engine time s, ws time s, market, update_id, bid price, bid amount, ask price, ask amount]`.
 * An empty side reports "0" / "0" (UNCONFIRMED: the docs show no empty book).
 *
 * @see whitebit-protocol-2.md §2.11
 */
import type { Exchange } from '../exchange.js';
import { SUCCESS, covers, marketList, type ChannelFactory, type MarketSet } from './channel.js';

type Top = readonly [string, string, string, string];

function topOf(exchange: Exchange, market: string): Top {
  const { asks, bids } = exchange.depth(market, 1);
  const none: [string, string] = ['0', '0'];
  const bid = bids[0] ?? none;
  const ask = asks[0] ?? none;
  return [bid[0], bid[1], ask[0], ask[1]];
}

const same = (a: Top | undefined, b: Top): boolean => a !== undefined && a.every((v, i) => v === b[i]);

export const bookTickerChannel: ChannelFactory = (host) => {
  let markets: MarketSet | null = null;
  /** The top each subscribed market last showed this connection. */
  const shown = new Map<string, Top>();
  return {
    methods: {
      bookTicker_subscribe: (params) => {
        const list = marketList(host.exchange, params);
        if (list.length === 0) markets = 'all';
        else if (markets !== 'all') markets = new Set([...(markets ?? []), ...list]);
        for (const m of list.length === 0 ? host.exchange.markets.keys() : list) {
          if (!shown.has(m)) shown.set(m, topOf(host.exchange, m));
        }
        return { result: SUCCESS };
      },
      bookTicker_unsubscribe: (params) => {
        const list = marketList(host.exchange, params);
        if (list.length === 0 || markets === 'all') {
          // WhiteBIT has no "all but these"; a per-market unsubscribe of an all-markets subscription ends it.
          markets = null;
          shown.clear();
        } else if (markets) {
          const left = new Set(markets);
          for (const m of list) {
            left.delete(m);
            shown.delete(m);
          }
          markets = left.size > 0 ? left : null;
        }
        return { result: SUCCESS };
      },
    },
    onEvent: (e) => {
      if (e.type !== 'depth' || !covers(markets, e.market)) return;
      const top = topOf(host.exchange, e.market);
      if (same(shown.get(e.market), top)) return;
      shown.set(e.market, top);
      const now = host.clock.now();
      host.push('bookTicker', 'bookTicker_update', [[e.timeMs / 1000, now / 1000, e.market, e.updateId, ...top]]);
    },
  };
};
