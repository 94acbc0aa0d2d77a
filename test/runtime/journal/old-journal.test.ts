/**
 * A journal written before group commit (schema version 1, every event in its own transaction with
 * its derived rows) restores under this code, and keeps being written; a journal of a newer schema
 * is refused with a message that says so. The old file is built here with the version-1 SQL, frozen.
 * Version 2 (issue 14) adds the journal's exchange identity: a version-1 journal is migrated in place
 * on open and stamped by the first run that claims it ('adopted').
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../../../src/runtime/journal/checkpoint-codec.js';
import { JournalFileError } from '../../../src/runtime/journal/journal-errors.js';
import { JOURNAL_APPLICATION_ID } from '../../../src/runtime/journal/journal-file.js';
import { bookOfRun, openJournal } from '../../../src/runtime/journal/journal.js';
import { SCHEMA_VERSION } from '../../../src/runtime/journal/schema.js';
import { encodeValue } from '../../../src/runtime/journal/value-codec.js';
import { MARKET, bookText, runScenario, scenarioInput, startJournaledMarket } from './market-scenario.js';

/** The schema as gridbot wrote it at version 1 (the tables replay and reports read). */
const V1_DDL = `
CREATE TABLE lock (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, started_at INTEGER NOT NULL, token TEXT NOT NULL);
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL);
CREATE TABLE checkpoints (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL, market TEXT NOT NULL, input TEXT NOT NULL, first_event_id INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE INDEX checkpoints_by_market ON checkpoints (market, id);
CREATE TABLE events (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, market TEXT NOT NULL, checkpoint_id INTEGER NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE orders (client_order_id TEXT PRIMARY KEY, market TEXT NOT NULL, run_id INTEGER NOT NULL, order_id INTEGER, level INTEGER, side TEXT, price TEXT, amount TEXT,
  status TEXT NOT NULL CHECK (status IN ('sending', 'notSent', 'live', 'unknown', 'rejected', 'filled', 'cancelled')), reason TEXT, updated_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE fills (market TEXT NOT NULL, deal_id INTEGER NOT NULL, order_id INTEGER NOT NULL, client_order_id TEXT NOT NULL, side TEXT NOT NULL, price TEXT NOT NULL,
  amount TEXT NOT NULL, fee TEXT NOT NULL, fee_asset TEXT NOT NULL, time REAL NOT NULL, run_id INTEGER NOT NULL, PRIMARY KEY (market, deal_id)) WITHOUT ROWID;
CREATE TABLE transitions (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, actor_id TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL, event_type TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE pnl (market TEXT PRIMARY KEY, run_id INTEGER NOT NULL, realised TEXT NOT NULL, fees TEXT NOT NULL, inventory TEXT NOT NULL, updated_at INTEGER NOT NULL);
`;

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A run journaled live (in memory), and the same run written to `path` the way version 1 did: one transaction per event. */
async function writeV1(path: string) {
  const live = openJournal({ path: ':memory:' });
  const input = scenarioInput();
  const m = startJournaledMarket(live, input);
  await runScenario(m);
  const run = live.lastMarketRun(MARKET);
  m.h.actor.stop();
  live.close();
  if (run === null) throw new Error('nothing journaled');
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.exec(V1_DDL);
  db.pragma('user_version = 1');
  db.prepare('INSERT INTO runs (started_at, pid, host) VALUES (1, 1, ?)').run('old-host');
  db.prepare('INSERT INTO checkpoints (run_id, market, input, first_event_id, at) VALUES (1, ?, ?, 1, 1)').run(MARKET, encodeCheckpoint(input));
  const insert = db.prepare('INSERT INTO events (run_id, market, checkpoint_id, seq, type, payload, at) VALUES (1, ?, 1, ?, ?, ?, 1)');
  const one = db.transaction((seq: number, e: (typeof run.events)[number]) => insert.run(MARKET, seq, e.type, encodeValue(e)));
  run.events.forEach((e, seq) => one(seq, e));
  db.prepare("INSERT INTO pnl VALUES (?, 1, '0', '0', '0', 1)").run(MARKET);
  db.close();
  return { run, liveBook: bookText(m.h.context().book) };
}

describe('a journal written before group commit', () => {
  it('restores the book its run ended with, and takes this run’s events after it', async () => {
    expect(SCHEMA_VERSION).toBe(2); // a bump needs a migration and a case here
    const path = join(dir, 'old.db');
    const { run, liveBook } = await writeV1(path);
    const j = openJournal({ path, checkpointIntervalMs: 0 });
    try {
      expect(bookText(j.restoreBook(MARKET))).toBe(liveBook);
      expect(j.lastMarketRun(MARKET)?.events).toHaveLength(run.events.length);
      const restored = j.restoreBook(MARKET);
      j.beginMarketRun({ ...scenarioInput(), onStart: 'adopt', restore: restored });
      j.openBatch();
      j.appendMarketEvent(MARKET, { type: 'connection.up' });
      j.closeBatch();
      j.commit();
      const latest = j.lastMarketRun(MARKET);
      expect(latest?.events.map((e) => e.type)).toEqual(['connection.up']);
      expect(bookText(latest === null ? null : bookOfRun(latest))).toBe(liveBook);
    } finally {
      j.close();
    }
  });

  it('is migrated to version 2 in place, and stamped with the identity of the first run that claims it', async () => {
    const path = join(dir, 'old.db');
    await writeV1(path);
    const j = openJournal({ path, checkpointIntervalMs: 0 });
    try {
      expect(j.identity()).toBeNull();
      const sim = { exchange: 'sim', endpoint: 'embedded', account: 'demo', keyFingerprint: '0123456789abcdef' } as const;
      expect(j.claimIdentity(sim)).toBe('adopted');
      expect(j.identity()).toEqual(sim);
      expect(j.claimIdentity(sim)).toBe('matched');
    } finally {
      j.close();
    }
    const db = new BetterSqlite3(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.pragma('application_id', { simple: true })).toBe(JOURNAL_APPLICATION_ID);
    db.close();
  });

  it('refuses a journal of a newer schema, saying so', () => {
    const path = join(dir, 'newer.db');
    const db = new BetterSqlite3(path);
    db.exec(V1_DDL);
    db.pragma(`application_id = ${JOURNAL_APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openJournal({ path })).toThrow(JournalFileError);
    expect(() => openJournal({ path })).toThrow(/was written by a newer gridbot \(journal schema 3; this one reads up to 2\)/);
  });
});
