/**
 * The price path a backtest walks: each candle becomes four points, each trade one.
 *
 * Candle rule (conservative: the path visits both extremes, and in the order that fills the fewest
 * orders twice): open → the extreme nearer the open → the other extreme → close. A tie (open as
 * far from the high as from the low) goes to the low first. The points sit at CANDLE_POINT_OFFSETS
 * of the candle's interval. Consecutive equal prices are merged into the first.
 *
 * Fill rule: see FILLS_ONLY_THROUGH.
 */
import { D, type Decimal } from '../../grid/index.js';
import type { PriceSeries } from '../data/index.js';

/**
 * A resting order fills only when the path trades THROUGH its price: strictly below a buy's price,
 * strictly above a sell's. A path that only touches the price leaves the order resting, because on a
 * real book a touch fills only the orders ahead in the queue, and ours may be last. This is the one
 * place the rule is decided; `tradesThrough` applies it.
 */
export const FILLS_ONLY_THROUGH = true;

/** Where open, first extreme, second extreme and close sit within a candle, as a share of its interval. */
export const CANDLE_POINT_OFFSETS = [0, 0.25, 0.5, 0.75] as const;

/** The path: times (epoch ms, non-descending) and prices, index by index. */
export interface PricePath {
  readonly timesMs: readonly number[];
  readonly prices: readonly Decimal[];
  /** The price text as the file wrote it, for the report. */
  readonly texts: readonly string[];
  /** Where the path ends, epoch ms (the last candle's end, or the last trade's time). */
  readonly endMs: number;
}

/** Returns true when a path price `at` fills a resting order of `side` at `orderPrice` (FILLS_ONLY_THROUGH). */
export function tradesThrough(side: 'buy' | 'sell', orderPrice: Decimal, at: Decimal): boolean {
  const c = at.cmp(orderPrice);
  if (FILLS_ONLY_THROUGH) return side === 'buy' ? c < 0 : c > 0;
  return side === 'buy' ? c <= 0 : c >= 0;
}

/** Returns the four prices of a candle in path order (see the module comment). */
export function candlePrices(open: string, high: string, low: string, close: string): readonly [string, string, string, string] {
  const o = new D(open);
  const lowFirst = o.minus(low).lte(new D(high).minus(o));
  return lowFirst ? [open, low, high, close] : [open, high, low, close];
}

/** Returns the path of a series. */
export function pricePath(series: PriceSeries): PricePath {
  const timesMs: number[] = [];
  const texts: string[] = [];
  const prices: Decimal[] = [];
  let last: string | null = null;
  const push = (t: number, p: string): void => {
    if (p === last) return;
    last = p;
    timesMs.push(t);
    texts.push(p);
    prices.push(new D(p));
  };
  if (series.kind === 'candles') {
    const step = series.intervalMs;
    for (const c of series.candles) {
      const ps = candlePrices(c.open, c.high, c.low, c.close);
      for (let k = 0; k < 4; k += 1) push(c.timeMs + Math.floor((CANDLE_POINT_OFFSETS[k] as number) * step), ps[k] as string);
    }
    const lastCandle = series.candles[series.candles.length - 1];
    return { timesMs, prices, texts, endMs: lastCandle ? lastCandle.timeMs + step : 0 };
  }
  for (const t of series.trades) push(t.timeMs, t.price);
  return { timesMs, prices, texts, endMs: series.trades[series.trades.length - 1]?.timeMs ?? 0 };
}
