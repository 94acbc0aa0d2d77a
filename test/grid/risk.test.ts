import { describe, expect, it } from 'vitest';
import { dec } from '../../src/grid/decimal.js';
import { applyDeal, createLevelBook } from '../../src/grid/level-book.js';
import { checkRisk, evaluateRisk, type RiskLimits } from '../../src/grid/risk.js';
import { BTC_USDT } from './fixtures.js';
import { cid, deal, plan, scope } from './ledger-support.js';

const limits: RiskLimits = { rangeExitMarginPercent: '5', stopLossQuote: '10', maxInventoryBase: '0.003' };
const snap = {
  price: dec('65000'),
  lower: dec('60000'),
  upper: dec('70000'),
  inventoryBase: dec('0'),
  realisedQuote: dec('0'),
  unrealisedQuote: dec('0'),
};

describe('risk', () => {
  it('is ok inside every limit, and with every limit off', () => {
    expect(evaluateRisk(limits, snap)).toEqual({ ok: true });
    expect(evaluateRisk({ rangeExitMarginPercent: null, stopLossQuote: null, maxInventoryBase: null }, { ...snap, price: dec('1') })).toEqual({
      ok: true,
    });
  });

  it('breaches when the price leaves the range by more than the margin', () => {
    // 60000 × 0.95 = 57000; 70000 × 1.05 = 73500
    expect(evaluateRisk(limits, { ...snap, price: dec('57000') }).ok).toBe(true);
    const low = evaluateRisk(limits, { ...snap, price: dec('56999.99') });
    expect(low.ok ? [] : low.breaches.map((b) => b.kind)).toEqual(['range-exit']);
    const high = evaluateRisk(limits, { ...snap, price: dec('73500.01') });
    expect(high.ok ? [] : high.breaches.map((b) => b.message)).toEqual(['price 73500.01 left the range 60000..70000 by more than 5 % (57000..73500)']);
  });

  it('breaches the stop-loss on realised + unrealised at or below −threshold, and the inventory cap', () => {
    expect(evaluateRisk(limits, { ...snap, realisedQuote: dec('2'), unrealisedQuote: dec('-11.99') }).ok).toBe(true);
    const r = evaluateRisk(limits, { ...snap, realisedQuote: dec('2'), unrealisedQuote: dec('-12'), inventoryBase: dec('-0.0031') });
    expect(r.ok ? [] : r.breaches.map((b) => b.kind)).toEqual(['stop-loss', 'max-inventory']);
  });

  it('reads the level book: inventory from fills, unrealised PnL at the price', () => {
    let book = createLevelBook(plan, scope, BTC_USDT);
    for (const [k, level] of [0, 1, 2, 3, 4].entries()) {
      book = applyDeal(book, deal(k + 1, 100 + level, cid(level, 'buy', level), 'buy', plan.levels[level]?.price.toFixed() ?? '', '0.001'));
    }
    expect(book.pnl.inventoryBase.toFixed()).toBe('0.005');
    const r = checkRisk(limits, { price: '58000', plan, book });
    // open lots bought at 60000..64000: (58000 × 5 − 310000) × 0.001 = −20 ≤ −10
    expect(r.ok ? [] : r.breaches.map((b) => b.kind)).toEqual(['stop-loss', 'max-inventory']);
    expect(checkRisk(limits, { price: 'x', plan, book }).ok).toBe(false);
    expect(evaluateRisk({ ...limits, stopLossQuote: '-1e3' }, snap).ok).toBe(false);
  });
});
