/**
 * The write-ahead promise under group commit, end to end: when the exchange receives a fill's
 * counter-order, the fill's event is already committed to the journal (read from another
 * connection, which sees committed data only). A batch that held nothing would be committed only by
 * the journal's lag timer, long after the simulator (in this process) saw the request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeClientOrderId } from '../../src/grid/index.js';
import { type Journal, openJournal } from '../../src/runtime/journal/index.js';
import { AMOUNT, BOT_ACCOUNT, type Bench, LEVEL_PRICE, PLAN, startBench } from './harness.js';

let bench: Bench | undefined;
let journal: Journal | undefined;
let reader: BetterSqlite3.Database | undefined;
let dir = '';
afterEach(async () => {
  await bench?.close();
  journal?.close();
  reader?.close();
  bench = undefined;
  journal = undefined;
  reader = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('journal group commit against the simulator', () => {
  it('a fill is committed before the exchange receives its counter-order', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gridbot-wal-'));
    const path = join(dir, 'journal.db');
    // A long lag: only a commit something needed can make the fill visible in time.
    journal = openJournal({ path, checkpointIntervalMs: 0, commitLagMs: 60_000 });
    const r = new BetterSqlite3(path, { readonly: true });
    reader = r;
    const b = await startBench({ journal });
    bench = b;
    await b.until('the plan resting and the market running', () => b.openOrders().length === PLAN.length && b.state().startsWith('running'));

    const committedDeals = (): number => r.prepare("SELECT count(*) FROM events WHERE type = 'feed.deal'").pluck().get() as number;
    const seen: number[] = [];
    b.sim.onEvent((e) => {
      if (e.type !== 'order' || e.accountId !== BOT_ACCOUNT || e.event !== 1) return;
      const id = decodeClientOrderId(e.order.clientOrderId);
      if (id.kind === 'ours' && id.level === 2) seen.push(committedDeals());
    });
    expect(committedDeals()).toBe(0);
    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    await b.until('a sell at level 2', () => b.byLevel().get(2)?.[0]);
    expect(seen).toEqual([1]);
    expect(b.violations).toEqual([]);
  });
});
