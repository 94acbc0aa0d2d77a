/**
 * `gridbot history`'s loop: from the end of the file (or `days` back from the server's clock) to the
 * last closed candle, one page request at a time, each page appended before the next is asked.
 *
 * Time is the exchange's (`/api/v4/public/time`), not the local clock: the last candle asked for is
 * the last one that has closed on the server, so the file never holds a candle still forming and a
 * later run continues at the very next interval. Rate limits, 429 (Retry-After) and 5xx backoff are
 * the REST client's (its `public/v1` bucket, whitebit-protocol-2.md §3).
 */
import { type WhitebitRestClient, serverTimeMs } from '../adapters/whitebit/index.js';
import { DAY_S, candleStart, nextCandleStart } from '../sim/candle-intervals.js';
import type { KlineRow } from '../backtest/data/index.js';
import type { KlineAppender, LastCandle } from './kline-file.js';
import { pageWindow, rowsToAppend } from './kline-pages.js';

export interface DownloadPlan {
  readonly market: string;
  /** The v1 interval name (`1m`) and its length in seconds. */
  readonly interval: string;
  readonly intervalS: number;
  readonly days: number;
  /** Candles per request (1 … MAX_PAGE). */
  readonly page: number;
  /** The last candle already in the file, or null for a new file. */
  readonly resumeAfter: LastCandle | null;
}

export interface PageProgress {
  readonly page: number;
  readonly pages: number;
  readonly start: number;
  readonly end: number;
  readonly written: number;
}

export interface DownloadResult {
  /** Rows appended (filled gaps included). */
  readonly written: number;
  readonly filled: number;
  readonly requests: number;
  /** Open time of the first and last row appended, or null when none was. */
  readonly first: number | null;
  readonly last: number | null;
  /** Open time of the last closed candle on the server: where the file now ends, if it had data. */
  readonly upTo: number;
}

/** Downloads the plan's candles through `rest` into `out`; `progress` hears of every page. */
export async function downloadKlines(
  rest: WhitebitRestClient,
  out: KlineAppender,
  plan: DownloadPlan,
  progress: (p: PageProgress) => void = () => {},
): Promise<DownloadResult> {
  const nowS = Math.floor(serverTimeMs(await rest.publicTime()) / 1000);
  const iv = plan.intervalS;
  // The candle containing now is still forming: stop at the one before it.
  const lastClosed = candleStart(nowS, iv) - iv;
  const from = plan.resumeAfter ? nextCandleStart(plan.resumeAfter.time, iv) : candleStart(nowS - plan.days * DAY_S, iv);
  const pages = from > lastClosed ? 0 : Math.ceil((lastClosed - from + iv) / (iv * plan.page));
  let prev: LastCandle | null = plan.resumeAfter;
  let lastRow: number | null = null;
  let written = 0;
  let filled = 0;
  let requests = 0;
  let first: number | null = null;
  for (let start = from, n = 1; start <= lastClosed; n++) {
    const w = pageWindow(start, lastClosed, iv, plan.page);
    const answer = await rest.publicKline({ market: plan.market, interval: plan.interval, start: w.start, end: w.end, limit: plan.page });
    requests++;
    const page = rowsToAppend(answer, prev, w, iv);
    out.append(page.rows);
    const tail = page.rows[page.rows.length - 1];
    if (tail) {
      first ??= (page.rows[0] as KlineRow)[0];
      prev = { time: tail[0], close: tail[2] };
      lastRow = tail[0];
    }
    written += page.rows.length;
    filled += page.filled;
    progress({ page: n, pages, start: w.start, end: w.end, written });
    start = nextCandleStart(w.end, iv);
  }
  return { written, filled, requests, first, last: lastRow, upTo: lastClosed };
}
