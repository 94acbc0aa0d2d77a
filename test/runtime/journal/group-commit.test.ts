/**
 * Group commit (journal.ts, turn-order.ts rules 2–4): what another connection sees of appends in and
 * out of a batch, the lag timer, fail-stop, and reporting rows merged per order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AnyEventObject } from 'xstate';
import type { OrderIntent } from '../../../src/grid/index.js';
import { JournalFailedError } from '../../../src/runtime/journal/journal-errors.js';
import { type Journal, openJournal } from '../../../src/runtime/journal/journal.js';
import { cid } from '../../grid/ledger-support.js';
import { settings } from '../../machines/market/market-harness.js';

const MARKET = 'DBTC_DUSDT';
let dir = '';
const cleanup: (() => void)[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-journal-'));
});
afterEach(() => {
  for (const c of cleanup.splice(0).reverse()) c();
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

function open(name = 'journal.db', commitLagMs = 50): { j: Journal; events: () => number } {
  const path = join(dir, name);
  const j = openJournal({ path, now: () => 1_700_000_000_000, checkpointIntervalMs: 0, commitLagMs });
  const reader = new BetterSqlite3(path, { readonly: true });
  cleanup.push(() => j.close(), () => reader.close());
  j.beginMarketRun(settings());
  return { j, events: () => reader.prepare('SELECT count(*) FROM events').pluck().get() as number };
}

const price = (p: string): AnyEventObject => ({ type: 'connection.up', p });

describe('journal group commit', () => {
  it('commits an append outside a batch before it returns, one inside a batch only at commit', () => {
    const { j, events } = open();
    j.appendMarketEvent(MARKET, price('1'));
    expect(events()).toBe(1);
    j.openBatch();
    j.appendMarketEvent(MARKET, price('2'));
    j.appendMarketEvent(MARKET, price('3'));
    expect(events()).toBe(1);
    j.closeBatch();
    j.commit();
    expect(events()).toBe(3);
    expect(j.lastMarketRun(MARKET)?.events.map((e) => (e as { p?: string }).p)).toEqual(['1', '2', '3']);
  });

  it('leaves a batch that needed no commit to the lag timer, or to the next append outside a batch', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { j, events } = open();
    j.openBatch();
    j.appendMarketEvent(MARKET, price('1'));
    j.closeBatch();
    expect(events()).toBe(0);
    vi.advanceTimersByTime(49);
    expect(events()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(events()).toBe(1);

    j.openBatch();
    j.appendMarketEvent(MARKET, price('2'));
    j.closeBatch();
    j.appendMarketEvent(MARKET, price('3')); // a REST answer: delivered once committed, with what was open
    expect(events()).toBe(3);
  });

  it('fail-stop: when SQLite rolled the open batch back, the commit fails and every later write refuses', () => {
    const { j, events } = open();
    j.appendMarketEvent(MARKET, price('1'));
    j.openBatch();
    j.appendMarketEvent(MARKET, price('2'));
    // What an I/O error or a full disk does to an open transaction.
    (j as unknown as { db: BetterSqlite3.Database }).db.exec('ROLLBACK');
    expect(() => j.appendMarketEvent(MARKET, price('3'))).toThrow(JournalFailedError);
    j.closeBatch();
    expect(() => j.commit()).toThrow(JournalFailedError);
    expect(j.failed).toBe(true);
    expect(() => j.appendMarketEvent(MARKET, price('4'))).toThrow(JournalFailedError);
    expect(() => j.openBatch()).toThrow(JournalFailedError);
    j.close();
    expect(events()).toBe(1);
  });

  it('fail-stop: a COMMIT that throws fails the journal and rolls the batch back', () => {
    const { j, events } = open();
    j.openBatch();
    j.appendMarketEvent(MARKET, price('1'));
    (j as unknown as { commitTx: { run(): void } }).commitTx = {
      run() {
        throw new Error('disk I/O error');
      },
    };
    j.closeBatch();
    expect(() => j.commit()).toThrow(/a commit failed.*disk I\/O error/);
    expect(() => j.appendMarketEvent(MARKET, price('2'))).toThrow(JournalFailedError);
    j.close();
    expect(events()).toBe(0);
  });
});

describe('reporting rows written in one go', () => {
  const id = (level: number, side: 'buy' | 'sell', seq: number) => cid(level, side, seq, { botId: 'tb', market: MARKET });
  const intent = (level: number, side: 'buy' | 'sell', seq: number): OrderIntent => ({
    market: MARKET,
    clientOrderId: id(level, side, seq),
    level,
    side,
    price: side === 'buy' ? '59800' : '60200',
    amount: '0.001',
    origin: 'plan',
  });
  const deal = (dealId: number, clientOrderId: string, orderId: number) => ({
    dealId, orderId, clientOrderId, side: 'buy', price: '59800', amount: '0.001', fee: '0.03', feeAsset: 'DUSDT', time: 1_700_000_000.5,
  });
  const a = id(1, 'buy', 100);
  const b = id(0, 'buy', 101);
  const r = id(3, 'sell', 102);
  const u = id(2, 'buy', 103);
  type Step = (j: Journal) => void;
  const steps: Step[] = [
    (j) => j.recordIntents(MARKET, [intent(1, 'buy', 100), intent(0, 'buy', 101), intent(3, 'sell', 102)]),
    (j) => j.appendMarketEvent(MARKET, {
      type: 'xstate.done.actor.placeBatch',
      output: [
        { kind: 'placed', clientOrderId: a, orderId: 501, dealStock: '0', left: '0.001' },
        { kind: 'notSent', clientOrderId: b, reason: 'HTTP 503' },
        { kind: 'rejected', clientOrderId: r, reason: 'post-only would take' },
      ],
    }),
    (j) => j.recordIntents(MARKET, [intent(0, 'buy', 101), intent(2, 'buy', 103)]),
    (j) => j.appendMarketEvent(MARKET, { type: 'desk.result', outcomes: [{ kind: 'unknown', clientOrderId: b, reason: 'timeout' }, { kind: 'placed', clientOrderId: u, orderId: 503, dealStock: '0', left: '0.001' }], fatal: null }),
    (j) => j.appendMarketEvent(MARKET, { type: 'feed.deal', deal: deal(1, a, 501) }),
    (j) => j.appendMarketEvent(MARKET, { type: 'feed.order', update: { orderId: 501, clientOrderId: a, side: 'buy', price: '59800', amount: '0.001', left: '0', dealStock: '0.001', final: true } }),
    (j) => j.appendMarketEvent(MARKET, { type: 'feed.order', update: { orderId: 501, clientOrderId: a, side: 'buy', price: '59800', amount: '0.001', left: '0.0005', dealStock: '0.0005', final: false } }),
    (j) => j.appendMarketEvent(MARKET, { type: 'xstate.done.actor.cancelOrders', output: [{ orderId: 503, ok: true, reason: null }] }),
    (j) => j.recordIntents(MARKET, [intent(2, 'buy', 103)]),
  ];
  const tables = (path: string) => {
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      return {
        orders: db.prepare('SELECT client_order_id, order_id, level, side, price, amount, status, reason FROM orders ORDER BY client_order_id').all(),
        fills: db.prepare('SELECT deal_id, client_order_id FROM fills ORDER BY deal_id').all(),
      };
    } finally {
      db.close();
    }
  };

  it('merges an order’s reports into the rows they would have made one by one', () => {
    const one = open('one.db');
    const all = open('all.db');
    for (const s of steps) {
      s(one.j);
      one.j.sync();
      s(all.j);
    }
    all.j.sync();
    const expected = tables(join(dir, 'one.db'));
    expect(expected.orders).toContainEqual(expect.objectContaining({ client_order_id: b, status: 'unknown', reason: 'timeout' }));
    expect(tables(join(dir, 'all.db'))).toEqual(expected);
    expect(expected.orders).toContainEqual(expect.objectContaining({ client_order_id: a, status: 'filled', order_id: 501 }));
    expect(expected.orders).toContainEqual(expect.objectContaining({ client_order_id: r, status: 'rejected', reason: 'post-only would take' }));
    expect(expected.orders).toContainEqual(expect.objectContaining({ client_order_id: u, status: 'cancelled' }));
  });
});
