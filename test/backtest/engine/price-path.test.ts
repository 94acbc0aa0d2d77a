import { describe, expect, it } from 'vitest';
import { parsePriceText } from '../../../src/backtest/data/index.js';
import { CANDLE_POINT_OFFSETS, FILLS_ONLY_THROUGH, lowFirst, pricePath, tradesThrough } from '../../../src/backtest/engine/price-path.js';
import { D } from '../../../src/grid/index.js';
import { T0, klines } from '../support.js';

describe('the price path', () => {
  it('walks each candle open → nearer extreme → other extreme → close, a tie low first', () => {
    const s = parsePriceText(
      klines([
        ['100', '101', '104', '99'], // low nearer
        ['101', '100', '102', '97'], // high nearer
        ['100', '100', '101', '99'], // tie
      ]),
      'k.jsonl',
    );
    const p = pricePath(s);
    expect(p.texts).toEqual(['100', '99', '104', '101', '102', '97', '100', '99', '101', '100']);
    const at = (k: number) => (p.timesMs[k] as number) - T0 * 1000;
    expect(CANDLE_POINT_OFFSETS).toEqual([0, 0.25, 0.5, 0.75]);
    // The second candle's open (101) equals the first close and is merged into it.
    expect([at(0), at(1), at(2), at(3), at(4)]).toEqual([0, 15_000, 30_000, 45_000, 75_000]);
    expect(p.endMs).toBe((T0 + 180) * 1000);
    expect(lowFirst(new D('100'), new D('101'), new D('99'))).toBe(true);
  });

  it('fills an order only when the price trades through it, never on a touch', () => {
    expect(FILLS_ONLY_THROUGH).toBe(true);
    const p = (s: string) => new D(s);
    expect(tradesThrough('buy', p('99'), p('99'))).toBe(false);
    expect(tradesThrough('buy', p('99'), p('98.99'))).toBe(true);
    expect(tradesThrough('buy', p('99'), p('99.01'))).toBe(false);
    expect(tradesThrough('sell', p('101'), p('101'))).toBe(false);
    expect(tradesThrough('sell', p('101'), p('101.01'))).toBe(true);
    expect(tradesThrough('sell', p('101'), p('100.99'))).toBe(false);
  });
});
