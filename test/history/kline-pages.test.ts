/**
 * The page arithmetic of `gridbot history`: windows of exactly `page` candles, and one row per
 * interval appended after the last written one whatever the server adds or leaves out.
 */
import { describe, expect, it } from 'vitest';
import type { KlineRow } from '../../src/backtest/data/index.js';
import { KlinePageError, pageWindow, rowsToAppend } from '../../src/history/kline-pages.js';

const r = (t: number, close = '10'): KlineRow => [t, '10', close, '11', '9', '1', '10'];

describe('pageWindow', () => {
  it('spans `page` candles, ending at the last closed one', () => {
    expect(pageWindow(600, 100_000, 60, 3)).toEqual({ start: 600, end: 720 });
    expect(pageWindow(600, 660, 60, 3)).toEqual({ start: 600, end: 660 });
  });
});

describe('rowsToAppend', () => {
  it('fills a minute without trades with a flat zero-volume candle at the previous close', () => {
    const page = rowsToAppend([r(120, '12'), r(300)], { time: 60, close: '10' }, { start: 120, end: 300 }, 60);
    expect(page.rows).toEqual([r(120, '12'), [180, '12', '12', '12', '12', '0', '0'], [240, '12', '12', '12', '12', '0', '0'], r(300)]);
    expect(page.filled).toBe(2);
  });

  it('fills the gap between the file and the first row of the next page', () => {
    expect(rowsToAppend([r(240)], { time: 60, close: '9' }, { start: 120, end: 300 }, 60).rows.map((x) => x[0])).toEqual([120, 180, 240]);
  });

  it('drops rows before the window or already written (the docs reading of limit adds one) and after it', () => {
    const page = rowsToAppend([r(60), r(120), r(180), r(360)], { time: 60, close: '10' }, { start: 120, end: 300 }, 60);
    expect(page.rows.map((x) => x[0])).toEqual([120, 180]);
  });

  it('invents nothing before the first candle the server knows', () => {
    expect(rowsToAppend([r(240)], null, { start: 0, end: 300 }, 60).rows).toEqual([r(240)]);
    expect(rowsToAppend([], null, { start: 0, end: 300 }, 60).rows).toEqual([]);
  });

  it('refuses a candle off the interval grid and rows out of order', () => {
    expect(() => rowsToAppend([r(130)], null, { start: 120, end: 300 }, 60)).toThrow(KlinePageError);
    expect(() => rowsToAppend([r(240), r(180)], null, { start: 120, end: 300 }, 60)).toThrow(/out of order/);
  });
});
