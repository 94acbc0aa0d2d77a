import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalFailedError } from '../../../src/runtime/journal/journal-errors.js';
import { openJournal } from '../../../src/runtime/journal/journal.js';
import { type CheckpointStepOptions, checkpointStep } from '../../../src/runtime/journal/wal-checkpoint-step.js';
import type { WalCheckpointResult } from '../../../src/runtime/journal/wal-limit.js';
import { settings } from '../../machines/market/market-harness.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-step-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const options = (restartBytes: number): CheckpointStepOptions => ({ restartBytes, forceBytes: restartBytes, frameBytes: 1000, catchUps: 4, restartWaitMs: 0 });

/** A connection whose checkpoints report the WAL sizes (frames) given, in order, and which records every pragma. */
function scripted(logs: number[]): { db: { pragma: (s: string) => unknown }; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    db: {
      pragma: (s: string) => {
        calls.push(s);
        if (!s.startsWith('wal_checkpoint')) return [];
        const log = logs.shift() ?? 0;
        return [{ busy: 0, log, checkpointed: log }];
      },
    },
  };
}

function walDb(path: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  return db;
}

describe('a checkpoint worker tick', () => {
  it('is one PASSIVE checkpoint while the WAL is within restartBytes', () => {
    const { db, calls } = scripted([100]);
    expect(checkpointStep(db, options(100_000)).log).toBe(100);
    expect(calls).toEqual(['wal_checkpoint(PASSIVE)']);
  });

  it('past restartBytes, catches up with PASSIVE checkpoints until one finds nothing new, then restarts waiting for the writer lock', () => {
    const { db, calls } = scripted([200, 230, 236, 236, 236]);
    checkpointStep(db, { ...options(100_000), restartWaitMs: 50 });
    expect(calls).toEqual([
      'wal_checkpoint(PASSIVE)',
      'wal_checkpoint(PASSIVE)',
      'wal_checkpoint(PASSIVE)',
      'wal_checkpoint(PASSIVE)',
      'busy_timeout = 50',
      'wal_checkpoint(RESTART)',
      'busy_timeout = 0',
    ]);
  });

  it('after catchUps checkpoints that kept finding new frames, restarts only past forceBytes', () => {
    const under = scripted([200, 210, 220, 230, 240, 250, 260]);
    expect(checkpointStep(under.db, { ...options(100_000), forceBytes: 300_000 }).log).toBe(240);
    expect(under.calls).toEqual(Array.from({ length: 5 }, () => 'wal_checkpoint(PASSIVE)'));
    const past = scripted([200, 210, 220, 230, 240, 250, 260]);
    checkpointStep(past.db, { ...options(100_000), forceBytes: 200_000 });
    expect(past.calls.filter((c) => c === 'wal_checkpoint(PASSIVE)')).toHaveLength(5);
    expect(past.calls.at(-2)).toBe('wal_checkpoint(RESTART)');
  });

  it('never blocks a writer inside its transaction, and between transactions makes its next commit start the WAL over', () => {
    const path = join(dir, 'w.db');
    const writer = walDb(path);
    writer.exec('CREATE TABLE t (v TEXT)');
    const insert = writer.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 200; i += 1) insert.run('x'.repeat(500));
    const checkpointer = walDb(path);
    checkpointer.pragma('busy_timeout = 0');
    const o = options(0);
    // The writer holds its lock: the restart gives up at once (busy), its copy done as a PASSIVE.
    writer.exec('BEGIN IMMEDIATE');
    insert.run('y');
    expect(checkpointStep(checkpointer, o).busy).toBe(1);
    writer.exec('COMMIT');
    const before = (checkpointer.pragma('wal_checkpoint(PASSIVE)') as WalCheckpointResult[])[0]?.log ?? 0;
    expect(before).toBeGreaterThan(100);
    // Between transactions: restarted; the next commit writes the WAL from its first frame.
    const restarted = checkpointStep(checkpointer, o);
    expect(restarted).toMatchObject({ busy: 0, log: before, checkpointed: before });
    expect(restarted.restartMs).toBeGreaterThanOrEqual(0);
    insert.run('z');
    const after = (checkpointer.pragma('wal_checkpoint(PASSIVE)') as WalCheckpointResult[])[0]?.log ?? 0;
    expect(after).toBeLessThan(10);
    expect(writer.prepare('SELECT count(*) FROM t').pluck().get()).toBe(202);
    checkpointer.close();
    writer.close();
  });
});

describe('the journal meeting the writer lock held by another connection', () => {
  it('fails for good (fail-stop) when the lock is not free within busy_timeout, and writes nothing of the event', () => {
    const path = join(dir, 'journal.db');
    const journal = openJournal({ path, checkpointIntervalMs: 0, busyTimeoutMs: 0 });
    journal.beginMarketRun(settings());
    const holder = walDb(path);
    holder.exec('BEGIN IMMEDIATE');
    const deal = {
      type: 'feed.deal',
      deal: { dealId: 1, orderId: 2, clientOrderId: '', side: 'buy', price: '99', amount: '1', fee: '0', feeAsset: 'DUSDT', time: 1 },
    };
    expect(() => journal.appendMarketEvent('DBTC_DUSDT', deal)).toThrow(JournalFailedError);
    expect(journal.failed).toBe(true);
    holder.exec('ROLLBACK');
    holder.close();
    journal.close();
    const again = openJournal({ path, checkpointIntervalMs: 0 });
    expect(again.lastMarketRun('DBTC_DUSDT')?.events).toEqual([]);
    again.close();
  });
});
