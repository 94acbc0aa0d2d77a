import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import dc from 'node:diagnostics_channel';
import { WAL_CHANNEL, type WalCheckpointResult, WalLimit, type WalRestartEvent, publishLockWait } from '../../../src/runtime/journal/wal-limit.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-wal-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A writer whose every transaction is open while the other connection (the checkpoint worker) checkpoints. */
function writeBehindCheckpoints(withLimit: boolean, path: string, rows: number): number {
  const writer = new BetterSqlite3(path);
  writer.pragma('journal_mode = WAL');
  writer.pragma('synchronous = NORMAL');
  writer.pragma('wal_autocheckpoint = 0');
  writer.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const limit = withLimit
    ? new WalLimit(
        writer,
        limitBytes,
        () => !writer.inTransaction,
        (work) => work(),
      )
    : null;
  const worker = new BetterSqlite3(path);
  const insert = writer.prepare('INSERT INTO t (v) VALUES (?)');
  let largest = 0;
  for (let i = 0; i < rows; i += 1) {
    writer.exec('BEGIN');
    insert.run('x'.repeat(300));
    // The worker's report arrives in a turn of its own, while the next transaction is open.
    const report = i % 10 === 0 ? (worker.pragma('wal_checkpoint(PASSIVE)') as WalCheckpointResult[])[0] : undefined;
    if (report !== undefined) limit?.reported(report);
    writer.exec('COMMIT');
    limit?.afterCommit();
    largest = Math.max(largest, statSync(`${path}-wal`).size);
  }
  expect(writer.prepare('SELECT count(*) FROM t').pluck().get()).toBe(rows);
  worker.close();
  writer.close();
  return largest;
}

const limitBytes = 256 * 1024;

describe('the WAL when the checkpoint worker never finishes', () => {
  it('grows without end when only the worker checkpoints (why WalLimit exists)', () => {
    expect(writeBehindCheckpoints(false, join(dir, 'a.db'), 3000)).toBeGreaterThan(8 * limitBytes);
  });

  it('stays near its limit when the writer checkpoints after a report past it', () => {
    expect(writeBehindCheckpoints(true, join(dir, 'b.db'), 3000)).toBeLessThan(2 * limitBytes);
  });

  it('leaves a WAL under the limit alone, and checkpoints one past it only once the writer is idle, after the turn', () => {
    const path = join(dir, 'c.db');
    const writer = new BetterSqlite3(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE t (v TEXT)');
    const later: (() => void)[] = [];
    const limit = new WalLimit(
      writer,
      limitBytes,
      () => !writer.inTransaction,
      (work) => later.push(work),
    );
    const published: WalRestartEvent[] = [];
    const onEvent = (m: unknown): void => {
      published.push(m as WalRestartEvent);
    };
    dc.subscribe(WAL_CHANNEL, onEvent);
    const file = statSync(path).size;
    // The worker's RESTART is published as such; under the limit, nothing runs here.
    limit.reported({ busy: 0, log: 3, checkpointed: 3, restartMs: 2 });
    expect(published).toEqual([{ by: 'worker', ms: 2, busy: false }]);
    limit.reported({ busy: 0, log: 3, checkpointed: 0 });
    limit.afterCommit();
    expect(later).toEqual([]);
    expect(statSync(path).size).toBe(file);
    // Past the limit while a transaction is open: nothing now, nor at the commit, only after its turn.
    writer.exec('BEGIN');
    limit.reported({ busy: 0, log: 1000, checkpointed: 0 });
    writer.exec('COMMIT');
    limit.afterCommit();
    limit.afterCommit();
    expect(statSync(path).size).toBe(file);
    expect(later).toHaveLength(1);
    later[0]?.();
    // The table's pages copied into the database file: the checkpoint ran, and was published.
    expect(statSync(path).size).toBeGreaterThan(file);
    expect(published.map((e) => e.by)).toEqual(['worker', 'writer']);
    dc.unsubscribe(WAL_CHANNEL, onEvent);
    writer.close();
  });

  it("publishes the writer's wait for its lock from 1 ms on, for the soak to tell a stall's cause", () => {
    const published: WalRestartEvent[] = [];
    const onEvent = (m: unknown): void => {
      published.push(m as WalRestartEvent);
    };
    dc.subscribe(WAL_CHANNEL, onEvent);
    publishLockWait(0.2);
    publishLockWait(3);
    dc.unsubscribe(WAL_CHANNEL, onEvent);
    expect(published).toEqual([{ by: 'lock-wait', ms: 3 }]);
  });
});
