import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../../src/runtime/journal/journal.js';
import { settings } from '../../machines/market/market-harness.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-wal-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const deal = (i: number) => ({
  type: 'feed.deal',
  deal: { dealId: i, orderId: 1000 + i, clientOrderId: '', side: 'buy', price: '99', amount: '1', fee: '0.1', feeAsset: 'DUSDT', time: i },
});

describe('the WAL under commits that never pause', () => {
  it('stays near its limit when every checkpoint of another connection lands while a transaction is open', () => {
    const path = join(dir, 'journal.db');
    const limit = 256 * 1024;
    // A timer that never fires here: the other connection plays the checkpoint worker, deterministically.
    const journal = openJournal({ path, checkpointIntervalMs: 3_600_000, walLimitBytes: limit, walCheckEvery: 16 });
    const worker = new BetterSqlite3(path);
    worker.pragma('busy_timeout = 0');
    journal.beginMarketRun(settings());
    let largest = 0;
    for (let i = 0; i < 3000; i += 1) {
      journal.openBatch();
      journal.appendMarketEvent('DBTC_DUSDT', deal(i));
      if (i % 10 === 0) worker.pragma('wal_checkpoint(PASSIVE)');
      journal.commit();
      journal.closeBatch();
      largest = Math.max(largest, statSync(`${path}-wal`).size);
    }
    worker.close();
    // Without the writer's own checkpoint the WAL never starts over: several MiB after 3000 commits.
    expect(largest).toBeLessThan(2 * limit);
    journal.close();
    const again = openJournal({ path, checkpointIntervalMs: 0 });
    expect(again.lastMarketRun('DBTC_DUSDT')?.events).toHaveLength(3000);
    again.close();
  });
});
