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
import { sseClient, startInertMarkets } from './support.js';

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

describe('500 markets', () => {
  it('cost one broadcast per tick, one row per changed market, bounded in size', async () => {
    inspector = await startInspector({ port: 0, tickMs: 60_000 });
    actors = startInertMarkets(500, inspector.inspect);
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
