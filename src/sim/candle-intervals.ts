/**
 * Candle intervals: which ones exist, where a candle of each starts, and the v1 kline names.
 *
 * The valid WS intervals follow WhiteBIT's rule (kline page of the WS docs): below a minute, divisors
 * of 60; below an hour, multiples of 60 that divide 3600; below a day, multiples of 3600 that divide
 * 86 400; below a week, multiples of 86 400; then exactly one week and "one month" (2 592 000). The
 * example list in whitebit-protocol-2.md §2.10 is a subset of this rule (it omits 240, 360, 600, 720,
 * 1200, 10 800 and 28 800, all of which the rule allows and ccxt's `8h` needs).
 *
 * Alignment (UNCONFIRMED for WhiteBIT; the simulator follows the ViaBTC engine WhiteBIT's WS API
 * derives from, in UTC): candles start on multiples of the interval since the Unix epoch, except
 * weeks, which start on Monday 00:00, and the month interval, which is the calendar month.
 *
 * @see whitebit-protocol-2.md §2.4, §2.10
 */

export const DAY_S = 86_400;
export const WEEK_S = 7 * DAY_S;
/** The "month" interval: its value is 30 days, its candles are calendar months. */
export const MONTH_S = 30 * DAY_S;

/** 1970-01-05, the first Monday after the epoch: week candles are aligned to it. */
const FIRST_MONDAY_S = 4 * DAY_S;

/** Returns true when `n` is an interval (in seconds) WhiteBIT's candle channel accepts. */
export function isCandleInterval(n: unknown): n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) return false;
  if (n < 60) return 60 % n === 0;
  if (n < 3_600) return n % 60 === 0 && 3_600 % n === 0;
  if (n < DAY_S) return n % 3_600 === 0 && DAY_S % n === 0;
  if (n < WEEK_S) return n % DAY_S === 0;
  return n === WEEK_S || n === MONTH_S;
}

/** Every valid interval, ascending (37 of them): the series the candle store keeps per market. */
export const CANDLE_INTERVALS: readonly number[] = [
  ...[1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30],
  ...[60, 120, 180, 240, 300, 360, 600, 720, 900, 1_200, 1_800],
  ...[3_600, 7_200, 10_800, 14_400, 21_600, 28_800, 43_200],
  ...[1, 2, 3, 4, 5, 6].map((d) => d * DAY_S),
  WEEK_S,
  MONTH_S,
];

/** Returns the open time (Unix seconds) of the candle of `interval` that contains `tSec`. */
export function candleStart(tSec: number, interval: number): number {
  if (interval === MONTH_S) {
    const d = new Date(tSec * 1000);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
  }
  if (interval === WEEK_S) return Math.floor((tSec - FIRST_MONDAY_S) / WEEK_S) * WEEK_S + FIRST_MONDAY_S;
  return Math.floor(tSec / interval) * interval;
}

/** Returns the open time of the candle after the one that opens at `start`. */
export function nextCandleStart(start: number, interval: number): number {
  if (interval !== MONTH_S) return start + interval;
  const d = new Date(start * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
}

/** The `interval` values of GET /api/v1/public/kline and their length in seconds. */
export const KLINE_INTERVALS: ReadonlyMap<string, number> = new Map([
  ['1s', 1],
  ['10s', 10],
  ['30s', 30],
  ['1m', 60],
  ['3m', 180],
  ['5m', 300],
  ['15m', 900],
  ['30m', 1_800],
  ['1h', 3_600],
  ['2h', 7_200],
  ['4h', 14_400],
  ['6h', 21_600],
  ['8h', 28_800],
  ['12h', 43_200],
  ['1d', DAY_S],
  ['3d', 3 * DAY_S],
  ['1w', WEEK_S],
  ['1M', MONTH_S],
]);
