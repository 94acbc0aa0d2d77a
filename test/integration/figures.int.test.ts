/**
 * Issue 14: one source for every figure. Two runs on one journal against the embedded simulator,
 * each making a round trip (a buy fills, its counter-sell fills); then the same market's fills and
 * PnL are read from every surface that shows them: the inspector's /api/state and /metrics while the
 * second run trades, the final table of `run` once it stopped, and `gridbot status` (table and
 * --json) from the closed journal. They must agree, per run and all time, and agree with the
 * simulator's deals.
 *
 * Before this test, the final table counted the book's deals (fresh each cancel-all start),
 * `status` every run's distinct deals and `status --json` also orders by status, with no label
 * saying which was which.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BotView } from '../../src/runtime/commands/status.js';
import { type Inspector, startInspector } from '../../src/runtime/inspector/index.js';
import type { Row } from '../../src/runtime/inspector/model.js';
import { type Journal, type JournalReport, openJournal } from '../../src/runtime/journal/index.js';
import { createRuntimeMetrics, opsRoute } from '../../src/runtime/metrics/index.js';
import { formatMoney } from '../../src/runtime/report/fleet-figures.js';
import { FIGURES_LEGEND, statusTable } from '../../src/runtime/status/market-status.js';
import { parseProm, sample } from '../support/prom-text.js';
import { AMOUNT, BOT_ACCOUNT, type Bench, LEVEL_PRICE, MARKET, PLAN, startBench } from './harness.js';
import { statusOutput } from './support/status-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gridbot-figures-'));
const benches: Bench[] = [];
const journals: Journal[] = [];
let inspector: Inspector | undefined;
afterEach(async () => {
  await inspector?.close();
  for (const b of benches.reverse()) await b.close();
  for (const j of journals) j.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A round trip on the plan of harness.ts: the buy at level 1 fills, then its counter-sell at level 2. */
async function roundTrip(b: Bench): Promise<void> {
  b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
  await b.until('the counter-sell resting at level 2', () => b.byLevel().get(2)?.[0]?.id.side === 'sell');
  b.take('buy', AMOUNT, LEVEL_PRICE[2] as string);
  await b.until('the counter-buy resting at level 1 again', () => b.byLevel().get(1)?.[0]?.id.side === 'buy');
}

/** The cells of a fixed-width table line, by the header's column names. */
function cellsOf(lines: readonly string[], market: string): Record<string, string> {
  const header = lines.find((l) => l.startsWith('market  ')) ?? '';
  const names = header.split(/ {2,}/);
  const row = lines.find((l) => l.startsWith(`${market} `)) ?? '';
  // Column starts from the header: cells may contain single spaces (`0.1 DUSDT`).
  const starts = names.map((n) => header.indexOf(n));
  return Object.fromEntries(names.map((n, i) => [n, row.slice(starts[i], starts[i + 1]).trim()]));
}

describe('figures agree on every surface (issue 14)', () => {
  it('the final table, status, status --json, /api/state and /metrics show the same fills and PnL, per run and all time', async () => {
    const path = join(dir, 'journal.db');
    // Run 1: one round trip, then a clean stop.
    const j1 = openJournal({ path });
    journals.push(j1);
    const b1 = await startBench({ journal: j1 });
    benches.push(b1);
    await b1.until('the plan resting', () => b1.openOrders().length === PLAN.length && b1.state().startsWith('running'));
    await roundTrip(b1);
    await b1.stop();
    j1.close();

    // Run 2 on the same journal and simulator (cancel-all start: a fresh book), with the inspector and metrics.
    const metrics = createRuntimeMetrics();
    inspector = await startInspector({ port: 0, tickMs: 60_000, route: opsRoute(metrics) });
    const j2 = openJournal({ path });
    journals.push(j2);
    const b2 = await startBench({ journal: j2, sim: b1.sim, observers: [metrics.observe, inspector.observe], restObserver: metrics.restObserver });
    benches.push(b2);
    metrics.attach(b2.runtime);
    await b2.until('the plan resting again', () => b2.openOrders().length === PLAN.length && b2.state().startsWith('running'));
    await roundTrip(b2);

    const deals = b2.sim.state.fills(BOT_ACCOUNT).filter((d) => d.market === MARKET);
    expect(deals).toHaveLength(4);
    const live = b2.runtime.statuses().find((s) => s.market === MARKET);
    expect(live?.fills).toBe(2);
    expect(live?.allTime.fills).toBe(4);
    expect(live?.quoteAsset).toBe('DUSDT');
    const runPnl = live?.realisedPnl ?? '';
    expect(Number(runPnl)).toBeGreaterThan(0);

    // The inspector's /api/state.
    const state = (await (await fetch(new URL(`/api/state?focus=market:${MARKET}`, inspector.url ?? ''))).json()) as { rows: Row[] };
    const row = state.rows.find((r) => r.id === `market:${MARKET}`)?.market;
    expect(row).toMatchObject({ fills: 2, realisedPnl: runPnl, fees: live?.fees, quoteAsset: 'DUSDT', allTime: live?.allTime });

    // /metrics.
    const prom = parseProm(await (await fetch(new URL('/metrics', inspector.url ?? ''))).text());
    expect(sample(prom, 'gridbot_fills_total', { market: MARKET })).toBe(2);
    expect(sample(prom, 'gridbot_fills_all_time', { market: MARKET })).toBe(4);
    expect(sample(prom, 'gridbot_realised_pnl_quote', { market: MARKET })).toBeCloseTo(Number(runPnl), 8);
    expect(sample(prom, 'gridbot_realised_pnl_all_time_quote', { market: MARKET })).toBeCloseTo(Number(live?.allTime.realisedQuote), 8);

    // The final table of `run`, once the run stopped.
    await b2.stop();
    const final = statusTable(b2.runtime.statuses(), b2.runtime.connectionState());
    expect(final[0]).toContain(FIGURES_LEGEND);
    const f = cellsOf(final, MARKET);
    expect(f).toMatchObject({ 'fills run': '2', 'fills all': '4', 'pnl run': `${runPnl} DUSDT` });
    expect(f['stop reason']).not.toBe('');
    j2.close();

    // `gridbot status --json` and its table, from the closed journal.
    const doc = JSON.parse(await statusOutput(path, '--json')) as JournalReport & { bot: BotView };
    const m = doc.markets.find((x) => x.market === MARKET);
    expect(formatMoney(m?.lastRun.realisedQuote ?? '')).toBe(runPnl);
    expect(formatMoney(m?.lastRun.feesQuote ?? '')).toBe(live?.fees);
    expect(m?.lastRun.fills).toBe(2);
    expect(m?.allTime.fills).toBe(4);
    expect(m?.allTime).toEqual(live?.allTime);
    expect(m?.quoteAsset).toBe('DUSDT');
    const text = (await statusOutput(path)).split('\n');
    const s = cellsOf(text, MARKET);
    expect(s).toMatchObject({
      'fills run': f['fills run'],
      'fills all': f['fills all'],
      'pnl run': f['pnl run'],
      'pnl all': f['pnl all'],
      'fees run': f['fees run'],
    });
    expect(s['stop reason']).toBe(f['stop reason']);
  }, 60_000);
});
