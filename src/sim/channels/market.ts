/**
 * WS `market_subscribe` / `market_unsubscribe` / `market_request` (ccxt `watchTicker(s)`): rolling
 * statistics per market. A subscription replaces the previous one (`[]` = every market: UNCONFIRMED,
 * read as for `trades_subscribe`); its period is fixed at 24 h. One `market_update` per market goes
 * out right after the confirmation and then every MARKET_UPDATE_MS of the simulator clock.
 *
 * Numbers come from the candle store (candles.ts `window`): `open` is the first trade's price in the
 * window, `close` the last one's, `volume` base and `deal` quote; `last` is the market's last price.
 * A window without trades reports open = close = high = low = last and zero volumes.
 *
 * @see whitebit-protocol-2.md §2.9
 */
import { fmt } from '../decimal.js';
import type { Exchange } from '../exchange.js';
import { checkMarket, intArg, marketSet, marketsOf, periodicSubscription, type ChannelFactory, type MarketSet } from './channel.js';

/** WhiteBIT pushes market statistics every second. */
export const MARKET_UPDATE_MS = 1_000;
/** The subscription's period (seconds); requests may ask for another. */
export const MARKET_PERIOD_S = 86_400;

/** The `market_update` / `market_request` object for `market` over `period` seconds. */
export function marketStats(exchange: Exchange, market: string, period: number, nowMs: number): Record<string, unknown> {
  const last = exchange.lastPrice(market);
  const w = exchange.candles.window(market, period, nowMs);
  return {
    period,
    last: fmt(last),
    open: fmt(w?.open ?? last),
    close: fmt(w?.close ?? last),
    high: fmt(w?.high ?? last),
    low: fmt(w?.low ?? last),
    volume: w ? fmt(w.base) : '0',
    deal: w ? fmt(w.quote) : '0',
  };
}

export const marketChannel: ChannelFactory = (host) => {
  const sub = periodicSubscription<MarketSet>(host, MARKET_UPDATE_MS, (markets) => {
    const now = host.clock.now();
    for (const m of marketsOf(host.exchange, markets)) host.push('market', 'market_update', [m, marketStats(host.exchange, m, MARKET_PERIOD_S, now)]);
  });
  return {
    methods: {
      market_subscribe: (params) => sub.subscribe(marketSet(host.exchange, params)),
      market_unsubscribe: () => sub.unsubscribe(),
      market_request: (params) => {
        const [market, period] = params;
        checkMarket(host.exchange, market);
        const p = intArg(period, 1, Number.MAX_SAFE_INTEGER, MARKET_PERIOD_S);
        return { result: marketStats(host.exchange, market, p, host.clock.now()) };
      },
    },
  };
};
