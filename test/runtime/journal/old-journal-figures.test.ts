/**
 * A journal written before `run_figures` (schema version 1) keeps its old runs in the all-time
 * figures: `gridbot status` replays the runs without a row in memory, and the first start of this
 * version writes their rows (report/prior-figures.ts), so "all" means every run of the journal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournalReport } from '../../../src/runtime/journal/journal-report.js';
import { openJournal } from '../../../src/runtime/journal/journal.js';
import { priorFiguresAtStart } from '../../../src/runtime/report/prior-figures.js';
import { MARKET, runScenario, scenarioInput, startJournaledMarket } from './market-scenario.js';
import { writeV1Runs } from './v1-journal.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A version-1 journal of two runs: the first trades (fills), the second adopts its book and trades nothing. */
async function twoOldRuns(path: string): Promise<{ fills: number; realised: string }> {
  const live = openJournal({ path: ':memory:' });
  const m = startJournaledMarket(live, scenarioInput());
  await runScenario(m);
  const run = live.lastMarketRun(MARKET);
  const book = m.h.context().book;
  m.h.actor.stop();
  live.close();
  if (run === null || book === null) throw new Error('nothing journaled');
  writeV1Runs(path, [
    { input: run.input, events: run.events },
    { input: scenarioInput({}, { onStart: 'adopt', restore: book }), events: [] },
  ]);
  return { fills: book.ledger.dealCount, realised: book.pnl.realisedQuote.toFixed() };
}

describe('a journal written before run_figures', () => {
  it('status counts the first run in "all", although only the last run is replayed for "run"', async () => {
    const path = join(dir, 'old.db');
    const first = await twoOldRuns(path);
    expect(first.fills).toBeGreaterThan(0);
    const [market] = readJournalReport(path).markets;
    expect(market?.lastRun.fills).toBe(0);
    expect(market?.allTime.fills).toBe(first.fills);
    expect(market?.allTime.realisedQuote).toBe(first.realised);
  });

  it('the first start of this version writes the old runs’ rows, and its all-time base includes them', async () => {
    const path = join(dir, 'old.db');
    const first = await twoOldRuns(path);
    const j = openJournal({ path, checkpointIntervalMs: 0 });
    try {
      const prior = priorFiguresAtStart(j, MARKET, j.lastMarketRun(MARKET), null);
      expect(prior.fills).toBe(first.fills);
    } finally {
      j.close();
    }
    const db = new BetterSqlite3(path, { readonly: true });
    const rows = db.prepare('SELECT run_id AS runId, fills FROM run_figures WHERE market = ? ORDER BY run_id').all(MARKET);
    db.close();
    expect(rows).toEqual([
      { runId: 1, fills: first.fills },
      { runId: 2, fills: 0 },
    ]);
    expect(readJournalReport(path).markets[0]?.allTime.fills).toBe(first.fills);
  });
});
