import { describe, expect, it } from 'vitest';
import { counterLevel, counterOrderFor, counterSide, decideCounter } from '../../src/grid/counter-order.js';
import { dec } from '../../src/grid/decimal.js';
import { plan } from './ledger-support.js';

describe('counter-order rule', () => {
  it('answers a buy at i with a sell at i + 1 and a sell at i with a buy at i − 1', () => {
    expect([counterLevel(4, 'buy'), counterSide('buy')]).toEqual([5, 'sell']);
    expect([counterLevel(7, 'sell'), counterSide('sell')]).toEqual([6, 'buy']);
    const o = counterOrderFor(plan, 4, 'buy', dec('0.0007'));
    expect(o && [o.level, o.side, o.price.toFixed(), o.amount.toFixed()]).toEqual([5, 'sell', '65000', '0.0007']);
    expect(counterOrderFor(plan, 10, 'buy', dec('1'))).toBeNull();
    expect(counterOrderFor(plan, 0, 'sell', dec('1'))).toBeNull();
  });

  it('places when the level is free, carries when it is busy, and reports the grid edge', () => {
    const release = { sourceLevel: 4, filledSide: 'buy' as const, amount: dec('0.001') };
    expect(decideCounter(plan, release, () => false).kind).toBe('place');
    expect(decideCounter(plan, release, (l) => l === 5)).toMatchObject({ kind: 'carry', level: 5, side: 'sell' });
    expect(decideCounter(plan, { ...release, sourceLevel: 0, filledSide: 'sell' }, () => false)).toMatchObject({
      kind: 'off-grid',
      side: 'buy',
    });
  });
});
