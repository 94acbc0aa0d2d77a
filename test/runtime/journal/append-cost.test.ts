/**
 * Measures what one journal append costs on this machine (WAL, synchronous=NORMAL, a real file),
 * and logs it. No timing assertion (PERF.md): the figure is for the report and the bench.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalClosedError, JournalUsageError } from '../../../src/runtime/journal/journal-errors.js';
import { openJournal } from '../../../src/runtime/journal/journal.js';
import { cid } from '../../grid/ledger-support.js';
import { settings } from '../../machines/market/market-harness.js';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

describe('journal append', () => {
  it('costs tens of µs per event (logged, not asserted)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridbot-journal-'));
    try {
      // Checkpoints run from the journal's timer, between events; this loop never yields to it.
      const journal = openJournal({ path: join(dir, 'journal.db') });
      journal.beginMarketRun(settings());
      const clientOrderId = cid(1, 'buy', 100, { botId: 'tb', market: 'DBTC_DUSDT' });
      const samples: number[] = [];
      const n = 4000;
      for (let i = 0; i < n; i += 1) {
        const event =
          i % 2 === 0
            ? {
                type: 'feed.deal',
                deal: {
                  dealId: i,
                  orderId: 501,
                  clientOrderId,
                  side: 'buy',
                  price: '59800.12',
                  amount: '0.0005',
                  fee: '0.0299',
                  feeAsset: 'DUSDT',
                  time: 1_700_000_000.25,
                },
              }
            : {
                type: 'feed.order',
                update: { orderId: 501, clientOrderId, side: 'buy', price: '59800.12', amount: '0.001', left: '0.0005', dealStock: '0.0005', final: false },
              };
        const t0 = process.hrtime.bigint();
        journal.appendMarketEvent('DBTC_DUSDT', event);
        samples.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
      journal.close();
      const warm = samples.slice(500).sort((a, b) => a - b);
      const line = `journal append (file, WAL, synchronous=NORMAL, event + derived rows): p50 ${percentile(warm, 0.5).toFixed(1)} µs, p99 ${percentile(warm, 0.99).toFixed(1)} µs, max ${percentile(warm, 1).toFixed(1)} µs over ${warm.length}`;
      console.log(line);
      expect(warm.length).toBe(n - 500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an event of a market whose run was not begun, and any call after close', () => {
    const journal = openJournal({ path: ':memory:' });
    expect(() => journal.appendMarketEvent('DBTC_DUSDT', { type: 'connection.up' })).toThrow(JournalUsageError);
    journal.close();
    expect(() => journal.beginMarketRun(settings())).toThrow(JournalClosedError);
    journal.close(); // idempotent
  });
});
