/**
 * GET /api/v1/public/kline (ccxt `fetchOHLCV`): candles of one market from the simulator's own
 * trades (candles.ts), in the v1 envelope. Rows are `[time s, open, close, high, low, base volume,
 * quote volume]`: close comes before high and low.
 *
 * Window, in order of precedence (end defaults to now and is never later than now):
 * - `start` given: up to `limit` (default 1 440) candles FROM `start`. WhiteBIT's docs say `limit`
 *   recomputes start as end − limit × interval, which would answer a client asking "since X" with the
 *   latest candles; the simulator serves what ccxt means (whitebit-protocol-2.md §4 item 9, UNCONFIRMED).
 * - `limit` without `start`: the latest `limit` candles up to `end`.
 * - neither: the interval's default window before `end` (DEFAULT_WINDOW_S).
 *
 * Errors are HTTP 200 with `success:false`, `result:null` and `message` a field map, as v1 answers.
 *
 * @see whitebit-protocol-2.md §2.4
 */
import { DAY_S, KLINE_INTERVALS } from '../candle-intervals.js';
import { CANDLES_PER_SERIES, candleRow, type Candle } from '../candles.js';
import type { Reply } from '../private-routes.js';
import type { PublicHandler } from '../public-routes.js';

const MAX_LIMIT = CANDLES_PER_SERIES;

/**
 * The window served without start and limit, by interval (docs: sub-minute 10 min, minutes 1 day,
 * hours 1 week, days and weeks 1 month, month 1 year; a month is 30 days and a year 365 here).
 */
function defaultWindowS(interval: number): number {
  if (interval < 60) return 600;
  if (interval < 3_600) return DAY_S;
  if (interval < DAY_S) return 7 * DAY_S;
  if (interval < 30 * DAY_S) return 30 * DAY_S;
  return 365 * DAY_S;
}

const failure = (message: Record<string, string[]>): Reply => ({ status: 200, body: { success: false, message, result: null } });

/** Reads an integer query parameter: undefined when absent, null when not an integer. */
function intParam(query: URLSearchParams, name: string): number | undefined | null {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  return /^-?\d+$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : null;
}

export const kline: PublicHandler = (ctx, query) => {
  const errors: Record<string, string[]> = {};
  const market = query.get('market');
  if (market === null || market === '') errors.market = ['The market field is required.'];
  else if (!ctx.exchange.market(market)) errors.market = ['Market is not available.'];
  const intervalName = query.get('interval') ?? '1h';
  const interval = KLINE_INTERVALS.get(intervalName);
  if (interval === undefined) errors.interval = ['The selected interval is invalid.'];
  const nowS = Math.floor(ctx.nowMs / 1000);
  const start = intParam(query, 'start');
  const end = intParam(query, 'end');
  const limit = intParam(query, 'limit');
  if (start === null) errors.start = ['The start must be an integer.'];
  if (end === null) errors.end = ['The end must be an integer.'];
  else if (typeof start === 'number' && typeof end === 'number' && end <= start) errors.end = ['End field must be greater then start.'];
  if (limit === null) errors.limit = ['The limit must be an integer.'];
  else if (limit !== undefined && (limit < 1 || limit > MAX_LIMIT)) errors.limit = [`The limit must be between 1 and ${MAX_LIMIT}.`];
  if (Object.keys(errors).length > 0 || market === null || interval === undefined || start === null || end === null || limit === null) {
    return failure(errors);
  }

  const to = Math.min(end ?? nowS, nowS);
  const candles = ctx.exchange.candles;
  let rows: Candle[];
  if (start !== undefined) rows = candles.rows(market, interval, start, to, ctx.nowMs, limit ?? MAX_LIMIT);
  else {
    const count = limit ?? MAX_LIMIT;
    const from = limit === undefined ? to - defaultWindowS(interval) : to - count * interval;
    // The aligned window may hold one candle more than asked for: keep the newest.
    rows = candles.rows(market, interval, from, to, ctx.nowMs, count + 1).slice(-count);
  }
  return { status: 200, body: { success: true, message: null, result: rows.map(candleRow) } };
};
