/**
 * A batch's events wait in memory and are inserted together before anything reads or commits them
 * (event-rows.ts, journal.ts `writeEvents`): what replay and the reporting mark see of them, how a
 * batch longer than one statement is written, and fail-stop when the insert fails at commit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  rmSync(dir, { recursive: true, force: true });
});

function open(): { j: Journal; path: string; reader: BetterSqlite3.Database } {
  const path = join(dir, 'journal.db');
  const j = openJournal({ path, now: () => 1_700_000_000_000, checkpointIntervalMs: 0, commitLagMs: 60_000 });
  const reader = new BetterSqlite3(path, { readonly: true });
  cleanup.push(
    () => j.close(),
    () => reader.close(),
  );
  j.beginMarketRun(settings());
  return { j, path, reader };
}

const numbered = (n: number): AnyEventObject => ({ type: 'connection.up', n });
const ns = (events: readonly AnyEventObject[] | undefined): unknown[] => (events ?? []).map((e) => (e as { n?: number }).n);

describe('journal event rows', () => {
  it('shows a batch its own events to a read within the batch (replay), though none is committed yet', () => {
    const { j, reader } = open();
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
    const { j, reader } = open();
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
    const { j } = open();
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
    const path = join(dir, 'journal.db');
    const first = openJournal({ path, checkpointIntervalMs: 0 });
    first.beginMarketRun(settings());
    first.appendMarketEvent(MARKET, numbered(1));
    first.close();
    const second = openJournal({ path, checkpointIntervalMs: 0 });
    cleanup.push(() => second.close());
    expect(ns(second.lastMarketRun(MARKET)?.events)).toEqual([1]);
    second.beginMarketRun(settings());
    second.openBatch();
    second.appendMarketEvent(MARKET, numbered(2));
    second.closeBatch();
    second.commit();
    expect(ns(second.lastMarketRun(MARKET)?.events)).toEqual([2]);
  });

  it('fail-stop: an insert that fails at commit fails the journal, and nothing of the batch is committed', () => {
    const { j, reader } = open();
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
    expect(reader.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1);
  });
});
