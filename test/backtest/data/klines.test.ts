import { describe, expect, it } from 'vitest';
import { PriceDataError, detectFormat, klineLine, parsePriceText } from '../../../src/backtest/data/index.js';
import { cmpPlain } from '../../../src/backtest/data/decimal-text.js';
import { D } from '../../../src/grid/index.js';

/** Rows as WhiteBIT's v1 kline endpoint sends them (protocol-2 §2.4): close BEFORE high and low. */
const ROW_A = [1631440800, '45865.62', '45958.14', '45981.3', '45750.23', '15.327634', '703140.24230131'] as const;
const ROW_B = [1631440860, '45958.14', '45900', '45990', '45890.5', '2', '91900'] as const;

const errorOf = (text: string): PriceDataError => {
  try {
    parsePriceText(text, 'k.jsonl');
  } catch (e) {
    if (e instanceof PriceDataError) return e;
    throw e;
  }
  throw new Error('parsed without error');
};

describe('klines JSONL (what gridbot history writes)', () => {
  it('reads each row in the v1 order [time, open, close, high, low, volume, quote]', () => {
    const s = parsePriceText(`${klineLine(ROW_A)}\n\n${klineLine(ROW_B)}\n`, 'k.jsonl');
    expect(s.kind).toBe('candles');
    if (s.kind !== 'candles') return;
    expect(s.intervalMs).toBe(60_000);
    expect(s.candles[0]).toEqual({
      timeMs: 1631440800_000,
      open: '45865.62',
      close: '45958.14',
      high: '45981.3',
      low: '45750.23',
      volume: '15.327634',
      line: 1,
    });
    expect(s.candles[1]?.line).toBe(3);
  });

  it.each([
    ['not JSON', '[1631440800,"1"', 1, null, 'is not a JSON kline row'],
    ['an object among rows', `${klineLine(ROW_A)}\n{"t":1}`, 2, null, 'expected a kline row'],
    ['too few fields', '[1631440800,"1","1","1"]', 1, null, 'has 4 fields'],
    ['time in a string', '["1631440800","1","1","1","1","0","0"]', 1, 'time', 'Unix seconds'],
    ['a price as a JSON number (a float)', '[1631440800,45865.62,"1","45900","1","0","0"]', 1, 'open', 'positive decimal string'],
    ['a zero price', '[1631440800,"0","1","1","1","0","0"]', 1, 'open', 'positive decimal string'],
    ['high below close', '[1631440800,"10","12","11","9","0","0"]', 1, 'high', 'below'],
    ['low above open', '[1631440800,"10","12","13","11","0","0"]', 1, 'low', 'above'],
    ['a negative volume', '[1631440800,"10","10","10","10","-1","0"]', 1, 'volume', 'decimal string'],
    ['time going back', `${klineLine(ROW_B)}\n${klineLine(ROW_A)}`, 2, 'time', 'ascending'],
    ['a repeated time', `${klineLine(ROW_A)}\n${klineLine(ROW_A)}`, 2, 'time', 'ascending'],
  ])('refuses %s, naming the line and field', (_what, text, line, field, words) => {
    const e = errorOf(text);
    expect(e.line).toBe(line);
    expect(e.field).toBe(field);
    expect(e.message).toContain(words);
    expect(e.message.startsWith(`k.jsonl:${line}`)).toBe(true);
  });
});

describe('klines JSON document (the v1 response as saved)', () => {
  it('reads the envelope and a bare array alike', () => {
    const env = `{"success":true,"message":null,"result":[${JSON.stringify(ROW_A)},${JSON.stringify(ROW_B)}]}`;
    const bare = `[\n${JSON.stringify(ROW_A)},\n${JSON.stringify(ROW_B)}\n]`;
    expect(detectFormat(env)).toBe('klines-json');
    expect(detectFormat(bare)).toBe('klines-json');
    for (const t of [env, bare]) {
      const s = parsePriceText(t, 'k.json');
      expect(s.kind === 'candles' && s.candles.map((c) => c.close)).toEqual(['45958.14', '45900']);
    }
  });

  it('names the line of a bad row inside the document', () => {
    const text = `{"success":true,"message":null,"result":[\n  ${JSON.stringify(ROW_A)},\n  [1631440860,"1","1","0.5","1","0","0"]\n]}`;
    const e = errorOf(text);
    expect([e.line, e.field]).toEqual([3, 'high']);
  });

  it('refuses an error answer and a document without rows', () => {
    expect(errorOf('{"success":false,"message":{"market":["Market is not available."]},"result":null}').message).toContain('result');
    expect(errorOf('{"success":false,"message":"x","result":[]}').field).toBe('success');
    expect(errorOf('[]').message).toContain('holds no klines');
    expect(errorOf('[[1,"1"').message).toContain('not valid JSON');
  });
});

describe('cmpPlain', () => {
  it('orders plain decimals exactly as Decimal does', () => {
    const xs = ['0', '0.0', '00.10', '0.1', '0.09', '1', '1.0001', '9.99', '10', '010.5', '99999999999999999.1', '99999999999999999.01', '.5'];
    for (const a of xs) for (const b of xs) expect([a, b, cmpPlain(a, b)]).toEqual([a, b, new D(a).cmp(b)]);
  });
});
