import { describe, expect, it } from 'vitest';
import { counterLevel, counterSide, decideCounter } from '../../src/grid/counter-order.js';
import { dec } from '../../src/grid/decimal.js';
import { plan } from './ledger-support.js';

describe('counter-order rule', () => {
  it('answers a buy at i with a sell at i + 1 and a sell at i with a buy at i − 1', () => {
    expect([counterLevel(4, 'buy'), counterSide('buy')]).toEqual([5, 'sell']);
    expect([counterLevel(7, 'sell'), counterSide('sell')]).toEqual([6, 'buy']);
    const d = decideCounter(plan, { targetLevel: counterLevel(4, 'buy'), side: counterSide('buy'), amount: dec('0.0007') }, () => false);
    expect(d.kind === 'place' && [d.order.level, d.order.side, d.order.price.toFixed(), d.order.amount.toFixed()]).toEqual([5, 'sell', '65000', '0.0007']);
  });

  it('places when the level is free, carries when it is busy, and reports the grid edge', () => {
    const release = { targetLevel: 5, side: 'sell' as const, amount: dec('0.001') };
    expect(decideCounter(plan, release, () => false).kind).toBe('place');
    expect(decideCounter(plan, release, (l) => l === 5)).toMatchObject({ kind: 'carry', level: 5, side: 'sell' });
    expect(decideCounter(plan, { ...release, targetLevel: null, side: 'buy' }, () => false)).toMatchObject({ kind: 'off-grid', side: 'buy' });
    expect(decideCounter(plan, { ...release, targetLevel: 11, side: 'sell' }, () => false)).toMatchObject({ kind: 'off-grid', side: 'sell' });
  });
});
