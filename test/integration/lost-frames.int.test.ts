/**
 * Private frames that arrive unreadable (cut short, or binary), end to end against the simulator's
 * fault injection: each is counted, and the market it concerns reconciles within moments instead of
 * at the next periodic reconcile (300 s by default), so the journal's live orders match the
 * exchange's again and the missed fill gets its counter-order, once. Waits are on conditions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Journal, openJournal } from '../../src/runtime/journal/index.js';
import { GRID } from '../chaos/support/rig.js';
import { checkJournal } from '../support/sim-invariants.js';
import { AMOUNT, type Bench, LEVEL_PRICE, MARKET, PLAN, startBench } from './harness.js';

let bench: Bench | undefined;
let journal: Journal | undefined;
let dir = '';
afterEach(async () => {
  await bench?.close();
  journal?.close();
  bench = undefined;
  journal = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ b: Bench; path: string }> {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-lost-'));
  const path = join(dir, 'journal.db');
  journal = openJournal({ path, checkpointIntervalMs: 0 });
  const b = await startBench({ journal });
  bench = b;
  await b.until('the plan resting and the market running', () => b.openOrders().length === PLAN.length && b.state().startsWith('running'));
  return { b, path };
}

/** How often the market entered `reconciling` since `mark`. */
const reconcilesSince = (b: Bench, mark: number): number => b.path.slice(mark).filter((p) => p === 'reconciling.fetching').length;

describe('unreadable private frames', () => {
  it('a fill whose order and deal frames arrive cut short is reconciled soon: the journal shows the exchange, the counter-order is placed once', async () => {
    const { b, path } = await start();
    const mark = b.path.length;
    const errors = b.runtime.frames.decodeErrors;
    b.sim.faults.corruptFrames('ordersPending', { next: 1 });
    b.sim.faults.corruptFrames('deals', { next: 1 });
    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    expect(b.sim.faults.stats.framesCorrupted).toBe(2);

    const counter = await b.until('a sell at level 2', () => b.byLevel().get(2)?.[0], 10_000);
    expect(counter.order.amount.toFixed()).toBe(AMOUNT);
    await b.until('the journal matching the exchange', () => checkJournal(path, b.sim, GRID, [MARKET]).length === 0, 10_000);
    expect(b.runtime.frames.decodeErrors - errors).toBe(2);
    expect(b.runtime.frames.privateLost).toBeGreaterThanOrEqual(2);
    // Both frames fell in one window: one reconcile, not one per frame.
    expect(reconcilesSince(b, mark)).toBe(1);
    expect(b.byLevel().get(2)).toHaveLength(1);
    expect(b.violations).toEqual([]);
  });

  it('binary frames count as undecodable, and a burst of them gives one reconcile of the market', async () => {
    const { b, path } = await start();
    const mark = b.path.length;
    const errors = b.runtime.frames.decodeErrors;
    b.sim.faults.binaryFrames('ordersPending', { next: 2 });
    b.sim.faults.binaryFrames('deals', { next: 2 });
    // One taker sweeps both sells: two fills, four frames, all binary.
    b.take('buy', '0.004', LEVEL_PRICE[4] as string);
    expect(b.sim.faults.stats.framesBinary).toBe(4);

    await b.until('buys at levels 2 and 3', () => b.byLevel().get(2)?.[0] && b.byLevel().get(3)?.[0], 10_000);
    await b.until('the journal matching the exchange', () => checkJournal(path, b.sim, GRID, [MARKET]).length === 0, 10_000);
    await b.until('the frame counters', () => b.runtime.frames.decodeErrors - errors === 4);
    expect(b.runtime.frames.lostReconciles).toBe(1);
    expect(reconcilesSince(b, mark)).toBe(1);
    expect(b.violations).toEqual([]);
  });
});
