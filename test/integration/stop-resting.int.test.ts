/**
 * Issue 14, "Truth while running and after": `gridbot status` after a clean stop says how many
 * orders the market left resting. A stop whose cancel-all went through leaves none, even when the
 * exchange's `ordersPending` pushes of those cancels never reached the bot (lost, or sent after the
 * socket closed): the replayed book still holds them live, but the run's own record (its orders
 * table, written at the clean close) knows the stop cancelled them. Before: `status` counted the
 * replayed book and said `resting 6` for a market stopped in order with nothing on the exchange.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Journal, type JournalReport, openJournal } from '../../src/runtime/journal/index.js';
import { BOT_ACCOUNT, type Bench, MARKET, PLAN, startBench } from './harness.js';
import { statusOutput } from './support/status-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gridbot-stop-resting-'));
let bench: Bench | undefined;
let journal: Journal | undefined;
afterEach(async () => {
  await bench?.close();
  journal?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('status after a clean stop whose cancel pushes were lost', () => {
  it('says the market left no order resting, as the exchange has none', async () => {
    const path = join(dir, 'journal.db');
    journal = openJournal({ path });
    const b = await startBench({ journal });
    bench = b;
    await b.until('the plan resting', () => b.openOrders().length === PLAN.length && b.state().startsWith('running'));
    // The cancel-all of the stop goes through; its ordersPending pushes never arrive.
    b.sim.faults.dropFrames('ordersPending', { probability: 1 });
    await b.stop();
    journal.close();
    expect(b.sim.state.orders(BOT_ACCOUNT)).toEqual([]);
    const report = JSON.parse(await statusOutput(path, '--json')) as JournalReport;
    expect(report.markets.map((m) => [m.market, m.restingOrders])).toEqual([[MARKET, 0]]);
    expect(await statusOutput(path)).not.toContain('left with orders resting');
  });
});
