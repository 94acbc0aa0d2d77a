/**
 * Group commit (journal.ts, turn-order.ts rules 2–4): what another connection sees of appends in and
 * out of a batch, the lag timer, fail-stop, and reporting rows merged per order. Also a batch's
 * events waiting in memory until one INSERT writes them before anything reads or commits them
 * (event-rows.ts, journal.ts `writeEvents`).
 */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import type { AnyEventObject } from 'xstate';
import { JournalFailedError } from '../../../src/runtime/journal/journal-errors.js';
import { type Journal, openJournal } from '../../../src/runtime/journal/journal.js';
import { settings } from '../../machines/market/market-harness.js';
import { tempDirPerTest } from './support/temp-dir.js';

const MARKET = 'DBTC_DUSDT';
const tmp = tempDirPerTest('gridbot-journal-');

function open(name = 'journal.db', commitLagMs = 50): { j: Journal; events: () => number; reader: BetterSqlite3.Database } {
  const path = tmp.path(name);
  const j = openJournal({ path, now: () => 1_700_000_000_000, checkpointIntervalMs: 0, commitLagMs });
  const reader = new BetterSqlite3(path, { readonly: true });
  tmp.cleanup(
    () => j.close(),
    () => reader.close(),
  );
  j.beginMarketRun(settings());
  return { j, events: () => reader.prepare('SELECT count(*) FROM events').pluck().get() as number, reader };
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

  it('sets one lag timer per lag period, not one per batch: a commit leaves it armed, and it commits only what is open when it fires', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const { j, events } = open();
    for (let n = 0; n < 100; n += 1) {
      j.openBatch();
      j.appendMarketEvent(MARKET, price(String(n))); // a batch that held nothing: left open for the lag timer
      j.closeBatch();
      j.openBatch();
      j.appendMarketEvent(MARKET, price(`${n}b`));
      j.closeBatch();
      j.commit(); // a batch that held a request commits both
    }
    expect(timers).toHaveBeenCalledTimes(1);
    expect(events()).toBe(200);
    j.openBatch();
    j.appendMarketEvent(MARKET, price('last'));
    j.closeBatch();
    vi.advanceTimersByTime(50); // the timer armed by the first batch: within the lag of the last one too
    expect(events()).toBe(201);
    expect(timers).toHaveBeenCalledTimes(1);
  });

  it('holds no writer lock while a batch only appended: its events wait in memory, and their INSERT is the transaction at commit', () => {
    const { j, events } = open();
    j.openBatch();
    j.appendMarketEvent(MARKET, price('1'));
    const other = new BetterSqlite3(tmp.path('journal.db'));
    other.pragma('busy_timeout = 0');
    expect(() => other.exec('BEGIN IMMEDIATE; ROLLBACK')).not.toThrow();
    other.close();
    j.closeBatch();
    j.commit();
    expect(events()).toBe(1);
    expect((j as unknown as { db: BetterSqlite3.Database }).db.inTransaction).toBe(false);
  });

  it('fail-stop: when SQLite rolled the open batch back, the commit fails and every later write refuses', () => {
    const { j, events } = open();
    j.appendMarketEvent(MARKET, price('1'));
    j.openBatch();
    j.appendMarketEvent(MARKET, price('2'));
    // Appends open no transaction (their INSERT is one at commit); a reporting write in the batch does.
    j.recordTransition('market:x', null, 'running', 'xstate.init');
    j.writeReports();
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
    // A batch that wrote more than its events (a reporting write) commits them with a COMMIT.
    j.recordTransition('market:x', null, 'running', 'xstate.init');
    j.writeReports();
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

const numbered = (n: number): AnyEventObject => ({ type: 'connection.up', n });
const ns = (events: readonly AnyEventObject[] | undefined): unknown[] => (events ?? []).map((e) => (e as { n?: number }).n);

describe('journal event rows', () => {
  it('shows a batch its own events to a read within the batch (replay), though none is committed yet', () => {
    const { j, reader } = open('journal.db', 60_000);
    j.openBatch();
    j.appendMarketEvent(MARKET, numbered(1));
    j.appendMarketEvent(MARKET, numbered(2));
    expect(ns(j.lastMarketRun(MARKET)?.events)).toEqual([1, 2]);
    expect(reader.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
    j.appendMarketEvent(MARKET, numbered(3));
    j.closeBatch();
    j.commit();
    expect(reader.prepare('SELECT count(*) FROM events').pluck().get()).toBe(3);
    expect(ns(j.lastMarketRun(MARKET)?.events)).toEqual([1, 2, 3]);
  });

  it('writes a batch longer than one statement holds, every event once, in order, ids and seq growing by one', () => {
    const { j, reader } = open('journal.db', 60_000);
    j.openBatch();
    for (let n = 0; n < 300; n += 1) j.appendMarketEvent(MARKET, numbered(n));
    j.closeBatch();
    j.commit();
    const rows = reader.prepare('SELECT id, seq, payload FROM events ORDER BY id').all() as { id: number; seq: number; payload: string }[];
    expect(rows).toHaveLength(300);
    expect(rows.map((r) => (JSON.parse(r.payload) as { n: number }).n)).toEqual([...Array(300).keys()]);
    expect(rows.every((r, i) => r.seq === i && r.id === (rows[0]?.id ?? 0) + i)).toBe(true);
  });

  it('starts a market run begun inside a batch after the events appended before it (its checkpoint does not take them)', () => {
    const { j } = open('journal.db', 60_000);
    j.openBatch();
    j.appendMarketEvent(MARKET, numbered(1));
    j.beginMarketRun(settings({ market: 'DETH_DUSDT' }));
    j.appendMarketEvent('DETH_DUSDT', numbered(2));
    j.appendMarketEvent(MARKET, numbered(3));
    j.closeBatch();
    j.commit();
    expect(ns(j.lastMarketRun(MARKET)?.events)).toEqual([1, 3]);
    expect(ns(j.lastMarketRun('DETH_DUSDT')?.events)).toEqual([2]);
  });

  it('continues the ids of an earlier run (read once at open), so a reopened journal replays both in order', () => {
    const path = tmp.path('journal.db');
    const first = openJournal({ path, checkpointIntervalMs: 0 });
    first.beginMarketRun(settings());
    first.appendMarketEvent(MARKET, numbered(1));
    first.close();
    const second = openJournal({ path, checkpointIntervalMs: 0 });
    tmp.cleanup(() => second.close());
    expect(ns(second.lastMarketRun(MARKET)?.events)).toEqual([1]);
    second.beginMarketRun(settings());
    second.openBatch();
    second.appendMarketEvent(MARKET, numbered(2));
    second.closeBatch();
    second.commit();
    expect(ns(second.lastMarketRun(MARKET)?.events)).toEqual([2]);
  });

  it('fail-stop: an insert that fails at commit fails the journal, and nothing of the batch is committed', () => {
    const { j, reader } = open('journal.db', 60_000);
    j.appendMarketEvent(MARKET, numbered(1));
    j.openBatch();
    j.appendMarketEvent(MARKET, numbered(2));
    // Something else took the id the pending row has (a corrupt or foreign write): its INSERT fails.
    const db = (j as unknown as { db: BetterSqlite3.Database }).db;
    db.prepare(
      "INSERT INTO events (id, run_id, market, checkpoint_id, seq, type, payload, at) VALUES ((SELECT max(id) + 1 FROM events), 0, 'X', 0, 0, 'x', '{}', 0)",
    ).run();
    j.closeBatch();
    expect(() => j.commit()).toThrow(JournalFailedError);
    expect(j.failed).toBe(true);
    expect(() => j.appendMarketEvent(MARKET, numbered(3))).toThrow(JournalFailedError);
    // Event 1 and the foreign row (committed on its own: the batch had no transaction open yet).
    expect(reader.prepare("SELECT count(*) FROM events WHERE type = 'connection.up'").pluck().get()).toBe(1);
  });
});
