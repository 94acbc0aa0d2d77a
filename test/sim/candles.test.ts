/**
 * The candle store and the interval grammar (issue 16, point 1: candles built from the
 * simulator's own trades), on hand-made trades at fixed times.
 */
import { describe, expect, it } from 'vitest';
import { CANDLE_INTERVALS, MONTH_S, WEEK_S, candleStart, isCandleInterval, nextCandleStart } from '../../src/sim/candle-intervals.js';
import { CANDLES_PER_SERIES, CandleStore, candleRow } from '../../src/sim/candles.js';
import { D } from '../../src/sim/decimal.js';

/** Monday 2026-01-05 00:00 UTC, in seconds. */
const T0 = Date.UTC(2026, 0, 5) / 1000;
const ms = (sec: number): number => sec * 1000;

function trade(store: CandleStore, atSec: number, price: string, amount: string, market = 'BTC_USDT'): void {
  store.record(market, ms(atSec), new D(price), new D(amount), new D(price).times(amount));
}

describe('candle intervals', () => {
  it("accept exactly WhiteBIT's rule, and the store keeps a series for each", () => {
    const valid: number[] = [];
    for (let n = 1; n <= MONTH_S; n++) if (isCandleInterval(n)) valid.push(n);
    expect(valid).toEqual(CANDLE_INTERVALS);
    expect(valid).toHaveLength(37);
    for (const n of [60, 900, 3_600, 14_400, 28_800, 86_400, 604_800, 2_592_000]) expect(isCandleInterval(n)).toBe(true);
    for (const n of [0, -60, 7, 45, 90, 5_400, 50_400, 1_209_600, 1.5, '60', null]) expect(isCandleInterval(n)).toBe(false);
  });

  it('align to the epoch, weeks to Monday and the month to the calendar month (UTC)', () => {
    const wed = T0 + 2 * 86_400 + 3_723;
    expect(candleStart(wed, 900)).toBe(T0 + 2 * 86_400 + 3_600);
    expect(candleStart(wed, WEEK_S)).toBe(T0);
    expect(candleStart(wed, MONTH_S)).toBe(Date.UTC(2026, 0, 1) / 1000);
    expect(nextCandleStart(Date.UTC(2026, 0, 1) / 1000, MONTH_S)).toBe(Date.UTC(2026, 1, 1) / 1000);
    expect(nextCandleStart(T0, 300)).toBe(T0 + 300);
  });
});

describe('CandleStore', () => {
  it('builds open/close/high/low and base/quote volumes per interval from trades', () => {
    const s = new CandleStore();
    trade(s, T0 + 10, '100', '1');
    trade(s, T0 + 20, '105', '2');
    trade(s, T0 + 30, '99', '0.5');
    trade(s, T0 + 70, '101', '1');
    expect(s.rows('BTC_USDT', 60, T0, T0 + 119, ms(T0 + 119), 100).map(candleRow)).toEqual([
      [T0, '100', '99', '105', '99', '3.5', '359.5'],
      [T0 + 60, '101', '101', '101', '101', '1', '101'],
    ]);
    expect(s.rows('BTC_USDT', 3_600, T0, T0, ms(T0 + 119), 100).map(candleRow)).toEqual([[T0, '100', '101', '105', '99', '4.5', '460.5']]);
  });

  it('fills an empty interval after a known candle with a flat one at the last close, and invents nothing before the first trade', () => {
    const s = new CandleStore();
    trade(s, T0 + 65, '100', '1');
    trade(s, T0 + 250, '90', '1');
    const rows = s.rows('BTC_USDT', 60, T0 - 600, T0 + 400, ms(T0 + 400), 100).map(candleRow);
    expect(rows).toEqual([
      [T0 + 60, '100', '100', '100', '100', '1', '100'],
      [T0 + 120, '100', '100', '100', '100', '0', '0'],
      [T0 + 180, '100', '100', '100', '100', '0', '0'],
      [T0 + 240, '90', '90', '90', '90', '1', '90'],
      [T0 + 300, '90', '90', '90', '90', '0', '0'],
      [T0 + 360, '90', '90', '90', '90', '0', '0'],
    ]);
    // A range starting after the last trade still knows the previous close.
    expect(s.rows('BTC_USDT', 60, T0 + 360, T0 + 400, ms(T0 + 400), 100).map(candleRow)).toEqual([[T0 + 360, '90', '90', '90', '90', '0', '0']]);
    // Nothing after the candle that contains now, and at most maxRows from the start.
    expect(s.rows('BTC_USDT', 60, T0, T0 + 10_000, ms(T0 + 130), 100)).toHaveLength(2);
    expect(s.rows('BTC_USDT', 60, T0, T0 + 400, ms(T0 + 400), 2).map((c) => c.start)).toEqual([T0 + 60, T0 + 120]);
    expect(s.rows('ETH_USDT', 60, T0, T0 + 400, ms(T0 + 400), 100)).toEqual([]);
  });

  it(`keeps at most ${CANDLES_PER_SERIES} candles per market and interval, dropping the oldest`, () => {
    const s = new CandleStore();
    for (let i = 0; i <= CANDLES_PER_SERIES; i++) trade(s, T0 + i, String(1000 + i), '1');
    const seconds = s.rows('BTC_USDT', 1, T0 - 10, T0 + CANDLES_PER_SERIES, ms(T0 + 5_000), 5_000);
    expect(seconds).toHaveLength(CANDLES_PER_SERIES);
    expect(seconds[0]?.start).toBe(T0 + 1);
    // Coarser series are not cut by the fine one's cap.
    expect(s.rows('BTC_USDT', 3_600, T0, T0, ms(T0 + 5_000), 10).map(candleRow)).toEqual([[T0, '1000', '2440', '2440', '1000', '1441', expect.any(String)]]);
  });

  it('reports the current candle: none before any trade, the live one, or a flat one after a quiet spell', () => {
    const s = new CandleStore();
    expect(s.current('BTC_USDT', 60, ms(T0))).toBeNull();
    trade(s, T0 + 5, '100', '1');
    trade(s, T0 + 6, '102', '1');
    expect(candleRow(s.current('BTC_USDT', 60, ms(T0 + 30)) ?? expect.fail('no candle'))).toEqual([T0, '100', '102', '102', '100', '2', '202']);
    expect(candleRow(s.current('BTC_USDT', 60, ms(T0 + 125)) ?? expect.fail('no candle'))).toEqual([T0 + 120, '102', '102', '102', '102', '0', '0']);
  });

  it('sums a rolling window: the trades of the last 24 h, nothing older', () => {
    const s = new CandleStore();
    trade(s, T0, '50', '10');
    trade(s, T0 + 3_600, '100', '1');
    trade(s, T0 + 7_200, '120', '1');
    trade(s, T0 + 7_300, '110', '2');
    const now = ms(T0 + 86_400 + 60);
    const w = s.window('BTC_USDT', 86_400, now) ?? expect.fail('no window');
    expect([w.open, w.close, w.high, w.low, w.base, w.quote].map(String)).toEqual(['100', '110', '120', '100', '4', '440']);
    expect(s.window('BTC_USDT', 600, now)).toBeNull();
    expect(s.window('BTC_USDT', 7 * 86_400, now)?.base.toString()).toBe('14');
  });
});
