import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openJournal } from '../../../src/runtime/journal/journal.js';
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
});
