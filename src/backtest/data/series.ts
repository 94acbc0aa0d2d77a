/**
 * The historical prices a backtest runs over: a `PriceSeries` of candles (WhiteBIT 1-minute klines)
 * or of trades (a CSV or JSONL trades file), read by the loaders of this folder.
 *
 * Invariants every loader keeps: points are in strictly ascending time (candles) or non-descending
 * time (trades); every price is a positive decimal string as written in the file (never a float);
 * a candle's low ≤ min(open, close) and high ≥ max(open, close).
 */

/** One candle, prices as the file wrote them. */
export interface PriceCandle {
  /** Open time, epoch ms. */
  readonly timeMs: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  /** Base volume; "0" when the file has none. Informational: the path ignores volume. */
  readonly volume: string;
  /** Line in the file (1-based), for messages about this candle. */
  readonly line: number;
}

/** One trade on the public tape. */
export interface PriceTrade {
  /** Execution time, epoch ms. */
  readonly timeMs: number;
  readonly price: string;
  /** Base amount; null when the file has none. Informational: the path ignores it. */
  readonly amount: string | null;
  /** Line in the file (1-based). */
  readonly line: number;
}

/** What a file holds: candles or trades, in time order. */
export type PriceSeries =
  | {
      readonly kind: 'candles';
      /** The file it came from, as given. */
      readonly file: string;
      /** The market the file names, or null (kline files do not name one). */
      readonly market: string | null;
      /** Candle length, ms: the smallest gap between two candles (60 000 for 1-minute klines; one candle: 60 000). */
      readonly intervalMs: number;
      readonly candles: readonly PriceCandle[];
    }
  | {
      readonly kind: 'trades';
      readonly file: string;
      /** The market every row names (a `market` column / field), or null when the file has none. */
      readonly market: string | null;
      readonly trades: readonly PriceTrade[];
    };

/** The formats `loadPriceSeries` tells apart by content (not by file name). */
export type PriceFileFormat = 'klines-jsonl' | 'klines-json' | 'trades-jsonl' | 'trades-csv';

/** Returns the first and last time of a series (ms; the last candle's end), or null when it is empty. */
export function seriesSpan(series: PriceSeries): { readonly fromMs: number; readonly toMs: number } | null {
  if (series.kind === 'candles') {
    const first = series.candles[0];
    const last = series.candles[series.candles.length - 1];
    return first && last ? { fromMs: first.timeMs, toMs: last.timeMs + series.intervalMs } : null;
  }
  const first = series.trades[0];
  const last = series.trades[series.trades.length - 1];
  return first && last ? { fromMs: first.timeMs, toMs: last.timeMs } : null;
}

/**
 * Returns the part of a series within [fromMs, toMs): candles that open in it, trades that happen
 * in it. Either bound may be null (open).
 */
export function sliceSeries(series: PriceSeries, fromMs: number | null, toMs: number | null): PriceSeries {
  const inside = (t: number): boolean => (fromMs === null || t >= fromMs) && (toMs === null || t < toMs);
  return series.kind === 'candles'
    ? { ...series, candles: series.candles.filter((c) => inside(c.timeMs)) }
    : { ...series, trades: series.trades.filter((t) => inside(t.timeMs)) };
}
