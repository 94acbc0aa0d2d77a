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
import { JournalFileError } from '../../../src/runtime/journal/journal-errors.js';
import { JOURNAL_APPLICATION_ID } from '../../../src/runtime/journal/journal-file.js';
import { bookOfRun, openJournal } from '../../../src/runtime/journal/journal.js';
import { SCHEMA_VERSION } from '../../../src/runtime/journal/schema.js';
import { MARKET, bookText, runScenario, scenarioInput, startJournaledMarket } from './market-scenario.js';
import { V1_DDL, writeV1Runs } from './v1-journal.js';

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
  writeV1Runs(path, [{ input, events: run.events }]);
  return { run, liveBook: bookText(m.h.context().book) };
}

describe('a journal written before group commit', () => {
  it('restores the book its run ended with, and takes this run’s events after it', async () => {
    expect(SCHEMA_VERSION).toBe(3); // a bump needs a migration and a case here
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

  it('is migrated to the current version in place, and stamped with the identity of the first run that claims it', async () => {
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
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
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
    expect(() => openJournal({ path })).toThrow(/was written by a newer gridbot \(journal schema 4; this one reads up to 3\)/);
  });
});
