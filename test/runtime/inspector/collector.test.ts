/**
 * Issue 6: the inspector stays off the hot path and scales to 500 markets. `inspect` only buffers;
 * a tick turns the batch into records, coalescing each market's context to one record, and the
 * server sends one bounded delta per tick.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyActorRef } from 'xstate';
import { InspectionCollector } from '../../../src/runtime/inspector/collector.js';
import { type Inspector, startInspector } from '../../../src/runtime/inspector/inspector.js';
import { InspectorModel } from '../../../src/runtime/inspector/model.js';
import { jsonSafe } from '../../../src/runtime/inspector/records.js';
import { D } from '../../../src/grid/index.js';
import type { MarketEmitted } from '../../../src/machines/market/market.emitted.js';
import { observedInertMarkets, sseClient, startInertMarkets } from './support.js';

let actors: AnyActorRef[] = [];
let inspector: Inspector | null = null;

afterEach(async () => {
  for (const a of actors) a.stop();
  actors = [];
  await inspector?.close();
  inspector = null;
});

describe('InspectionCollector', () => {
  it('only buffers inside inspect: no record exists until the tick flushes', () => {
    const c = new InspectionCollector({ now: () => 1 });
    actors = startInertMarkets(3, c.inspect);
    for (const a of actors) a.send({ type: 'feed.price', price: '100' });
    expect(c.buffered).toBeGreaterThan(10);
    const records = c.flush();
    expect(c.buffered).toBe(0);
    expect(records.filter((r) => r.k === 'actor').map((r) => r.id)).toEqual(['market:M0_USDT', 'market:M1_USDT', 'market:M2_USDT']);
    const states = records.filter((r) => r.k === 'state');
    expect(states.map((r) => r.k === 'state' && r.state)).toEqual(['init.loading', 'init.loading', 'init.loading']);
    const first = states[0];
    expect(first?.k === 'state' && first.active).toContain('market.lifecycle.init.loading');
    expect(c.flush()).toEqual([]);
  });

  it('coalesces a market context to one record per tick, whatever the number of events', () => {
    let t = 0;
    const c = new InspectionCollector({ now: () => ++t });
    actors = startInertMarkets(2, c.inspect);
    c.flush();
    for (let i = 0; i < 50; i++) for (const a of actors) a.send({ type: 'feed.price', price: String(100 + i) });
    const records = c.flush();
    const market = records.filter((r) => r.k === 'market');
    expect(market).toHaveLength(2);
    expect(market.map((r) => r.k === 'market' && r.price)).toEqual(['149', '149']);
    // Every event is still there for the log, typed and noted.
    expect(records.filter((r) => r.k === 'event' && r.type === 'feed.price')).toHaveLength(100);
  });

  it('drops (and counts) events beyond its buffer instead of growing without bound', () => {
    const c = new InspectionCollector({ maxBuffered: 5 });
    actors = startInertMarkets(1, c.inspect);
    for (let i = 0; i < 20; i++) actors[0]?.send({ type: 'feed.price', price: '1' });
    expect(c.buffered).toBe(5);
    expect(c.dropped).toBeGreaterThan(0);
  });

  it('folds repeated no-op events in the model log, and keeps it capped', () => {
    const c = new InspectionCollector();
    const m = new InspectorModel();
    actors = startInertMarkets(1, c.inspect);
    for (let i = 0; i < 1000; i++) actors[0]?.send({ type: i % 2 ? 'feed.price' : 'connection.up', ...(i % 2 ? { price: '1' } : {}) } as never);
    for (const r of c.flush()) m.apply(r);
    const log = m.detail('market:M0_USDT')?.log ?? [];
    expect(log.length).toBeLessThanOrEqual(150);
    actors[0]?.send({ type: 'connection.up' });
    for (let i = 0; i < 3; i++) actors[0]?.send({ type: 'feed.price', price: '2' });
    for (const r of c.flush()) m.apply(r);
    const last = m.detail('market:M0_USDT')?.log.at(-1);
    expect(last).toMatchObject({ type: 'feed.price', n: 3, from: 'init.loading', next: 'init.loading', note: '2' });
  });
});

describe('emitted notes and the ladder', () => {
  it('notes fills, orders and answers from what a market emits, and reads its row at flush time', () => {
    let t = 0;
    const c = new InspectionCollector({ now: () => ++t });
    const m = new InspectorModel();
    const market = observedInertMarkets(1, () => {}).actors[0];
    if (!market) throw new Error('no market');
    c.seed(market, null);
    const emit = (e: MarketEmitted) => c.emitted(market, e);
    emit({
      type: 'market.fill',
      dealId: 7,
      orderId: 3,
      clientOrderId: 'a',
      level: 1,
      side: 'buy',
      price: '59800',
      amount: '0.002',
      fee: '0.1',
      feeAsset: 'USDT',
    });
    emit({
      type: 'market.ordersSent',
      via: 'desk',
      intents: [{ market: 'M0_USDT', clientOrderId: 'b', level: 2, side: 'sell', price: '60000', amount: '0.002', origin: 'counter' }],
    });
    emit({ type: 'market.ordersAnswered', via: 'desk', fatal: null, outcomes: [{ kind: 'rejected', clientOrderId: 'b', reason: 'post-only' }] });
    const placed = (id: string, via: 'ws' | 'rest') => ({ kind: 'placed' as const, clientOrderId: id, orderId: 1, dealStock: '0', left: '1', via });
    emit({ type: 'market.ordersAnswered', via: 'desk', fatal: null, outcomes: [placed('c', 'ws'), placed('d', 'ws'), placed('e', 'rest')] });
    emit({ type: 'market.pnl', realisedQuote: '0', feesQuote: '0.1', inventoryBase: '0.002' });
    const records = c.flush();
    for (const r of records) m.apply(r);
    expect(records.filter((r) => r.k === 'note').map((r) => r.k === 'note' && `${r.type}: ${r.note}`)).toEqual([
      'market.fill: buy 0.002 @ 59800',
      'market.ordersSent: 1 order(s) to the desk',
      'market.ordersAnswered: 1 rejected',
      'market.ordersAnswered: 2 placed via ws, 1 placed via rest',
    ]);
    // Issue 17: a fill carries its fee, order and counter-order for the trade history (no book here: none).
    const fill = { side: 'buy', price: '59800', amount: '0.002', fee: '0.1', feeAsset: 'USDT', clientOrderId: 'a', level: 1, counter: { kind: 'none' } };
    expect(m.detail('market:M0_USDT')?.fills).toEqual([{ ...fill, t: 2 }]);
    expect(m.detail('market:M0_USDT')?.trades).toEqual([{ ...fill, t: 2, market: 'market:M0_USDT' }]);
    // One market record for the tick, read from the actor now.
    expect(records.filter((r) => r.k === 'market')).toHaveLength(1);
    market.stop();
  });

  it('draws the ladder again when the level book changed in place (its version moved), not otherwise', () => {
    const book = {
      version: 1,
      orders: new Map(),
      waiting: new Map(),
      ledger: { orders: new Map(), dealCount: 0 },
      pnl: { realisedQuote: D('0'), feesQuote: D('0'), inventoryBase: D('0'), openBuys: new Map(), openSells: new Map() },
    };
    const plan = { levels: [], gapLevel: null, lastPrice: D('1') };
    const context = {
      settings: { market: 'M', restore: null },
      book,
      plan,
      rules: null,
      lastPrice: '1',
      killSwitchDeadline: null,
      stopReason: null,
      lastError: null,
      connected: true,
    };
    const actor = { id: 'market:M', logic: { root: { id: 'market' } }, getSnapshot: () => ({ status: 'active', value: { lifecycle: 'running' }, context }) };
    const c = new InspectionCollector();
    c.seed(actor, null);
    const ladders = () => c.flush().filter((r) => r.k === 'market' && r.ladder !== undefined).length;
    expect(ladders()).toBe(1);
    const fill: MarketEmitted = { type: 'market.pnl', realisedQuote: '0', feesQuote: '0', inventoryBase: '0' };
    c.emitted(actor, fill);
    expect(ladders()).toBe(0);
    book.version = 2;
    c.emitted(actor, fill);
    expect(ladders()).toBe(1);
  });
});

describe('nobody looking', () => {
  it('costs nothing: no inspection observer, no listener, until a page client connects, and again once it left', async () => {
    inspector = await startInspector({ port: 0, tickMs: 60_000 });
    const observed = observedInertMarkets(3, inspector.observe);
    actors = observed.actors;
    for (const a of actors) a.send({ type: 'feed.price', price: '100' });
    expect([observed.inspectors(), observed.listeners(), inspector.looking()]).toEqual([0, 0, false]);

    const sse = await sseClient(`${inspector.url}events`);
    await sse.until(1);
    expect([observed.inspectors(), observed.listeners(), inspector.looking()]).toEqual([1, 3, true]);
    // The first snapshot is current, though nobody looked before: rows read from the actors.
    const first = JSON.parse(sse.messages[0]?.data ?? '{}') as { rows: { id: string; state: string; market: { price: string } }[] };
    expect(first.rows.map((r) => [r.id, r.state, r.market.price])).toEqual(actors.map((a) => [a.id, 'init.loading', '100']));
    sse.stop();
    for (let i = 0; i < 1000 && inspector.looking(); i++) await new Promise((resolve) => setImmediate(resolve));
    expect([observed.inspectors(), observed.listeners(), inspector.looking()]).toEqual([0, 0, false]);
  });
});

describe('500 markets', () => {
  it('cost one broadcast per tick, one row per changed market, bounded in size', async () => {
    inspector = await startInspector({ port: 0, tickMs: 60_000 });
    actors = observedInertMarkets(500, inspector.observe).actors;
    inspector.flush();
    const sse = await sseClient(`${inspector.url}events`);
    await sse.until(1);
    expect(sse.messages[0]?.event).toBe('snapshot');
    expect(JSON.parse(sse.messages[0]?.data ?? '{}').rows).toHaveLength(500);

    // A busy tick: 20 prices for every market.
    for (let i = 0; i < 20; i++) for (const a of actors) a.send({ type: 'feed.price', price: `${100 + i}.5` });
    inspector.flush();
    await sse.until(2);
    // An idle tick sends nothing.
    inspector.flush();
    // A tick where 3 markets moved.
    for (const a of actors.slice(0, 3)) a.send({ type: 'feed.price', price: '1' });
    inspector.flush();
    await sse.until(3);
    sse.stop();

    expect(sse.messages.map((m) => m.event)).toEqual(['snapshot', 'delta', 'delta']);
    const busy = JSON.parse(sse.messages[1]?.data ?? '{}') as { rows: { id: string; market: { price: string } }[] };
    expect(busy.rows).toHaveLength(500);
    expect(new Set(busy.rows.map((r) => r.id)).size).toBe(500);
    expect(busy.rows.every((r) => r.market.price === '119.5')).toBe(true);
    // Bounded: a row is a few hundred bytes, not a serialised context or an event history.
    expect(sse.messages[1]?.data.length).toBeLessThan(500 * 400);
    expect(JSON.parse(sse.messages[2]?.data ?? '{}').rows).toHaveLength(3);
  });
});

describe('jsonSafe', () => {
  it('serialises what contexts and events hold: Decimals, Maps, Sets, errors, cycles by depth', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(
      jsonSafe({
        d: new D('0.10'),
        m: new Map([[1, new D('2')]]),
        s: new Map([['x', 1]]),
        set: new Set(['a']),
        e: new Error('boom'),
        f: () => 1,
        n: Number.NaN,
        b: 10n,
      }),
    ).toEqual({ d: '0.1', m: [[1, '2']], s: { x: 1 }, set: ['a'], e: { name: 'Error', message: 'boom' }, n: 'NaN', b: '10' });
    expect(JSON.stringify(jsonSafe(cyclic))).toContain('…');
  });
});
