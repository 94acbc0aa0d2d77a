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
import { cmpDec } from '../../grid/decimal.js';
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
  const c = cmpDec(at, orderPrice);
  if (FILLS_ONLY_THROUGH) return side === 'buy' ? c < 0 : c > 0;
  return side === 'buy' ? c <= 0 : c >= 0;
}

/** Returns true when the candle's path visits the low before the high (see the module comment). */
export function lowFirst(open: Decimal, high: Decimal, low: Decimal): boolean {
  return open.minus(low).lte(high.minus(open));
}

/** Returns the path of a series. */
export function pricePath(series: PriceSeries): PricePath {
  const timesMs: number[] = [];
  const texts: string[] = [];
  const prices: Decimal[] = [];
  // Prices repeat (a market trades on its tick): one Decimal per distinct text, shared by every point at it.
  const parsed = new Map<string, Decimal>();
  const dec = (p: string): Decimal => {
    let d = parsed.get(p);
    if (d === undefined) parsed.set(p, (d = new D(p)));
    return d;
  };
  let last: string | null = null;
  const push = (t: number, p: string): void => {
    if (p === last) return;
    last = p;
    timesMs.push(t);
    texts.push(p);
    prices.push(dec(p));
  };
  if (series.kind === 'candles') {
    const step = series.intervalMs;
    const at = CANDLE_POINT_OFFSETS.map((f) => Math.floor(f * step));
    for (const c of series.candles) {
      const [first, second] = lowFirst(dec(c.open), dec(c.high), dec(c.low)) ? [c.low, c.high] : [c.high, c.low];
      push(c.timeMs + (at[0] as number), c.open);
      push(c.timeMs + (at[1] as number), first);
      push(c.timeMs + (at[2] as number), second);
      push(c.timeMs + (at[3] as number), c.close);
    }
    const lastCandle = series.candles[series.candles.length - 1];
    return { timesMs, prices, texts, endMs: lastCandle ? lastCandle.timeMs + step : 0 };
  }
  for (const t of series.trades) push(t.timeMs, t.price);
  return { timesMs, prices, texts, endMs: series.trades[series.trades.length - 1]?.timeMs ?? 0 };
}
