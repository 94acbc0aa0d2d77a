/**
 * The pure half of `gridbot history`: which windows to ask for, and how one page's answer becomes
 * the rows to append (exactly one row per interval after the last one written).
 *
 * Windows: both `start` and `end` are sent, `end − start` = (page − 1) intervals, so the docs'
 * reading of `limit` (start = end − limit × interval) and ccxt's (up to `limit` from start) ask the
 * same candles (whitebit-protocol-2.md §2.4, §4 item 9). Rows before the window or at or before the
 * last written row (the docs' reading may add one) and rows after it are dropped, not errors.
 *
 * Gaps: an interval without a row between two rows the server did send is written as a flat candle
 * at the previous close with zero volume, which is what "no trade in that minute" means (the ViaBTC
 * engine behind WhiteBIT answers so itself; candles.ts). Nothing is invented before the first row or
 * after the last.
 */
import { candleStart, nextCandleStart } from '../sim/candle-intervals.js';
import type { KlineRow } from '../backtest/data/index.js';
import type { LastCandle } from './kline-file.js';

/** Candles per request: the endpoint's maximum `limit` (whitebit-protocol-2.md §2.4). */
export const MAX_PAGE = 1_440;

/** One request's window: candles opening in [start, end], Unix seconds, both aligned. */
export interface PageWindow {
  readonly start: number;
  readonly end: number;
}

/** Returns the window of up to `page` candles from `start`, ending no later than `last`. */
export function pageWindow(start: number, last: number, interval: number, page: number): PageWindow {
  let end = start;
  for (let i = 1; i < page; i++) {
    const next = nextCandleStart(end, interval);
    if (next > last) break;
    end = next;
  }
  return { start, end };
}

/** A row the server sent that cannot be a candle of the asked interval. */
export class KlinePageError extends Error {
  override readonly name = 'KlinePageError';
}

export interface PageRows {
  /** The rows to append, gaps filled. */
  readonly rows: KlineRow[];
  /** How many of them are filled gaps. */
  readonly filled: number;
}

const flatAt = (time: number, price: string): KlineRow => [time, price, price, price, price, '0', '0'];

/**
 * Returns the rows of `answer` to append after `prev` (the last candle written, or null) for the
 * window `w`. Throws {@link KlinePageError} when a row is not aligned to `interval` or the rows are
 * not ascending.
 */
export function rowsToAppend(answer: readonly KlineRow[], prev: LastCandle | null, w: PageWindow, interval: number): PageRows {
  const rows: KlineRow[] = [];
  let filled = 0;
  let last: LastCandle | null = prev;
  for (const row of answer) {
    const t = row[0];
    if (candleStart(t, interval) !== t) throw new KlinePageError(`the server sent a candle at ${t}, not on the ${interval} s grid`);
    if (t < w.start || t > w.end || (last !== null && t <= last.time)) {
      if (last !== null && t < last.time && t >= w.start) throw new KlinePageError(`the server sent candles out of order (${t} after ${last.time})`);
      continue;
    }
    if (last !== null) {
      for (let gap = nextCandleStart(last.time, interval); gap < t; gap = nextCandleStart(gap, interval)) {
        rows.push(flatAt(gap, last.close));
        filled++;
      }
    }
    rows.push(row);
    last = { time: t, close: row[2] };
  }
  return { rows, filled };
}
