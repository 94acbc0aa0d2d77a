import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { CheckpointWorker } from '../../../src/runtime/journal/checkpoint-worker.js';
import { openJournal } from '../../../src/runtime/journal/journal.js';
import type { WalCheckpointResult } from '../../../src/runtime/journal/wal-limit.js';
import { settings } from '../../machines/market/market-harness.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-ckpt-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const deal = (i: number) => ({
  type: 'feed.deal',
  deal: { dealId: i, orderId: 1000 + i, clientOrderId: '', side: 'buy', price: '99', amount: '1', fee: '0.1', feeAsset: 'DUSDT', time: i },
});

describe('checkpointing in a worker thread', () => {
  it('copies the WAL into the database file while this thread only appends, and the events read back after a reopen', async () => {
    const path = join(dir, 'journal.db');
    const journal = openJournal({ path, checkpointIn: 'worker', checkpointIntervalMs: 20 });
    journal.beginMarketRun(settings());
    const before = statSync(path).size;
    for (let i = 0; i < 400; i += 1) journal.appendMarketEvent('DBTC_DUSDT', deal(i));
    // Nothing on this thread checkpoints (autocheckpoint is off): the file grows only through the worker.
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(before), { timeout: 5000, interval: 20 });
    journal.close();
    const again = openJournal({ path, checkpointIntervalMs: 0 });
    expect(again.lastMarketRun('DBTC_DUSDT')?.events).toHaveLength(400);
    again.close();
  });

  it('starts the WAL over from the worker once it passes restartBytes, with nothing checkpointing on this thread', async () => {
    const path = join(dir, 'w.db');
    const writer = new BetterSqlite3(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.pragma('busy_timeout = 5000');
    writer.exec('CREATE TABLE t (v TEXT)');
    const insert = writer.prepare('INSERT INTO t (v) VALUES (?)');
    const reports: WalCheckpointResult[] = [];
    const worker = new CheckpointWorker(path, 5, (r) => reports.push(r), 64 * 1024);
    // The WAL past 64 KiB, then frames and reports until one shows it started over (fewer frames than before).
    const restarted = (): boolean => reports.some((r, i) => i > 0 && r.log < (reports[i - 1]?.log ?? 0));
    for (let i = 0; i < 20_000 && !restarted(); i += 1) {
      writer.exec('BEGIN IMMEDIATE');
      insert.run('x'.repeat(1000));
      writer.exec('COMMIT');
      await new Promise((r) => setImmediate(r));
    }
    worker.stop();
    expect(restarted()).toBe(true);
    writer.close();
  });

  // A connection left open by the worker after the journal closed kept (or, from a worker still starting,
  // created) the -wal and -shm files: a test's directory removal then failed with ENOTEMPTY in CI.
  it('waitClosed returns once the worker closed its connection, the last one, so the -wal and -shm files are gone', async () => {
    const path = join(dir, 'c.db');
    const writer = new BetterSqlite3(path);
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE t (v TEXT)');
    writer.prepare('INSERT INTO t (v) VALUES (?)').run('x');
    let reported!: () => void;
    const first = new Promise<void>((resolve) => (reported = resolve));
    const worker = new CheckpointWorker(path, 5, () => reported());
    await first; // the worker's connection is open
    writer.close(); // not the last connection: the WAL files stay for the worker's
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(worker.waitClosed()).toBe(true);
    expect(readdirSync(dir)).toEqual(['c.db']);
  });

  it('a journal with a checkpoint worker leaves only its file once closed, even closed at once', () => {
    const path = join(dir, 'j.db');
    openJournal({ path, checkpointIn: 'worker', checkpointIntervalMs: 20 }).close();
    expect(readdirSync(dir)).toEqual(['j.db']);
    rmSync(dir, { recursive: true });
  });
});
