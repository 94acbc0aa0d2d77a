import { describe, expect, it } from 'vitest';
import { dec } from '../../src/grid/decimal.js';
import { applyFill, applyOrderProgress, emptyLedger, filledOf, ledgerTotals, type FillLedger, type LedgerStep } from '../../src/grid/fill-ledger.js';
import { cid, ctx, deal, update } from './ledger-support.js';

const buy4 = cid(4, 'buy', 1);

type Taken = LedgerStep & { readonly residues: ReadonlyMap<string, string> };

/** Runs the steps on one ledger; the ledger changes in place, so each step's residues are copied as they were then. */
function run(steps: ((l: FillLedger) => LedgerStep)[]): Taken[] {
  const ledger = emptyLedger();
  return steps.map((f) => {
    const s = f(ledger);
    return { ...s, residues: new Map([...s.ledger.residues].map(([k, v]) => [k, v.toFixed()])) };
  });
}

const rel = (s: LedgerStep) => (s.release === null ? null : `${s.release.side}@${s.release.targetLevel} ${s.release.amount.toFixed()}`);

describe('fill ledger', () => {
  it('releases each filled quantity once across deals, duplicates and deal_stock reports (hand-checked)', () => {
    const steps = run([
      (l) => applyOrderProgress(l, update(100, buy4, 'buy', '64000', '0.001', '0', false), ctx),
      (l) => applyFill(l, deal(1, 100, buy4, 'buy', '64000', '0.0004'), ctx),
      (l) => applyFill(l, deal(1, 100, buy4, 'buy', '64000', '0.0004'), ctx), // duplicate deal
      (l) => applyOrderProgress(l, update(100, buy4, 'buy', '64000', '0.001', '0.0007', false), ctx), // reports deal 2 first
      (l) => applyFill(l, deal(2, 100, buy4, 'buy', '64000', '0.0003'), ctx), // deal 2 arrives: already counted
      (l) => applyOrderProgress(l, update(100, buy4, 'buy', '64000', '0.001', '0.0004', false), ctx), // stale report
      (l) => applyOrderProgress(l, update(100, buy4, 'buy', '64000', '0.001', '0.001', true), ctx), // event 3, filled
      (l) => applyFill(l, deal(3, 100, buy4, 'buy', '64000', '0.0003'), ctx), // deal 3 after the final report: the order is finished
    ]);
    expect(steps.map(rel)).toEqual([null, 'sell@5 0.0004', null, 'sell@5 0.0003', null, null, 'sell@5 0.0003', null]);
    // A finished order left the ledger: its late deal teaches nothing (it was inside the final deal_stock).
    expect(steps.map((s) => s.outcome)).toEqual(['applied', 'applied', 'duplicate', 'applied', 'applied', 'duplicate', 'applied', 'duplicate']);
    expect(steps[7]?.ledger.orders.has(100)).toBe(false);
    expect(steps[7]?.ledger.finished.has(100)).toBe(true);
    expect(steps.map((s) => s.filledDelta.toFixed())).toEqual(['0', '0.0004', '0', '0.0003', '0', '0', '0.0003', '0']);
    const last = steps[steps.length - 1];
    if (last === undefined) throw new Error('no steps');
    const t = ledgerTotals(last.ledger);
    expect([t.filled, t.released, t.pending, t.residue].map((d) => d.toFixed())).toEqual(['0.001', '0.001', '0', '0']);
  });

  it('holds partials until they reach minAmount and minTotal at the counter price', () => {
    // minTotal 5 at the counter price 65000 needs ≥ 0.0000770; 0.00005 alone is below, 0.0001 is above.
    const steps = run([
      (l) => applyFill(l, deal(1, 100, buy4, 'buy', '64000', '0.00005'), ctx),
      (l) => applyFill(l, deal(2, 100, buy4, 'buy', '64000', '0.00005'), ctx),
    ]);
    expect(steps.map(rel)).toEqual([null, 'sell@5 0.0001']);
  });

  it('carries a sub-minimum remainder at completion as a residue and adds it to the next counter-order', () => {
    const next = cid(4, 'buy', 2);
    const steps = run([
      (l) => applyOrderProgress(l, update(100, buy4, 'buy', '64000', '0.00013', '0', false), ctx),
      (l) => applyFill(l, deal(1, 100, buy4, 'buy', '64000', '0.0001'), ctx),
      (l) => applyFill(l, deal(2, 100, buy4, 'buy', '64000', '0.00003'), ctx), // completes the order: 0.00003 × 65000 = 1.95 < 5
      (l) => applyFill(l, deal(3, 101, next, 'buy', '64000', '0.0001'), ctx),
    ]);
    expect(steps.map(rel)).toEqual([null, 'sell@5 0.0001', null, 'sell@5 0.00013']);
    expect(steps[2]?.carried.toFixed()).toBe('0.00003');
    expect(steps[2]?.residues.get('sell@5')).toBe('0.00003');
    expect(steps[3]?.release?.residueTaken.toFixed()).toBe('0.00003');
    expect(steps[3]?.residues.size).toBe(0);
  });

  it('maps a sell back to a buy one level down, and a sell at level 0 beyond the edge', () => {
    const sell7 = cid(7, 'sell', 3);
    const sell0 = cid(0, 'sell', 4);
    const steps = run([
      (l) => applyFill(l, deal(1, 200, sell7, 'sell', '67000', '0.001'), ctx),
      (l) => applyFill(l, deal(2, 201, sell0, 'sell', '60000', '0.001'), ctx),
    ]);
    expect(steps.map(rel)).toEqual(['buy@6 0.001', 'buy@null 0.001']);
  });

  it('ignores foreign ids, unknown orders without an id, and malformed amounts', () => {
    const steps = run([
      (l) => applyFill(l, deal(1, 300, 'manual-1', 'buy', '64000', '0.001'), ctx),
      (l) => applyFill(l, deal(2, 301, cid(4, 'buy', 1, { botId: 'other', market: 'BTC_USDT' }), 'buy', '64000', '0.001'), ctx),
      (l) => applyFill(l, deal(3, 302, '', 'buy', '64000', '0.001'), ctx),
      (l) => applyFill(l, deal(4, 100, buy4, 'buy', '64000', '1e-3'), ctx),
      (l) => applyFill(l, deal(5, 100, buy4, 'sell', '64000', '0.001'), ctx), // side contradicts the id
    ]);
    expect(steps.map((s) => s.outcome)).toEqual(['ignored', 'ignored', 'ignored', 'ignored', 'ignored']);
  });

  it('accepts a deal without a client id once the order is known', () => {
    const steps = run([
      (l) => applyOrderProgress(l, update(100, buy4, 'buy', '64000', '0.001', '0', false), ctx),
      (l) => applyFill(l, deal(1, 100, '', 'buy', '64000', '0.001'), ctx),
    ]);
    expect(rel(steps[1] as LedgerStep)).toBe('sell@5 0.001');
    expect(filledOf(steps[1]?.order ?? (undefined as never)).eq(dec('0.001'))).toBe(true);
    expect(steps[1]?.ledger.lastDealSec).toBe(1);
  });
});
