/**
 * A plan that passed the start checks but fails at the price the market actor loads a moment later
 * (the price moved between preflight and the load): with `invalidPlan: wait` (what the runtime
 * sets) the market sends nothing, says why once, and loads again until the plan passes, instead of
 * stopping the grid with `invalid plan` while the run goes on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GridSpec } from '../../../src/grid/index.js';
import type { MarketEmitted } from '../../../src/machines/market/market.emitted.js';
import { DBTC_DUSDT } from '../../grid/fixtures.js';
import { type MarketHarness, settings, startMarket } from './market-harness.js';

let h: MarketHarness | undefined;
afterEach(() => h?.actor.stop());

/** 59000..61000 in five levels of 0.001: at 60000 two buys lock 118.5 quote; at 62000 five buys lock 300, over the budget. */
const FIXED: GridSpec = {
  market: 'DBTC_DUSDT',
  spacing: 'arithmetic',
  ladder: { kind: 'range', lower: '59000', upper: '61000', levels: 5 },
  amountPerLevel: { unit: 'base', value: '0.001' },
  budget: { quote: '120' },
};

describe('market actor: a plan that fails at the price it loads', () => {
  it('waits and loads again (invalidPlan: wait): nothing sent, told once, placed once the price is back', async () => {
    const told: MarketEmitted[] = [];
    h = startMarket(settings({ spec: FIXED, invalidPlan: 'wait' }), undefined, { onEmitted: (e) => told.push(e) });
    await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '62000' });
    expect(h.lifecycle()).toBe('init');
    expect(h.context().stopReason).toBeNull();
    expect(h.context().lastError).toMatch(/^plan at 62000: .*budget/);
    expect(h.calls.map((c) => c.name)).toEqual(['loadMarket']);
    expect(told.filter((e) => e.type === 'market.planWaiting')).toEqual([{ type: 'market.planWaiting', price: '62000', reason: h.context().lastError }]);

    // The retry delay passes: loaded again, still too high, not told again.
    h.clock.increment(60_000);
    await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '61900' });
    expect(h.lifecycle()).toBe('init');
    expect(told.filter((e) => e.type === 'market.planWaiting')).toHaveLength(1);

    h.clock.increment(60_000);
    await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60000' });
    expect(h.lifecycle()).toBe('cancelAll');
    expect(h.context().plan).not.toBeNull();
    expect(h.calls.map((c) => c.name)).toEqual(['loadMarket', 'loadMarket', 'loadMarket', 'cancelAll']);
  });

  it('still stops with invalid plan by default (a market actor without the runtime’s start checks)', async () => {
    h = startMarket(settings({ spec: FIXED }));
    await h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '62000' });
    expect(h.lifecycle()).toBe('killed');
    expect(h.context().stopReason).toMatch(/^invalid plan: .*budget/);
  });
});
