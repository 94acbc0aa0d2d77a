/**
 * Candles built from the simulator's own public trades, for GET /api/v1/public/kline and the WS
 * `candles_*` and `market_*` channels. Pure: no clock, no IO; every call takes the time.
 *
 * Entry points: `record` (one trade; updates the current candle of every interval at once),
 * `rows` (a range of candles as a client sees it), `current` (the candle that contains now),
 * `window` (rolling statistics over the last `period` seconds).
 *
 * Memory: per market and interval (all 37 of candle-intervals.ts) only candles that saw a trade are
 * kept, the newest CANDLES_PER_SERIES of them (1 440: one full kline page); older ones are dropped
 * first. Worst case per market, once every series is full, is 37 × 1 440 candles.
 *
 * Empty intervals are handled as the ViaBTC engine behind WhiteBIT's market data does (UNCONFIRMED
 * for WhiteBIT itself; its docs say nothing): an interval without trades after a known candle is a
 * flat candle at the previous close with zero volume; intervals before the first known candle are
 * left out. So a client's chart has no holes, and nothing is invented before the first trade.
 *
 * @see whitebit-protocol-2.md §2.4, §2.9, §2.10
 */
import { CANDLE_INTERVALS, DAY_S, candleStart, nextCandleStart } from './candle-intervals.js';
import { ZERO, fmt, type Dec } from './decimal.js';

/** Candles kept per market and interval (oldest dropped first). */
export const CANDLES_PER_SERIES = 1_440;

export interface Candle {
  /** Open time, Unix seconds. */
  readonly start: number;
  readonly open: Dec;
  close: Dec;
  high: Dec;
  low: Dec;
  /** Volume in base (stock). */
  base: Dec;
  /** Volume in quote (money). */
  quote: Dec;
}

/** Rolling statistics over a period (WS `market_update` without `last` and `period`). */
export interface WindowStats {
  readonly open: Dec;
  readonly close: Dec;
  readonly high: Dec;
  readonly low: Dec;
  readonly base: Dec;
  readonly quote: Dec;
}

/** The series `window` reads, finest first: each covers CANDLES_PER_SERIES of its intervals. */
const WINDOW_SERIES: readonly number[] = [1, 60, 3_600, DAY_S];

/** A candle on the wire (v1 kline and WS candles): `[open time s, open, close, high, low, base, quote]`. */
export const candleRow = (c: Candle): [number, string, string, string, string, string, string] => [
  c.start,
  fmt(c.open),
  fmt(c.close),
  fmt(c.high),
  fmt(c.low),
  fmt(c.base),
  fmt(c.quote),
];

const flat = (start: number, price: Dec): Candle => ({ start, open: price, close: price, high: price, low: price, base: ZERO, quote: ZERO });

export class CandleStore {
  /** market → interval → candles that saw a trade, ascending by start. */
  private readonly series = new Map<string, Map<number, Candle[]>>();

  /** Adds one trade to the candle of every interval that contains `timeMs`. */
  record(market: string, timeMs: number, price: Dec, base: Dec, quote: Dec): void {
    let byInterval = this.series.get(market);
    if (!byInterval) {
      byInterval = new Map(CANDLE_INTERVALS.map((i) => [i, []]));
      this.series.set(market, byInterval);
    }
    const tSec = Math.floor(timeMs / 1000);
    for (const [interval, list] of byInterval) {
      const start = candleStart(tSec, interval);
      let c = list[list.length - 1];
      // The engine's clock never runs backwards, so a trade belongs to the last candle or a new one.
      if (!c || c.start < start) {
        c = flat(start, price);
        list.push(c);
        if (list.length > CANDLES_PER_SERIES) list.shift();
      }
      c.close = price;
      if (price.greaterThan(c.high)) c.high = price;
      if (price.lessThan(c.low)) c.low = price;
      c.base = c.base.plus(base);
      c.quote = c.quote.plus(quote);
    }
  }

  /**
   * Returns the candles of `interval` that open in [fromSec, toSec] (both aligned down to the
   * candle grid), at most `maxRows` from the first, with empty intervals filled as the module doc
   * says. Nothing after the candle that contains `nowMs` (the future has no candles).
   */
  rows(market: string, interval: number, fromSec: number, toSec: number, nowMs: number, maxRows: number): Candle[] {
    const list = this.series.get(market)?.get(interval) ?? [];
    const last = candleStart(Math.min(toSec, Math.floor(nowMs / 1000)), interval);
    let t = candleStart(fromSec, interval);
    let i = 0;
    while (i < list.length && (list[i] as Candle).start < t) i++;
    let prev = i > 0 ? list[i - 1] : undefined;
    // Nothing is known before the oldest kept candle: start there rather than walk an empty grid.
    if (!prev && list[i]) t = Math.max(t, (list[i] as Candle).start);
    const out: Candle[] = [];
    for (; t <= last && out.length < maxRows; t = nextCandleStart(t, interval)) {
      const c = list[i];
      if (c && c.start === t) {
        out.push(c);
        prev = c;
        i++;
      } else if (prev) {
        const filler = flat(t, prev.close);
        out.push(filler);
        prev = filler;
      } else if (!c) break;
    }
    return out;
  }

  /** Returns the candle of `interval` that contains `nowMs`, or null while the market has had no trade. */
  current(market: string, interval: number, nowMs: number): Candle | null {
    const list = this.series.get(market)?.get(interval);
    const last = list?.[list.length - 1];
    if (!last) return null;
    const start = candleStart(Math.floor(nowMs / 1000), interval);
    return last.start === start ? last : flat(start, last.close);
  }

  /**
   * Returns the statistics of the trades in the last `periodSec` seconds, or null when there were
   * none. Read from the finest series that reaches back far enough (seconds up to 24 min, minutes up
   * to 24 h, hours up to 60 days, days beyond); the window starts after the candle that contains
   * `now − period`, so a 24 h window is the current minute and the 1 439 before it.
   */
  window(market: string, periodSec: number, nowMs: number): WindowStats | null {
    const interval = WINDOW_SERIES.find((i) => i * CANDLES_PER_SERIES >= periodSec) ?? DAY_S;
    const list = this.series.get(market)?.get(interval) ?? [];
    const after = candleStart(Math.floor(nowMs / 1000) - periodSec, interval);
    let stats: { open: Dec; close: Dec; high: Dec; low: Dec; base: Dec; quote: Dec } | null = null;
    for (const c of list) {
      if (c.start <= after) continue;
      if (!stats) stats = { ...c };
      else {
        stats.close = c.close;
        if (c.high.greaterThan(stats.high)) stats.high = c.high;
        if (c.low.lessThan(stats.low)) stats.low = c.low;
        stats.base = stats.base.plus(c.base);
        stats.quote = stats.quote.plus(c.quote);
      }
    }
    return stats;
  }
}
