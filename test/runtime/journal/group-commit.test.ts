/**
 * Group commit (journal.ts, turn-order.ts rules 2–4): what another connection sees of appends in and
 * out of a batch, the lag timer, fail-stop, and reporting rows merged per order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnyEventObject } from 'xstate';
import { JournalFailedError } from '../../../src/runtime/journal/journal-errors.js';
import { type Journal, openJournal } from '../../../src/runtime/journal/journal.js';
import { settings } from '../../machines/market/market-harness.js';

const MARKET = 'DBTC_DUSDT';
let dir = '';
const cleanup: (() => void)[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-journal-'));
});
afterEach(() => {
  for (const c of cleanup.splice(0).reverse()) c();
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

function open(name = 'journal.db', commitLagMs = 50): { j: Journal; events: () => number } {
  const path = join(dir, name);
  const j = openJournal({ path, now: () => 1_700_000_000_000, checkpointIntervalMs: 0, commitLagMs });
  const reader = new BetterSqlite3(path, { readonly: true });
  cleanup.push(
    () => j.close(),
    () => reader.close(),
  );
  j.beginMarketRun(settings());
  return { j, events: () => reader.prepare('SELECT count(*) FROM events').pluck().get() as number };
}

const price = (p: string): AnyEventObject => ({ type: 'connection.up', p });

describe('journal group commit', () => {
  it('commits an append outside a batch before it returns, one inside a batch only at commit', () => {
    const { j, events } = open();
    j.appendMarketEvent(MARKET, price('1'));
    expect(events()).toBe(1);
    j.openBatch();
    j.appendMarketEvent(MARKET, price('2'));
    j.appendMarketEvent(MARKET, price('3'));
    expect(events()).toBe(1);
    j.closeBatch();
    j.commit();
    expect(events()).toBe(3);
    expect(j.lastMarketRun(MARKET)?.events.map((e) => (e as { p?: string }).p)).toEqual(['1', '2', '3']);
  });

  it('leaves a batch that needed no commit to the lag timer, or to the next append outside a batch', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { j, events } = open();
    j.openBatch();
    j.appendMarketEvent(MARKET, price('1'));
    j.closeBatch();
    expect(events()).toBe(0);
    vi.advanceTimersByTime(49);
    expect(events()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(events()).toBe(1);

    j.openBatch();
    j.appendMarketEvent(MARKET, price('2'));
    j.closeBatch();
    j.appendMarketEvent(MARKET, price('3')); // a REST answer: delivered once committed, with what was open
    expect(events()).toBe(3);
  });

  it('fail-stop: when SQLite rolled the open batch back, the commit fails and every later write refuses', () => {
    const { j, events } = open();
    j.appendMarketEvent(MARKET, price('1'));
    j.openBatch();
    j.appendMarketEvent(MARKET, price('2'));
    // What an I/O error or a full disk does to an open transaction.
    (j as unknown as { db: BetterSqlite3.Database }).db.exec('ROLLBACK');
    expect(() => j.appendMarketEvent(MARKET, price('3'))).toThrow(JournalFailedError);
    j.closeBatch();
    expect(() => j.commit()).toThrow(JournalFailedError);
    expect(j.failed).toBe(true);
    expect(() => j.appendMarketEvent(MARKET, price('4'))).toThrow(JournalFailedError);
    expect(() => j.openBatch()).toThrow(JournalFailedError);
    j.close();
    expect(events()).toBe(1);
  });

  it('fail-stop: a COMMIT that throws fails the journal and rolls the batch back', () => {
    const { j, events } = open();
    j.openBatch();
    j.appendMarketEvent(MARKET, price('1'));
    (j as unknown as { commitTx: { run(): void } }).commitTx = {
      run() {
        throw new Error('disk I/O error');
      },
    };
    j.closeBatch();
    expect(() => j.commit()).toThrow(/a commit failed.*disk I\/O error/);
    expect(() => j.appendMarketEvent(MARKET, price('2'))).toThrow(JournalFailedError);
    j.close();
    expect(events()).toBe(0);
  });

  it('drops a reporting write deferred past close (nowhere to go), but refuses an event', () => {
    const { j } = open();
    j.close();
    expect(() => j.recordPnl(MARKET, { realisedQuote: '1', feesQuote: '0', inventoryBase: '0' })).not.toThrow();
    expect(() => j.writeReports()).not.toThrow();
    expect(() => j.appendMarketEvent(MARKET, price('1'))).toThrow(/closed/);
  });
});
