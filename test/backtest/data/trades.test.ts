import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PriceDataError, detectFormat, loadPriceSeries, parsePriceText, sliceSeries } from '../../../src/backtest/data/index.js';

const errorOf = (text: string, file = 't.csv'): PriceDataError => {
  try {
    parsePriceText(text, file);
  } catch (e) {
    if (e instanceof PriceDataError) return e;
    throw e;
  }
  throw new Error('parsed without error');
};

describe('trades CSV', () => {
  it('reads time (seconds, ms, ISO), price and amount; other columns are ignored', () => {
    const s = parsePriceText(
      'id,time,price,amount,side\n1,1700000000,60012.5,0.01,buy\n2,1700000001500,60013,0.02,sell\n3,2023-11-14T22:13:22Z,60014,0.5,buy\n',
      't.csv',
    );
    expect(s.kind).toBe('trades');
    if (s.kind !== 'trades') return;
    expect(s.trades.map((t) => [t.timeMs, t.price, t.amount, t.line])).toEqual([
      [1700000000_000, '60012.5', '0.01', 2],
      [1700000001_500, '60013', '0.02', 3],
      [1700000002_000, '60014', '0.5', 4],
    ]);
    expect(s.market).toBeNull();
  });

  it('takes the market from a market column', () => {
    const s = parsePriceText('time,price,market\n1700000000,1,DBTC_DUSDT\n', 't.csv');
    expect(s.market).toBe('DBTC_DUSDT');
    expect(errorOf('time,price,market\n1700000000,1,A_B\n1700000001,1,C_D\n').field).toBe('market');
  });

  it.each([
    ['a header without price', 'time,amount\n1,1\n', 1, 1, 'price'],
    ['a bad price', 'time,price\n1700000000,5\n1700000001,abc\n', 3, 12, 'price'],
    ['a float-looking price', 'time,price\n1700000000,1e3\n', 2, 12, 'price'],
    ['a bad time', 'time,price\nyesterday,5\n', 2, 1, 'time'],
    ['a bad amount', 'time,price,amount\n1700000000,5,-1\n', 2, 14, 'amount'],
    ['a short row', 'time,price,amount\n1700000000,5\n', 2, 1, null],
    ['time going back', 'time,price\n1700000001,5\n1700000000,5\n', 3, 1, 'time'],
  ])('refuses %s, naming line, column and field', (_what, text, line, col, field) => {
    const e = errorOf(text);
    expect([e.line, e.col, e.field]).toEqual([line, col, field]);
    expect(e.message.startsWith(`t.csv:${line}:${col}`)).toBe(true);
  });

  it('refuses a file with a header only', () => {
    expect(errorOf('time,price\n').message).toContain('holds no trades');
  });
});

describe('trades JSONL', () => {
  it('reads our field names and WhiteBIT v4 public-trades names', () => {
    const text =
      '{"time":1700000000,"price":"5","amount":"1"}\n{"trade_id":9,"price":"6","base_volume":"2","quote_volume":"12","trade_timestamp":1700000001,"type":"buy"}\n';
    expect(detectFormat(text)).toBe('trades-jsonl');
    const s = parsePriceText(text, 't.jsonl');
    expect(s.kind === 'trades' && s.trades.map((t) => [t.timeMs, t.price, t.amount])).toEqual([
      [1700000000_000, '5', '1'],
      [1700000001_000, '6', '2'],
    ]);
  });

  it.each([
    ['not JSON', '{"time":1', 'null'],
    ['a price as a JSON number', '{"time":1700000000,"price":5}', 'price'],
    ['no time', '{"price":"5"}', 'time'],
    ['an array', '[1]', 'klines'],
  ])('refuses %s', (_what, text, field) => {
    const e = errorOf(text, 't.jsonl');
    expect(e.line).toBe(1);
    if (field === 'null') expect(e.field).toBeNull();
    else if (field !== 'klines') expect(e.field).toBe(field);
  });
});

describe('loadPriceSeries and sliceSeries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bt-data-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a missing or empty file', async () => {
    await expect(loadPriceSeries(join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: no such file/);
    writeFileSync(join(dir, 'empty.csv'), '\n');
    await expect(loadPriceSeries(join(dir, 'empty.csv'))).rejects.toThrow(/empty\.csv: is empty/);
  });

  it('keeps what lies in [from, to)', async () => {
    writeFileSync(join(dir, 'k.jsonl'), ['[60,"1","1","1","1","0","0"]', '[120,"2","2","2","2","0","0"]', '[180,"3","3","3","3","0","0"]'].join('\n'));
    const s = sliceSeries(await loadPriceSeries(join(dir, 'k.jsonl')), 120_000, 180_000);
    expect(s.kind === 'candles' && s.candles.map((c) => c.open)).toEqual(['2']);
  });
});
