/**
 * Real-shaped 1-minute klines made by the simulator itself: its seeded price process trading on its
 * matching engine, the candles read from the engine's own candle store (what GET /api/v1/public/kline
 * serves), written as v1 kline rows. Used for the committed sample file (examples/backtest) and the
 * bench's 30 days.
 *
 * Why the store is read once a simulated hour: it keeps the newest CANDLES_PER_SERIES (1 440)
 * candles per interval, a day of minutes, so older ones must be taken before they are dropped.
 */
import { CANDLES_PER_SERIES, candleRow } from '../../sim/candles.js';
import { Exchange } from '../../sim/exchange.js';
import { type MarketSpec, resolveMarket } from '../../sim/markets.js';
import { HOUSE_ACCOUNT, PriceProcess } from '../../sim/price-process.js';
import type { KlineRow } from '../data/index.js';

export interface SimCandlesOptions {
  /** The market and its walk (startPrice, volatility per tick). */
  readonly market: MarketSpec;
  readonly seed: number;
  /** First candle's open time, epoch ms (rounded down to the minute). */
  readonly startMs: number;
  /** Number of 1-minute candles. */
  readonly minutes: number;
  /** Price process step, ms (the simulator's default is 1 000). */
  readonly tickMs: number;
}

const MINUTE_MS = 60_000;
const READ_EVERY_MS = 60 * MINUTE_MS;

/** Returns `minutes` consecutive 1-minute kline rows of the simulated market. */
export function simCandles(o: SimCandlesOptions): KlineRow[] {
  if (READ_EVERY_MS / MINUTE_MS >= CANDLES_PER_SERIES) throw new Error('the candle store would drop candles between reads');
  const market = resolveMarket(o.market);
  const exchange = new Exchange({
    markets: new Map([[market.name, market]]),
    accounts: [{ id: HOUSE_ACCOUNT, balances: PriceProcess.houseBalances([market]), keepHistory: false }],
    tradesLimit: 1,
  });
  const prices = new PriceProcess(exchange, { seed: o.seed });
  const start = Math.floor(o.startMs / MINUTE_MS) * MINUTE_MS;
  const end = start + o.minutes * MINUTE_MS;
  const rows = new Map<number, KlineRow>();
  const read = (nowMs: number): void => {
    const from = Math.max(start, nowMs - 2 * READ_EVERY_MS) / 1000;
    for (const c of exchange.candles.rows(market.name, 60, from, nowMs / 1000, nowMs, CANDLES_PER_SERIES)) {
      // Only closed candles: the one still open may change.
      if ((c.start + 60) * 1000 <= nowMs) rows.set(c.start, candleRow(c));
    }
  };
  prices.seed(start);
  let now = start;
  let nextRead = start + READ_EVERY_MS;
  while (now < end) {
    prices.tick(now);
    now += o.tickMs;
    if (now >= nextRead) {
      read(now);
      nextRead += READ_EVERY_MS;
    }
  }
  read(end);
  return [...rows.values()].filter((r) => r[0] * 1000 >= start && r[0] * 1000 < end).sort((a, b) => a[0] - b[0]);
}
