/**
 * WS `candles_subscribe` / `candles_unsubscribe` / `candles_request` (ccxt `watchOHLCV`). One
 * candles subscription per connection: `[market, interval s]` replaces the previous one. The current
 * candle goes out right after the confirmation and then every CANDLES_UPDATE_MS of the simulator
 * clock, as a one-row `candles_update`; nothing while the market has never traded. An interval
 * outside candle-intervals.ts's rule is code 1 (WhiteBIT documents no code; UNCONFIRMED).
 *
 * Rows are `[open time s, open, close, high, low, base volume, quote volume, market]`.
 * `candles_request [market, start, end, interval]` answers the candles opening in [start, end], at
 * most CANDLES_PER_SERIES from start, empty intervals filled as candles.ts says.
 *
 * @see whitebit-protocol-2.md §2.10
 */
import { isCandleInterval } from '../candle-intervals.js';
import { CANDLES_PER_SERIES, candleRow, type Candle } from '../candles.js';
import { RequestError, WS_ERR, checkMarket, intArg, periodicSubscription, type ChannelFactory } from './channel.js';

/** WhiteBIT pushes the current candle twice a second. */
export const CANDLES_UPDATE_MS = 500;

function interval(v: unknown): number {
  if (!isCandleInterval(v)) throw new RequestError(WS_ERR.invalidArgument);
  return v;
}

const toWsCandle = (c: Candle, market: string): [...ReturnType<typeof candleRow>, string] => [...candleRow(c), market];

export const candlesChannel: ChannelFactory = (host) => {
  const sub = periodicSubscription<{ market: string; interval: number }>(host, CANDLES_UPDATE_MS, ({ market, interval }) => {
    const c = host.exchange.candles.current(market, interval, host.clock.now());
    if (c) host.push('candles', 'candles_update', [toWsCandle(c, market)]);
  });
  return {
    methods: {
      candles_subscribe: (params) => {
        const [market, seconds] = params;
        checkMarket(host.exchange, market);
        return sub.subscribe({ market, interval: interval(seconds) });
      },
      candles_unsubscribe: () => sub.unsubscribe(),
      candles_request: (params) => {
        const [market, start, end, seconds] = params;
        checkMarket(host.exchange, market);
        const from = intArg(start, 0, Number.MAX_SAFE_INTEGER);
        const to = intArg(end, from, Number.MAX_SAFE_INTEGER);
        const rows = host.exchange.candles.rows(market, interval(seconds), from, to, host.clock.now(), CANDLES_PER_SERIES);
        return { result: rows.map((c) => toWsCandle(c, market)) };
      },
    },
  };
};
