/**
 * The journal's tail file (tail-log.ts, journal.ts option `tail`): a commit that needs no
 * transaction is one write there, filed into SQLite by the lag timer or the next transaction; an
 * open for writing files what a killed bot left in it, a reader adds it, and a tail that is not the
 * journal's is refused.
 */
import { appendFileSync, existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import type { AnyEventObject } from 'xstate';
import { JournalCorruptError, JournalFailedError } from '../../../src/runtime/journal/journal-errors.js';
import { type Journal, openJournal, readLastMarketRun, tailRowsPast } from '../../../src/runtime/journal/journal.js';
import { readJournalReport } from '../../../src/runtime/journal/journal-report.js';
import { TailLog, readTail, tailLine, tailPathOf } from '../../../src/runtime/journal/tail-log.js';
import { settings } from '../../machines/market/market-harness.js';
import { tempDirPerTest } from './support/temp-dir.js';

const MARKET = 'DBTC_DUSDT';
const NOW = 1_700_000_000_000;
const tmp = tempDirPerTest('gridbot-tail-');

const ev = (n: number): AnyEventObject => ({ type: 'connection.up', n });
/** The tail file of a journal on disk. */
function tailFile(path: string): string {
  const t = tailPathOf(path);
  if (t === null) throw new Error(`no tail file for ${path}`);
  return t;
}
const numbers = (events: readonly AnyEventObject[] | undefined): unknown[] => (events ?? []).map((e) => (e as { n?: number }).n);

function tableCount(path: string): number {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** A journal with the tail on; `isAlive` false so a later open takes over the lock of one never closed (a killed bot). */
function openTailed(path: string, commitLagMs = 60_000, now: () => number = () => NOW): Journal {
  return openJournal({ path, now, checkpointIntervalMs: 0, commitLagMs, tail: true, isAlive: () => false });
}

/** Leaves `j` as a SIGKILL would: its SQLite connection closed without a commit, its tail file as written. */
function abandon(j: Journal): void {
  const raw = j as unknown as { db: BetterSqlite3.Database; tail: TailLog; closed: boolean };
  raw.tail.close(false);
  raw.closed = true;
  raw.db.close();
}

describe('tail file', () => {
  it('reads back the rows appended, and drops a last line cut short', () => {
    const path = tmp.path('x-tail');
    const t = TailLog.open(path);
    t.append(tailLine(1, 7, MARKET, 3, 0, 'feed.deal', '{"type":"feed.deal","a":"x\\ty"}', NOW) + tailLine(2, 7, MARKET, 3, 1, 'feed.order', '{}', NOW + 1));
    expect(readTail(path)).toEqual({
      rows: [
        { id: 1, runId: 7, market: MARKET, checkpointId: 3, seq: 0, type: 'feed.deal', payload: '{"type":"feed.deal","a":"x\\ty"}', at: NOW },
        { id: 2, runId: 7, market: MARKET, checkpointId: 3, seq: 1, type: 'feed.order', payload: '{}', at: NOW + 1 },
      ],
      cut: false,
    });
    appendFileSync(path, tailLine(3, 7, MARKET, 3, 2, 'feed.deal', '{}', NOW).slice(0, 20));
    const r = readTail(path);
    expect(r.rows.map((x) => x.id)).toEqual([1, 2]);
    expect(r.cut).toBe(true);
    t.clear();
    expect(readFileSync(path, 'utf8')).toBe('');
    t.close(true);
    expect(existsSync(path)).toBe(false);
    expect(readTail(path)).toEqual({ rows: [], cut: false });
  });

  it('stops reading at a line that is not a row', () => {
    const path = tmp.path('x-tail');
    writeFileSync(path, tailLine(1, 1, MARKET, 1, 0, 't', '{}', NOW) + 'garbage\n' + tailLine(2, 1, MARKET, 1, 1, 't', '{}', NOW));
    expect(readTail(path).rows.map((x) => x.id)).toEqual([1]);
    expect(readTail(path).cut).toBe(true);
  });
});

describe('journal with a tail', () => {
  it('makes a commit durable in the tail file, not in SQLite, and files it when the lag timer fires', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const path = tmp.path('journal.db');
    const j = openTailed(path, 50);
    tmp.cleanup(() => j.close());
    j.beginMarketRun(settings());
    j.openBatch();
    j.appendMarketEvent(MARKET, ev(1));
    j.appendMarketEvent(MARKET, ev(2));
    j.closeBatch();
    j.commit();
    expect(tableCount(path)).toBe(0);
    expect(readTail(tailFile(path)).rows.map((r) => r.id)).toEqual([1, 2]);
    // Appended once: a second commit with nothing new writes nothing.
    j.commit();
    expect(readTail(tailFile(path)).rows).toHaveLength(2);
    vi.advanceTimersByTime(50);
    expect(tableCount(path)).toBe(2);
    expect(readFileSync(tailFile(path), 'utf8')).toBe('');
    expect(numbers(j.lastMarketRun(MARKET)?.events)).toEqual([1, 2]);
  });

  it('files the tail with the next transaction, and removes it on a clean close', () => {
    const path = tmp.path('journal.db');
    const j = openTailed(path);
    j.beginMarketRun(settings());
    j.appendMarketEvent(MARKET, ev(1)); // outside a batch: committed (to the tail) before it returns
    expect(readTail(tailFile(path)).rows).toHaveLength(1);
    j.sync();
    expect(tableCount(path)).toBe(1);
    expect(readFileSync(tailFile(path), 'utf8')).toBe('');
    j.appendMarketEvent(MARKET, ev(2));
    j.close();
    expect(tableCount(path)).toBe(2);
    expect(existsSync(tailFile(path))).toBe(false);
  });

  it('after a kill, the next open files what only the tail held, in order, and a reader adds it before that', () => {
    const path = tmp.path('journal.db');
    let clock = NOW;
    const first = openTailed(path, 60_000, () => clock);
    first.beginMarketRun(settings());
    first.appendMarketEvent(MARKET, ev(1));
    first.sync();
    for (const n of [2, 3, 4]) {
      clock += 1000;
      first.appendMarketEvent(MARKET, ev(n));
    }
    abandon(first);
    expect(tableCount(path)).toBe(1);

    const reader = new BetterSqlite3(path, { readonly: true });
    const tail = tailRowsPast(reader, path);
    expect(tail.map((r) => r.id)).toEqual([2, 3, 4]);
    expect(numbers(readLastMarketRun(reader, MARKET, tail)?.events)).toEqual([1, 2, 3, 4]);
    expect(numbers(readLastMarketRun(reader, MARKET)?.events)).toEqual([1]);
    reader.close();
    // `status` reads the tail too: the last thing journaled is event 4, in the tail only.
    expect(readJournalReport(path).lastActivityAt).toBe(NOW + 3000);

    const second = openTailed(path);
    tmp.cleanup(() => second.close());
    expect(second.tailFiled).toEqual({ rows: 3, cut: false });
    expect(tableCount(path)).toBe(4);
    expect(numbers(second.lastMarketRun(MARKET)?.events)).toEqual([1, 2, 3, 4]);
    // Its own events follow, with the next ids.
    second.beginMarketRun(settings());
    second.appendMarketEvent(MARKET, ev(5));
    second.sync();
    const db = new BetterSqlite3(path, { readonly: true });
    expect(db.prepare('SELECT id FROM events ORDER BY id').pluck().all()).toEqual([1, 2, 3, 4, 5]);
    db.close();
  });

  it('drops a last row the kill cut short (nothing was acted on before its write returned)', () => {
    const path = tmp.path('journal.db');
    const first = openTailed(path);
    first.beginMarketRun(settings());
    first.appendMarketEvent(MARKET, ev(1));
    abandon(first);
    appendFileSync(tailFile(path), tailLine(2, 1, MARKET, 1, 1, 'connection.up', '{"type":"connection.up","n":2}', NOW).slice(0, 30));
    const second = openTailed(path);
    tmp.cleanup(() => second.close());
    expect(second.tailFiled).toEqual({ rows: 1, cut: true });
    expect(numbers(second.lastMarketRun(MARKET)?.events)).toEqual([1]);
  });

  it('refuses a tail that is not the journal’s, naming it, and leaves both as they are', () => {
    const path = tmp.path('journal.db');
    const j = openTailed(path);
    j.beginMarketRun(settings());
    j.appendMarketEvent(MARKET, ev(1));
    j.close();
    // A tail from another journal: a checkpoint this one does not have.
    writeFileSync(tailFile(path), tailLine(2, 1, MARKET, 99, 0, 'connection.up', '{}', NOW));
    expect(() => openTailed(path)).toThrow(JournalCorruptError);
    expect(() => openTailed(path)).toThrow(/tail file .*journal\.db-tail holds events that are not this journal's/);
    expect(readTail(tailFile(path)).rows).toHaveLength(1);
    expect(tableCount(path)).toBe(1);
    // The refused open let the lock go: with the tail removed, the journal opens.
    rmSync(tailFile(path));
    const again = openTailed(path);
    expect(again.tailFiled).toEqual({ rows: 0, cut: false });
    again.close();
  });

  it('lets the WAL limit checkpoint while rows wait in the tail (they are durable), not inside a transaction', () => {
    const path = tmp.path('journal.db');
    const j = openJournal({ path, checkpointIn: 'worker', commitLagMs: 60_000, tail: true });
    tmp.cleanup(() => j.close());
    const idle = (): boolean => (j as unknown as { walLimit: { idle: () => boolean } }).walLimit.idle();
    j.beginMarketRun(settings());
    j.appendMarketEvent(MARKET, ev(1));
    expect(readTail(tailFile(path)).rows).toHaveLength(1);
    expect(idle()).toBe(true);
    // A market run begun inside a batch opens a transaction (its checkpoint row), left open until the batch's commit.
    j.openBatch();
    j.beginMarketRun(settings());
    expect(idle()).toBe(false);
    j.closeBatch();
    j.commit();
    expect(idle()).toBe(true);
    expect(tableCount(path)).toBe(1);
  });

  it('finds the same tail through another path to the journal (a symlink), and makes none for a journal in memory', () => {
    const path = tmp.path('journal.db');
    const alias = tmp.path('alias.db');
    const first = openTailed(path);
    first.beginMarketRun(settings());
    symlinkSync(path, alias);
    first.appendMarketEvent(MARKET, ev(1));
    abandon(first);
    const second = openTailed(alias);
    tmp.cleanup(() => second.close());
    expect(second.tailFiled.rows).toBe(1);
    expect(numbers(second.lastMarketRun(MARKET)?.events)).toEqual([1]);
    expect(tailPathOf(':memory:')).toBeNull();
    const memory = openJournal({ path: ':memory:', tail: true, checkpointIntervalMs: 0 });
    memory.beginMarketRun(settings());
    memory.appendMarketEvent(MARKET, ev(1));
    memory.close();
    expect(existsSync(':memory:-tail')).toBe(false);
  });

  it('fail-stop: a tail write that fails fails the journal, and the tail is kept for the next open', () => {
    const path = tmp.path('journal.db');
    const j = openTailed(path);
    tmp.cleanup(() => j.close());
    j.beginMarketRun(settings());
    j.appendMarketEvent(MARKET, ev(1));
    (j as unknown as { tail: TailLog }).tail.close(false);
    j.openBatch();
    j.appendMarketEvent(MARKET, ev(2));
    j.closeBatch();
    expect(() => j.commit()).toThrow(JournalFailedError);
    expect(j.failed).toBe(true);
    j.close();
    expect(readTail(tailFile(path)).rows.map((r) => r.id)).toEqual([1]);
  });
});
