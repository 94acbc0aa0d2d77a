import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fill, OrderIntent } from '../../../src/grid/index.js';
import { DerivedTables, KNOWN_CAP } from '../../../src/runtime/journal/derived-tables.js';
import { type Journal, openJournal } from '../../../src/runtime/journal/journal.js';
import { prepareSchema } from '../../../src/runtime/journal/schema.js';
import { settings } from '../../machines/market/market-harness.js';
import { cid } from '../../grid/ledger-support.js';
import { MARKET, runScenario, scenarioInput, startJournaledMarket } from './market-scenario.js';

let dir = '';
let journal: Journal | undefined;
let reader: BetterSqlite3.Database | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridbot-journal-'));
});
afterEach(() => {
  reader?.close();
  journal?.close();
  reader = undefined;
  journal = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A journal on a file, and a second (read-only) connection to look at its tables, as a report would.
 * Reporting rows are written after the turn and committed later (the runtime's after-turn phase and
 * the journal's lag timer): each query here first syncs the journal, as those would have by then.
 */
function open(): { j: Journal; db: Pick<BetterSqlite3.Database, 'prepare'> } {
  const path = join(dir, 'journal.db');
  const j = openJournal({ path, now: () => 1_700_000_000_000 });
  const r = new BetterSqlite3(path, { readonly: true });
  journal = j;
  reader = r;
  return {
    j,
    db: {
      prepare: (sql: string) => {
        j.sync();
        return r.prepare(sql);
      },
    },
  };
}

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
const deal = (dealId: number, clientOrderId: string, orderId = 501): Fill => ({
  dealId,
  orderId,
  clientOrderId,
  side: 'buy',
  price: '59800',
  amount: '0.0005',
  fee: '0.0299',
  feeAsset: 'DUSDT',
  time: 1_700_000_000.25,
});

describe('derived tables', () => {
  it('derives at the next open the rows of events a killed run journaled but never reported, and only those', () => {
    const path = join(dir, 'journal.db');
    const killed = openJournal({ path, now: () => 1_700_000_000_000 });
    killed.beginMarketRun(settings());
    const c = id(1, 'buy', 100);
    killed.appendMarketEvent(MARKET, { type: 'feed.deal', deal: deal(9, c) });
    killed.sync(); // deal 9 reported
    killed.openBatch();
    killed.appendMarketEvent(MARKET, { type: 'feed.deal', deal: deal(10, c) });
    killed.closeBatch();
    killed.commit(); // deal 10 committed as an event; its reporting write never happens (SIGKILL)
    const r = new BetterSqlite3(path, { readonly: true });
    reader = r;
    const fills = () => r.prepare('SELECT deal_id FROM fills ORDER BY deal_id').pluck().all();
    expect(fills()).toEqual([9]);
    const next = openJournal({ path, now: () => 1_700_000_001_000, isAlive: () => false });
    journal = next;
    expect(fills()).toEqual([9, 10]);
    next.close();
    journal = openJournal({ path, now: () => 1_700_000_002_000 }); // nothing left after the mark: no row twice
    expect(fills()).toEqual([9, 10]);
  });

  it('keeps one fill per deal id, however often the deal is reported', () => {
    const { j, db } = open();
    j.beginMarketRun(settings());
    const c = id(1, 'buy', 100);
    j.appendMarketEvent(MARKET, { type: 'feed.deal', deal: deal(9, c) });
    j.appendMarketEvent(MARKET, { type: 'feed.deal', deal: deal(9, c) });
    j.appendMarketEvent(MARKET, { type: 'xstate.done.actor.fetchExchange', output: { openOrders: [], deals: [deal(9, c), deal(10, c)] } });
    // A fill of an order that is not ours (a manual order) is no fill of the bot's.
    j.appendMarketEvent(MARKET, { type: 'feed.deal', deal: deal(11, 'manual-1', 999) });
    const rows = db.prepare('SELECT deal_id, client_order_id, price, amount, fee, fee_asset, time FROM fills ORDER BY deal_id').all();
    expect(rows).toEqual([
      { deal_id: 9, client_order_id: c, price: '59800', amount: '0.0005', fee: '0.0299', fee_asset: 'DUSDT', time: 1_700_000_000.25 },
      { deal_id: 10, client_order_id: c, price: '59800', amount: '0.0005', fee: '0.0299', fee_asset: 'DUSDT', time: 1_700_000_000.25 },
    ]);
    // The event log itself keeps everything, duplicates included: it is what replay needs.
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(4);
  });

  it('moves an order forward only: sending → live → filled, and a late update does not revive it', () => {
    const { j, db } = open();
    j.beginMarketRun(settings());
    const c = id(1, 'buy', 100);
    const status = () => db.prepare('SELECT status, order_id, level, side, price, amount FROM orders WHERE client_order_id = ?').get(c);
    j.recordIntents(MARKET, [intent(1, 'buy', 100)]);
    expect(status()).toEqual({ status: 'sending', order_id: null, level: 1, side: 'buy', price: '59800', amount: '0.001' });
    j.appendMarketEvent(MARKET, {
      type: 'desk.result',
      outcomes: [{ kind: 'placed', clientOrderId: c, orderId: 501, dealStock: '0', left: '0.001' }],
      fatal: null,
    });
    expect(status()).toMatchObject({ status: 'live', order_id: 501 });
    const update = { orderId: 501, clientOrderId: c, side: 'buy', price: '59800', amount: '0.001', left: '0', dealStock: '0.001', final: true };
    j.appendMarketEvent(MARKET, { type: 'feed.order', update });
    expect(status()).toMatchObject({ status: 'filled' });
    j.appendMarketEvent(MARKET, { type: 'feed.order', update: { ...update, left: '0.0005', dealStock: '0.0005', final: false } });
    j.appendMarketEvent(MARKET, { type: 'feed.deal', deal: deal(12, c) });
    expect(status()).toMatchObject({ status: 'filled', order_id: 501 });
  });

  it('writes an order this process wrote before again when its row is gone (it updates known rows, inserting what it does not find)', () => {
    const { j, db } = open();
    j.beginMarketRun(settings());
    const c = id(1, 'buy', 100);
    const status = () => db.prepare('SELECT status, order_id, level FROM orders WHERE client_order_id = ?').get(c);
    j.recordIntents(MARKET, [intent(1, 'buy', 100)]);
    expect(status()).toMatchObject({ status: 'sending' });
    // As a write that never committed would leave it: this process believes the row stored.
    const writer = new BetterSqlite3(join(dir, 'journal.db'));
    writer.prepare('DELETE FROM orders WHERE client_order_id = ?').run(c);
    writer.close();
    j.appendMarketEvent(MARKET, {
      type: 'desk.result',
      outcomes: [{ kind: 'placed', clientOrderId: c, orderId: 501, dealStock: '0', left: '0.001' }],
      fatal: null,
    });
    expect(status()).toEqual({ status: 'live', order_id: 501, level: 1 });
  });

  it('records not-sent, unknown, found on reconcile and cancelled, and keeps a rejection', () => {
    const { j, db } = open();
    j.beginMarketRun(settings());
    const a = id(0, 'buy', 101);
    const r = id(3, 'sell', 102);
    const status = (c: string) => db.prepare('SELECT status FROM orders WHERE client_order_id = ?').pluck().get(c);
    j.recordIntents(MARKET, [intent(0, 'buy', 101), intent(3, 'sell', 102)]);
    j.appendMarketEvent(MARKET, {
      type: 'xstate.done.actor.placeBatch',
      output: [
        { kind: 'notSent', clientOrderId: a, reason: 'HTTP 503' },
        { kind: 'rejected', clientOrderId: r, reason: 'post-only would take' },
      ],
    });
    expect([status(a), status(r)]).toEqual(['notSent', 'rejected']);
    j.recordIntents(MARKET, [intent(0, 'buy', 101), intent(3, 'sell', 102)]);
    expect([status(a), status(r)]).toEqual(['sending', 'rejected']);
    j.appendMarketEvent(MARKET, { type: 'desk.result', outcomes: [{ kind: 'unknown', clientOrderId: a, reason: 'timeout' }], fatal: null });
    expect(status(a)).toBe('unknown');
    const resting = { orderId: 777, clientOrderId: a, side: 'buy', price: '59800', amount: '0.001', left: '0.001', dealStock: '0' };
    j.appendMarketEvent(MARKET, { type: 'xstate.done.actor.fetchExchange', output: { openOrders: [resting], deals: [] } });
    expect(status(a)).toBe('live');
    j.appendMarketEvent(MARKET, { type: 'xstate.done.actor.cancelOrders', output: [{ orderId: 777, ok: true, reason: null }] });
    expect(status(a)).toBe('cancelled');
    // The cached state of the order (changed in place, issue 13) knows it is cancelled: a late update does not revive it.
    j.appendMarketEvent(MARKET, { type: 'feed.order', update: { ...resting, final: false } });
    expect(status(a)).toBe('cancelled');
    expect(db.prepare('SELECT reason FROM orders WHERE client_order_id = ?').pluck().get(r)).toBe('post-only would take');
  });

  it('a reconcile snapshot closes the live orders that are no longer open: filled when the fills cover them, else cancelled', () => {
    const { j, db } = open();
    j.beginMarketRun(settings());
    const filled = id(1, 'buy', 110);
    const gone = id(0, 'buy', 111);
    const open1 = id(3, 'sell', 112);
    const status = (c: string) => db.prepare('SELECT status FROM orders WHERE client_order_id = ?').pluck().get(c);
    j.recordIntents(MARKET, [intent(1, 'buy', 110), intent(0, 'buy', 111), intent(3, 'sell', 112)]);
    j.appendMarketEvent(MARKET, {
      type: 'xstate.done.actor.placeBatch',
      output: [filled, gone, open1].map((c, i) => ({ kind: 'placed', clientOrderId: c, orderId: 600 + i, dealStock: '0', left: '0.001' })),
    });
    expect([status(filled), status(gone), status(open1)]).toEqual(['live', 'live', 'live']);
    // The bot was down: `filled` filled in two deals, `gone` was cancelled (its kill-switch fired), `open1` still rests.
    const resting = { orderId: 602, clientOrderId: open1, side: 'sell', price: '60200', amount: '0.001', left: '0.001', dealStock: '0' };
    j.appendMarketEvent(MARKET, {
      type: 'xstate.done.actor.fetchExchange',
      output: { openOrders: [resting], deals: [deal(20, filled, 600), deal(21, filled, 600)] },
    });
    expect([status(filled), status(gone), status(open1)]).toEqual(['filled', 'cancelled', 'live']);
  });

  it('fills orders, fills, transitions and PnL from a journaled market run', async () => {
    const { j, db } = open();
    const m = startJournaledMarket(j, scenarioInput());
    await runScenario(m);
    m.h.actor.stop();
    m.flush();
    const deals = db.prepare('SELECT deal_id FROM fills ORDER BY deal_id').pluck().all();
    expect(deals).toEqual([1, 2, 3, 4, 5]);
    const statuses = db.prepare('SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY status').all() as { status: string; n: number }[];
    expect(statuses.map((s) => s.status)).toEqual(expect.arrayContaining(['filled', 'live']));
    // Every live order of the book is live in the table.
    const book = m.h.context().book;
    for (const o of book?.orders.values() ?? []) {
      if (o.state === 'live') expect(db.prepare('SELECT status FROM orders WHERE client_order_id = ?').pluck().get(o.clientOrderId)).toBe('live');
    }
    const tos = db.prepare('SELECT to_state FROM transitions ORDER BY id').pluck().all() as string[];
    expect(tos[0]).toBe('lifecycle.init.loading | killSwitch.off');
    expect(tos).toContain('lifecycle.reconnecting | killSwitch.armed.waiting');
    expect(tos.at(-1)).toMatch(/^lifecycle\.running/);
    const pnl = db.prepare('SELECT realised, fees, inventory FROM pnl WHERE market = ?').get(MARKET);
    expect(pnl).toEqual({
      realised: book?.pnl.realisedQuote.toFixed(),
      fees: book?.pnl.feesQuote.toFixed(),
      inventory: book?.pnl.inventoryBase.toFixed(),
    });
    // Money is text, never REAL.
    expect(db.prepare("SELECT count(*) FROM fills WHERE typeof(price) <> 'text' OR typeof(amount) <> 'text'").pluck().get()).toBe(0);
  });
});

describe('reporting rows written in one go', () => {
  const a = id(1, 'buy', 100);
  const b = id(0, 'buy', 101);
  const r = id(3, 'sell', 102);
  const u = id(2, 'buy', 103);
  type Step = (j: Journal) => void;
  const steps: Step[] = [
    (j) => j.recordIntents(MARKET, [intent(1, 'buy', 100), intent(0, 'buy', 101), intent(3, 'sell', 102)]),
    (j) =>
      j.appendMarketEvent(MARKET, {
        type: 'xstate.done.actor.placeBatch',
        output: [
          { kind: 'placed', clientOrderId: a, orderId: 501, dealStock: '0', left: '0.001' },
          { kind: 'notSent', clientOrderId: b, reason: 'HTTP 503' },
          { kind: 'rejected', clientOrderId: r, reason: 'post-only would take' },
        ],
      }),
    (j) => j.recordIntents(MARKET, [intent(0, 'buy', 101), intent(2, 'buy', 103)]),
    (j) =>
      j.appendMarketEvent(MARKET, {
        type: 'desk.result',
        outcomes: [
          { kind: 'unknown', clientOrderId: b, reason: 'timeout' },
          { kind: 'placed', clientOrderId: u, orderId: 503, dealStock: '0', left: '0.001' },
        ],
        fatal: null,
      }),
    (j) => j.appendMarketEvent(MARKET, { type: 'feed.deal', deal: deal(1, a, 501) }),
    (j) =>
      j.appendMarketEvent(MARKET, {
        type: 'feed.order',
        update: { orderId: 501, clientOrderId: a, side: 'buy', price: '59800', amount: '0.001', left: '0', dealStock: '0.001', final: true },
      }),
    (j) =>
      j.appendMarketEvent(MARKET, {
        type: 'feed.order',
        update: { orderId: 501, clientOrderId: a, side: 'buy', price: '59800', amount: '0.001', left: '0.0005', dealStock: '0.0005', final: false },
      }),
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
    const one = openJournal({ path: join(dir, 'one.db'), now: () => 1_700_000_000_000 });
    const all = openJournal({ path: join(dir, 'all.db'), now: () => 1_700_000_000_000 });
    one.beginMarketRun(settings());
    all.beginMarketRun(settings());
    for (const s of steps) {
      s(one);
      one.sync();
      s(all);
    }
    one.close();
    all.close();
    const expected = tables(join(dir, 'one.db'));
    expect(expected.orders).toContainEqual(expect.objectContaining({ client_order_id: b, status: 'unknown', reason: 'timeout' }));
    expect(tables(join(dir, 'all.db'))).toEqual(expected);
    expect(expected.orders).toContainEqual(expect.objectContaining({ client_order_id: a, status: 'filled', order_id: 501 }));
    expect(expected.orders).toContainEqual(expect.objectContaining({ client_order_id: r, status: 'rejected', reason: 'post-only would take' }));
    expect(expected.orders).toContainEqual(expect.objectContaining({ client_order_id: u, status: 'cancelled' }));
  });
});

describe('the cache of known orders', () => {
  // Issue 13: every cache has a cap. Past KNOWN_CAP orders the oldest is forgotten, and its row is read back when it is reported again.
  it('keeps at most KNOWN_CAP orders, and updates the rows of one it forgot by what the table says', () => {
    const db = new BetterSqlite3(':memory:');
    try {
      prepareSchema(db, 0);
      const tables = new DerivedTables(db);
      const stamp = { runId: 1, market: MARKET, at: 1_700_000_000_000 };
      const row = db.prepare('SELECT status, order_id, amount FROM orders WHERE client_order_id = ?');
      const filled = id(1, 'buy', 0);
      const live = id(2, 'sell', 1);
      tables.recordIntents(stamp, [intent(1, 'buy', 0), intent(2, 'sell', 1)]);
      tables.applyEvent(stamp, {
        type: 'desk.result',
        outcomes: [
          { kind: 'placed', clientOrderId: filled, orderId: 501, dealStock: '0', left: '0.001' },
          { kind: 'placed', clientOrderId: live, orderId: 502, dealStock: '0', left: '0.001' },
        ],
        fatal: null,
      });
      const final = { orderId: 501, clientOrderId: filled, side: 'buy', price: '59800', amount: '0.001', left: '0', dealStock: '0.001', final: true };
      tables.applyEvent(stamp, { type: 'feed.order', update: final });
      tables.flush();
      // As many orders again as the cache holds, flushed in slices as the journal writes them.
      for (let seq = 2; seq < KNOWN_CAP + 2; seq += 1) {
        tables.recordIntents(stamp, [intent(3 + (seq % 20), 'buy', seq)]);
        if (seq % 64 === 0) tables.flush();
      }
      tables.flush();
      expect(tables.knownOrders).toBe(KNOWN_CAP);
      expect(db.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(KNOWN_CAP + 2);
      // The two first orders are the ones forgotten: a late update does not revive the filled one, a final one ends the live one.
      tables.applyEvent(stamp, { type: 'feed.order', update: { ...final, left: '0.0005', dealStock: '0.0005', final: false } });
      tables.applyEvent(stamp, { type: 'feed.deal', deal: deal(7, filled, 501) });
      tables.applyEvent(stamp, {
        type: 'feed.order',
        update: { orderId: 502, clientOrderId: live, side: 'sell', price: '60200', amount: '0.001', left: '0.001', dealStock: '0', final: true },
      });
      tables.flush();
      expect(row.get(filled)).toEqual({ status: 'filled', order_id: 501, amount: '0.001' });
      expect(row.get(live)).toEqual({ status: 'cancelled', order_id: 502, amount: '0.001' });
      expect(db.prepare('SELECT deal_id, client_order_id FROM fills').all()).toEqual([{ deal_id: 7, client_order_id: filled }]);
      expect(tables.knownOrders).toBe(KNOWN_CAP);
    } finally {
      db.close();
    }
  });
});
