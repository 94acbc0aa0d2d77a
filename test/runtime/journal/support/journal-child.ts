/**
 * A bot process for the cross-process tests: opens the journal given as argv[2], reports
 * `open <pid>`, then either appends deal events forever, reporting `ack <n>` after each one is
 * committed (`append`), or just holds the journal (`hold`). The parent SIGKILLs it. With `tail` as
 * argv[4], commits go to the journal's tail file (journal.ts option `tail`) and are never filed
 * into SQLite before the kill (a lag of an hour).
 */
import { openJournal } from '../../../../src/runtime/journal/journal.js';
import { settings } from '../../../machines/market/market-harness.js';

const [path, mode, tail] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: journal-child <path> append|hold [tail]');
const journal = openJournal(tail === 'tail' ? { path, tail: true, commitLagMs: 3_600_000 } : { path });
journal.beginMarketRun(settings());
process.stdout.write(`open ${process.pid}\n`);

if (mode === 'append') {
  for (let n = 0; ; n += 1) {
    journal.appendMarketEvent('DBTC_DUSDT', {
      type: 'feed.deal',
      deal: { dealId: n, orderId: 7, clientOrderId: '', side: 'buy', price: '59800', amount: '0.001', fee: '0', feeAsset: 'DUSDT', time: n },
    });
    // Written after the commit returned: every acknowledged event is in the WAL.
    process.stdout.write(`ack ${n}\n`);
  }
} else {
  setInterval(() => {}, 60_000);
}
