import { describe, expect, it } from 'vitest';
import { BacktestInputError } from '../../../src/backtest/api.js';
import { FIVE, T0, backtest } from '../support.js';

/*
 * Five 1-minute candles, worked by hand. Grid: buy 1 TEST at 99, gap at 100, sell 1 TEST at 101;
 * maker fee 0.1 %, charged in the asset received. Path points at 0/15/30/45 s of each candle, equal
 * neighbours merged:
 *   c1 100 → 99.5 → 100.5 → 100         (tie: low first)        no fill
 *   c2 (100) → 99 → 99.5                 (high = open first)     99 only TOUCHES the buy: no fill
 *   c3 (99.5) → 99.8 → 98.9 → 99.2       98.9 trades through 99: buy 1 @ 99, fee 0.001 TEST; counter sell @ 100
 *   c4 (99.2) → 99.1 → 100.5 → 100.2     100.5 through 100: sell 1 @ 100, fee 0.1 USDT; counter buy @ 99
 *   c5 (100.2) → 100.1 → 101.5           101.5 through 101: sell 1 @ 101, fee 0.101 USDT; counter buy @ 100
 * Realised: (100 − 99) × 1 − (0.001 × 99 + 0.1) = 0.801. Fees: 0.099 + 0.1 + 0.101 = 0.3.
 * Holdings: TEST +0.999 − 1 − 1 = −1.001; USDT −99 + 99.9 + 100.899 = +101.799.
 * Equity at 101.5: 101.799 − 1.001 × 101.5 = 0.1975 = PnL; unrealised 0.1975 − 0.801 = −0.6035.
 * Drawdown: peak 0.7999 (at 100.1: 0.9 − 0.001 × 100.1), then 0.1975 at 101.5: 0.6024; capital
 * 99 (buy) + 1 × 100 (sell at the start price) = 199, so 0.30 %.
 * Time in range [99, 101]: out only at 98.9 (15 s) and 101.5 (30 s) of 300 s: 85 %.
 */
describe('backtest report figures (hand-checked series)', () => {
  it('matches the hand computation', async () => {
    const r = await backtest(FIVE);
    expect(r.data).toMatchObject({ kind: 'candles', points: 5, fromMs: T0 * 1000, toMs: (T0 + 300) * 1000 });
    const g = r.grids[0];
    expect(g).toMatchObject({
      market: 'TEST_USDT',
      quoteAsset: 'USDT',
      baseAsset: 'TEST',
      levels: 3,
      makerFeePercent: '0.1',
      capitalQuote: '199.00',
      realisedQuote: '0.801',
      unrealisedQuote: '-0.6035',
      pnlQuote: '0.1975',
      feesQuote: '0.3',
      fills: 3,
      roundTrips: 1,
      maxDrawdownQuote: '0.6024',
      maxDrawdownPercent: '0.30',
      timeInRangePercent: '85.00',
      inventoryBase: '-1.001',
      finalState: 'running.trading',
      stopReasons: [],
      stoppedAtMs: null,
    });
    expect(g?.fillList.map((f) => [f.timeMs / 1000 - T0, f.side, f.price, f.amount, f.fee, f.feeAsset])).toEqual([
      [150, 'buy', '99', '1', '0.001', 'TEST'],
      [210, 'sell', '100', '1', '0.1', 'USDT'],
      [270, 'sell', '101', '1', '0.101', 'USDT'],
    ]);
    // Inventory over time: the samples carry it, from 0 to −1.001.
    expect(g?.samples[0]).toMatchObject({ equityQuote: '0', inventoryBase: '0' });
    expect(g?.samples[g.samples.length - 1]).toMatchObject({ timeMs: (T0 + 300) * 1000, price: '101.5', equityQuote: '0.1975', inventoryBase: '-1.001' });
  });

  it('charges the market maker fee: none at 0 %, twice as much at 0.2 %', async () => {
    const free = (await backtest(FIVE, { makerFee: '0' })).grids[0];
    expect(free?.fillList.map((f) => f.fee)).toEqual(['0', '0', '0']);
    expect([free?.feesQuote, free?.realisedQuote]).toEqual(['0', '1']);
    const dear = (await backtest(FIVE, { makerFee: '0.2' })).grids[0];
    expect(dear?.fillList.map((f) => f.fee)).toEqual(['0.002', '0.2', '0.202']);
    // 1 − (0.002 × 99 + 0.2)
    expect([dear?.feesQuote, dear?.realisedQuote]).toEqual(['0.6', '0.602']);
  });

  it('stops a grid on a risk limit with the machine’s own reason', async () => {
    const g = (await backtest(FIVE, { extra: '    risk: { rangeExitMarginPercent: "0.1" }\n' })).grids[0];
    // 98.9 is below 99 × (1 − 0.1 %) = 98.901: the fill at that point happens first (the trade did), then the stop.
    expect(g?.fills).toBe(1);
    expect(g?.stopReasons).toEqual(['risk limit: price 98.9 left the range 99..101 by more than 0.1 % (98.901..101.101)']);
    expect(g?.stoppedAtMs).toBe((T0 + 150) * 1000);
    expect(g?.finalState).toBe('stopped');
  });

  it('applies a ladder override and refuses one that does not fit', async () => {
    const g = (await backtest(FIVE, { overrides: { TEST_USDT: { step: '0.5', levelsPerSide: 2 } } })).grids[0];
    expect(g?.ladder).toBe('arithmetic, center 100, 2 per side, step 0.5 USDT');
    expect(g?.levels).toBe(5);
    expect(g?.override).toEqual({ step: '0.5', levelsPerSide: 2 });
    await expect(backtest(FIVE, { overrides: { TEST_USDT: { step: '-1' } } })).rejects.toThrow(/step must be a positive decimal/);
    await expect(backtest(FIVE, { overrides: { NOPE_USDT: { step: '1' } } })).rejects.toBeInstanceOf(BacktestInputError);
  });

  it('refuses an unknown market, an empty window and from after to', async () => {
    await expect(backtest(FIVE, { market: 'NOPE_USDT' })).rejects.toThrow(/market NOPE_USDT has no grid in bt.yaml/);
    await expect(backtest(FIVE, { fromMs: (T0 + 600) * 1000 })).rejects.toThrow(/no candles between --from and --to/);
    await expect(backtest(FIVE, { fromMs: (T0 + 60) * 1000, toMs: T0 * 1000 })).rejects.toThrow(/must be before --to/);
  });

  it('keeps only the window asked for', async () => {
    const r = await backtest(FIVE, { fromMs: (T0 + 120) * 1000 });
    expect(r.data.points).toBe(3);
    expect(r.data.fromMs).toBe((T0 + 120) * 1000);
  });

  it('runs a trades file the same way: each trade a point', async () => {
    const csv = ['time,price', `${T0},100`, `${T0 + 10},99`, `${T0 + 20},98.99`, `${T0 + 30},100.01`].join('\n');
    const g = (await backtest(csv)).grids[0];
    // 99 touches, 98.99 goes through the buy; 100.01 goes through its counter-order at 100.
    expect(g?.fillList.map((f) => [f.side, f.price])).toEqual([
      ['buy', '99'],
      ['sell', '100'],
    ]);
  });
});
