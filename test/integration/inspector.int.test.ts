/**
 * Issue 13: the inspector on a running bot costs nothing until someone looks. With its page open and
 * no client it is subscribed to nothing; the first client gets rows read from the actors as they
 * are now (the supervisor, the connection, each market with its ladder), then live fills; once the
 * client left it unsubscribes again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Inspector, startInspector } from '../../src/runtime/inspector/index.js';
import { sseClient } from '../runtime/inspector/support.js';
import { AMOUNT, type Bench, LEVEL_PRICE, MARKET, PLAN, startBench } from './harness.js';

let bench: Bench | undefined;
let inspector: Inspector | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
  await inspector?.close();
  inspector = undefined;
});

interface Snapshot {
  readonly rows: readonly { readonly id: string; readonly state: string; readonly market: { readonly liveOrders: number } | null }[];
  readonly focus: { readonly fills: readonly unknown[]; readonly ladder: { readonly levels: readonly unknown[] } | null } | null;
}

describe('the inspector on a running bot', () => {
  it('listens only while a page client is connected, and shows the current state when it connects', async () => {
    const insp = await startInspector({ port: 0, tickMs: 60_000 });
    inspector = insp;
    const b = await startBench({ observers: [insp.observe] });
    bench = b;
    await b.until('the plan resting and the market running', () => b.openOrders().length === PLAN.length && b.state().startsWith('running'));
    expect(insp.looking()).toBe(false);
    expect(insp.model.rows()).toEqual([]);

    const sse = await sseClient(`${insp.url}events?focus=market:${MARKET}`);
    await sse.until(1);
    expect(insp.looking()).toBe(true);
    const first = JSON.parse(sse.messages[0]?.data ?? '{}') as Snapshot;
    expect(first.rows.map((r) => r.id)).toEqual(['supervisor', 'connection', `market:${MARKET}`]);
    const row = first.rows[2];
    expect(row?.state).toMatch(/^running/);
    expect(row?.market?.liveOrders).toBe(PLAN.length);
    expect(first.focus?.ladder?.levels.length).toBeGreaterThan(0);

    // A fill while the client looks reaches its market's fills, from the market's emitted events.
    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    await b.until('the counter-order resting', () => b.byLevel().get(2)?.[0]?.id.side === 'sell');
    insp.flush();
    expect(insp.model.detail(`market:${MARKET}`)?.fills).toMatchObject([{ side: 'buy', price: LEVEL_PRICE[1], amount: AMOUNT }]);

    sse.stop();
    await b.until('the inspector unsubscribed', () => !insp.looking());
  });
});
