import { describe, expect, it } from 'vitest';
import { type FillLevel, MIN_REACTION_SAMPLES, type SampleSpan, type SeenFill, holderOf, levelWaits, tooFewReactions } from '../../bench/level-wait.js';

const ms = (n: number): bigint => BigInt(Math.round(n * 1e6));
const span = (market: string, level: string, t0: number, t1: number): SampleSpan => ({ market, level, t0: ms(t0), t1: ms(t1) });
const fill = (market: string, price: string, t: number): SeenFill => ({ market, price, t: ms(t) });

describe('levelWaits (issue 15: level waits apart from reaction)', () => {
  it('calls a sample a level wait when a fill at its counter-order level, on its market, came between its frame and its counter-order', () => {
    const samples = [span('A_USDT', '100', 10, 40)];
    expect(levelWaits(samples, [fill('A_USDT', '100', 30)])).toEqual([true]);
  });

  it('keeps a sample whose span only saw fills elsewhere a reaction sample: another level, another market, or outside its span', () => {
    const samples = [span('A_USDT', '100', 10, 40)];
    expect(levelWaits(samples, [fill('A_USDT', '101', 20)])).toEqual([false]);
    expect(levelWaits(samples, [fill('B_USDT', '100', 20)])).toEqual([false]);
    expect(levelWaits(samples, [fill('A_USDT', '100', 5), fill('A_USDT', '100', 10), fill('A_USDT', '100', 40), fill('A_USDT', '100', 50)])).toEqual([false]);
  });

  it('keeps a counter-order delayed by a pause a reaction sample, the pause in it; the next fill, whose level the late order holds, is the level wait', () => {
    // The grid: buys 97-99, sells 101-103, 100 free. The buy at 99 fills (frame at 0 ms); a 15 ms pause of ours delays
    // its counter-order (sell 100) to 15 ms. Meanwhile the sell at 101 fills (frame at 10 ms): its counter-order, a buy
    // at 100, finds the late sell there and waits until that sell fills (frame at 50 ms), then leaves.
    const samples = [span('A_USDT', '100', 0, 15), span('A_USDT', '100', 10, 50.2), span('A_USDT', '99', 50, 50.1)];
    const fills = [fill('A_USDT', '99', 0), fill('A_USDT', '101', 10), fill('A_USDT', '100', 50)];
    expect(levelWaits(samples, fills)).toEqual([false, true, false]);
  });

  it('finds the first fill at the level after the frame among several, in any input order', () => {
    const samples = [span('A_USDT', '100', 100, 120), span('A_USDT', '100', 200, 260)];
    const fills = [fill('A_USDT', '100', 250), fill('A_USDT', '100', 90), fill('A_USDT', '100', 130), fill('A_USDT', '100', 10)];
    expect(levelWaits(samples, fills)).toEqual([false, true]);
  });
});

describe('holderOf', () => {
  const at = (market: string, side: 'buy' | 'sell', level: string): FillLevel => ({ market, side, level });

  it("finds the latest earlier fill of the market and the other side whose counter-order went to the waiting fill's level", () => {
    const fills = [
      at('A_USDT', 'buy', '100'),
      at('A_USDT', 'buy', '100'),
      at('B_USDT', 'buy', '100'),
      at('A_USDT', 'sell', '100'),
      at('A_USDT', 'sell', '100'),
    ];
    expect(holderOf(fills, 4)).toBe(1);
  });

  it('finds none when no earlier fill of the window put an order of the other side on that level', () => {
    const fills = [at('A_USDT', 'buy', '101'), at('B_USDT', 'buy', '100'), at('A_USDT', 'sell', '100'), at('A_USDT', 'sell', '100')];
    expect(holderOf(fills, 3)).toBe(-1);
  });
});

describe('tooFewReactions', () => {
  it('says why a p99 of fewer reaction samples than the minimum cannot be read, and nothing from the minimum on', () => {
    expect(tooFewReactions(MIN_REACTION_SAMPLES, MIN_REACTION_SAMPLES + 40)).toBeNull();
    expect(tooFewReactions(MIN_REACTION_SAMPLES - 1, 300)).toContain(`${MIN_REACTION_SAMPLES - 1} of 300`);
  });
});
