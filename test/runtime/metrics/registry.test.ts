/**
 * The metrics a runtime's observers feed (issue 9, issue 13): counters move on the markets' emitted
 * events, driven here through fake emitters; the connection's through its snapshots; gauges
 * are read at scrape time from a stand-in runtime; `/health` follows the tracked states and why a
 * market stopped.
 */
import { describe, expect, it } from 'vitest';
import { D } from '../../../src/grid/index.js';
import type { MarketEmitted } from '../../../src/machines/market/market.emitted.js';
import { emptyFrameStats } from '../../../src/runtime/exchange/index.js';
import { levelCounts } from '../../../src/runtime/metrics/market-metrics.js';
import { type MetricsRuntime, type RuntimeMetrics, createRuntimeMetrics } from '../../../src/runtime/metrics/registry.js';
import type { ObservedActors } from '../../../src/runtime/start/observers.js';
import type { MarketStatus } from '../../../src/runtime/status/market-status.js';
import type { SupervisorEmitted } from '../../../src/runtime/supervisor/supervisor.machine.js';
import { sample } from '../../support/prom-text.js';
import { fakeEmitter, fakeMarket, intent, stateEvent } from '../support/fake-emitter.js';
import { statusRow } from '../../support/market-status.js';

/** The metrics observing fake actors: markets' emitters, the supervisor's, the connection's snapshots. */
function observed(m: RuntimeMetrics, names: readonly string[]) {
  const markets = new Map(names.map((n) => [n, fakeMarket()]));
  const supervisor = fakeEmitter<SupervisorEmitted>();
  const snapshots: ((snap: { value: unknown }) => void)[] = [];
  const connection = {
    id: 'connection',
    getSnapshot: () => ({}),
    subscribe: (o: { next: (snap: { value: unknown }) => void }) => {
      snapshots.push(o.next);
      return { unsubscribe: () => {} };
    },
  };
  const inspectors: unknown[] = [];
  m.observe({
    markets,
    connection,
    supervisor,
    inspect: (fn: unknown) => {
      inspectors.push(fn);
      return { unsubscribe: () => {} };
    },
    marketStarted: () => ({ unsubscribe: () => {} }),
  } as unknown as ObservedActors);
  return {
    emit: (market: string, e: MarketEmitted) => markets.get(market)?.emit(e),
    shutdown: () => supervisor.emit({ type: 'shutdown', reason: 'SIGTERM' }),
    conn: (value: unknown) => snapshots.forEach((next) => next({ value })),
    /** Inspection observers the metrics subscribed: none. */
    inspectors: () => inspectors.length,
  };
}

const fill = (dealId: number | null = 1): MarketEmitted => ({
  type: 'market.fill',
  dealId,
  orderId: 1,
  clientOrderId: 'p1',
  level: 1,
  side: 'buy',
  price: '100',
  amount: '1',
  fee: null,
  feeAsset: null,
});
const placed = (clientOrderId: string, orderId = 1) => ({ kind: 'placed' as const, clientOrderId, orderId, dealStock: '0', left: '1' });

const status = (market: string, o: Partial<MarketStatus> = {}): MarketStatus => statusRow(market, o);

/** A stand-in runtime: statuses and market contexts as given, the connection open. */
function fakeRuntime(rows: () => MarketStatus[], contexts: Record<string, object> = {}, o: { supervisor?: string; connection?: string } = {}) {
  const frames = emptyFrameStats();
  const rt = {
    frames,
    router: { stats: { routed: 0, unrouted: 0, depthGaps: 0 } },
    statuses: () => rows(),
    connectionState: () => o.connection ?? 'open',
    supervisor: {
      getSnapshot: () => ({ value: o.supervisor ?? 'running' }),
      system: {
        get: (id: string) => {
          const ctx = contexts[id.replace(/^market:/, '')];
          return ctx ? { getSnapshot: () => ({ status: 'active', context: ctx }) } : undefined;
        },
      },
    },
  };
  return { rt: rt as unknown as MetricsRuntime, frames };
}

describe('metrics from emitted events', () => {
  it('times a fill to its counter-order from the frame stamp, and not a fill that sends nothing', async () => {
    const m = createRuntimeMetrics({ defaultMetrics: false });
    const { rt, frames } = fakeRuntime(() => []);
    m.attach(rt);
    const o = observed(m, ['BTC_USDT']);
    o.emit('BTC_USDT', stateEvent('running.trading', null));

    frames.frames = 10;
    frames.dealDecodedAt = performance.now() - 5; // the deals frame was decoded 5 ms ago
    o.emit('BTC_USDT', fill());
    o.emit('BTC_USDT', { type: 'market.ordersSent', via: 'desk', intents: [intent('c1', 'counter')] });
    // A residue sent with no fill before it (flushed on an order update) is not a reaction.
    o.emit('BTC_USDT', { type: 'market.ordersSent', via: 'desk', intents: [intent('c2', 'residue')] });
    // A partial fill that sends nothing, then a counter-order released by a later frame: not a reaction either.
    frames.frames = 11;
    o.emit('BTC_USDT', fill(2));
    frames.frames = 12;
    o.emit('BTC_USDT', { type: 'market.ordersSent', via: 'desk', intents: [intent('c3', 'counter')] });
    // Nor a fill learned from an order's deal_stock (no deal frame).
    o.emit('BTC_USDT', fill(null));
    o.emit('BTC_USDT', { type: 'market.ordersSent', via: 'desk', intents: [intent('c4', 'counter')] });
    // A desk order is counted by the way its answer names (the order router decides it at send time).
    const answer = (id: string, via: 'ws' | 'rest') => ({ ...placed(id), via });
    const outcomes = [answer('c1', 'ws'), answer('c2', 'ws'), answer('c3', 'rest'), answer('c4', 'ws')];
    o.emit('BTC_USDT', { type: 'market.ordersAnswered', via: 'desk', fatal: null, outcomes });

    const text = await m.scrape();
    expect(sample(text, 'gridbot_reaction_seconds_count')).toBe(1);
    expect(sample(text, 'gridbot_reaction_seconds_sum')).toBeGreaterThanOrEqual(0.005);
    expect(sample(text, 'gridbot_reaction_seconds_bucket', { le: '0.0025' })).toBe(0);
    expect(sample(text, 'gridbot_orders_sent_total', { market: 'BTC_USDT', origin: 'counter', via: 'ws' })).toBe(2);
    expect(sample(text, 'gridbot_orders_sent_total', { market: 'BTC_USDT', origin: 'counter', via: 'rest' })).toBe(1);
    expect(sample(text, 'gridbot_orders_sent_total', { market: 'BTC_USDT', origin: 'residue', via: 'ws' })).toBe(1);
  });

  it("counts counter-orders placed from the desk's answers, and every outcome", async () => {
    const m = createRuntimeMetrics({ defaultMetrics: false });
    const o = observed(m, ['BTC_USDT']);
    o.emit('BTC_USDT', { type: 'market.ordersSent', via: 'desk', intents: [intent('c1', 'counter'), intent('c2', 'counter', 2)] });
    o.emit('BTC_USDT', { type: 'market.ordersAnswered', via: 'desk', fatal: null, outcomes: [placed('c1')] });
    o.emit('BTC_USDT', { type: 'market.ordersAnswered', via: 'desk', fatal: null, outcomes: [{ kind: 'rejected', clientOrderId: 'c2', reason: 'post-only' }] });
    // An answer repeated (or for an order that was not a counter-order) does not count as a counter-order.
    o.emit('BTC_USDT', { type: 'market.ordersAnswered', via: 'desk', fatal: null, outcomes: [placed('c1')] });
    const text = await m.scrape();
    expect(sample(text, 'gridbot_counter_orders_placed_total', { market: 'BTC_USDT' })).toBe(1);
    expect(sample(text, 'gridbot_order_outcomes_total', { market: 'BTC_USDT', outcome: 'placed' })).toBe(2);
    expect(sample(text, 'gridbot_order_outcomes_total', { market: 'BTC_USDT', outcome: 'rejected' })).toBe(1);
  });

  it('counts placing batches sent, their answers, and a batch that failed whole', async () => {
    const m = createRuntimeMetrics({ defaultMetrics: false });
    const o = observed(m, ['BTC_USDT']);
    const batch = [intent('p1', 'plan', 0), intent('p2', 'plan', 1), intent('c1', 'counter', 3)];
    o.emit('BTC_USDT', { type: 'market.ordersSent', via: 'bulk', intents: batch });
    o.emit('BTC_USDT', { type: 'market.ordersAnswered', via: 'bulk', fatal: null, outcomes: ['p1', 'p2', 'c1'].map((id, k) => placed(id, k)) });
    o.emit('BTC_USDT', { type: 'market.ordersSent', via: 'bulk', intents: [intent('c9', 'counter', 4)] });
    o.emit('BTC_USDT', { type: 'market.batchFailed', outcome: 'unknown', reason: 'HTTP 503' });
    const text = await m.scrape();
    // A placing batch is REST order/bulk: counted at once.
    expect(sample(text, 'gridbot_orders_sent_total', { market: 'BTC_USDT', origin: 'plan', via: 'rest' })).toBe(2);
    expect(sample(text, 'gridbot_orders_sent_total', { market: 'BTC_USDT', origin: 'counter', via: 'rest' })).toBe(2);
    expect(sample(text, 'gridbot_counter_orders_placed_total', { market: 'BTC_USDT' })).toBe(1);
    expect(sample(text, 'gridbot_order_outcomes_total', { market: 'BTC_USDT', outcome: 'placed' })).toBe(3);
    expect(sample(text, 'gridbot_order_outcomes_total', { market: 'BTC_USDT', outcome: 'failed' })).toBe(1);
  });

  it("counts reconnects and resubscriptions from the connection's states, and depth gaps it saw while open", async () => {
    const m = createRuntimeMetrics({ defaultMetrics: false });
    const { rt } = fakeRuntime(() => []);
    const stats = (rt as unknown as { router: { stats: { depthGaps: number } } }).router.stats;
    m.attach(rt);
    const o = observed(m, []);
    o.conn({ connection: 'connecting' });
    o.conn({ connection: { authorizing: 'fetchingToken' } });
    o.conn({ connection: 'subscribing' });
    o.conn({ connection: { open: 'idle' } });
    o.conn({ connection: { open: 'awaitingPong' } }); // same top state: nothing
    stats.depthGaps += 1; // a gap reaches the open connection: it resubscribes that book
    o.conn({ connection: { open: 'idle' } });
    o.conn('backoff');
    stats.depthGaps += 1; // not open: no resubscribe
    o.conn({ connection: 'connecting' });
    o.conn({ connection: { authorizing: 'awaitingReply' } });
    o.conn({ connection: 'subscribing' });
    o.conn({ connection: { open: 'idle' } });
    o.conn('stopped');
    const text = await m.scrape();
    expect(sample(text, 'gridbot_ws_reconnects_total')).toBe(1);
    expect(sample(text, 'gridbot_ws_resubscribes_total', { cause: 'reconnect' })).toBe(1);
    expect(sample(text, 'gridbot_ws_resubscribes_total', { cause: 'depth_gap' })).toBe(1);
    // Nothing of the metrics rides on XState's inspection stream.
    expect(o.inspectors()).toBe(0);
  });

  it('reads gauges and frame counters at scrape time, from the statuses and the live contexts', async () => {
    let now = Date.UTC(2025, 0, 1, 10, 0, 0);
    const m = createRuntimeMetrics({ defaultMetrics: false, now: () => now });
    const o = observed(m, ['BTC_USDT', 'ETH_USDT']);
    o.emit('BTC_USDT', stateEvent('running.trading', null));
    now += 1_000;
    o.emit('ETH_USDT', stateEvent('killed.cancelling', null));
    const plan = {
      levels: [
        { price: D('90'), side: 'buy' },
        { price: D('100'), side: null },
        { price: D('110'), side: 'sell' },
      ],
    };
    const book = {
      orders: new Map([
        [0, { level: 0, price: D('90'), state: 'live' }],
        [2, { level: 2, price: D('110'), state: 'sending' }],
      ]),
      waiting: new Map(),
    };
    const { rt, frames } = fakeRuntime(
      () => [
        status('BTC_USDT', { liveOrders: 1, pendingOrders: 1, fills: 7, realisedPnl: '1.25', inventory: '-0.004', killSwitchSeconds: 42 }),
        status('ETH_USDT', { state: 'stopped', fills: 2 }),
      ],
      { BTC_USDT: { plan, book } },
    );
    frames.updatesByKind.deals_update = 3;
    frames.updatesByKind.depth_update = 10;
    frames.replies = 4;
    frames.decodeErrors = 2;
    m.attach(rt);
    const text = await m.scrape();
    const btc = { market: 'BTC_USDT' };
    expect(sample(text, 'gridbot_market_state', { market: 'BTC_USDT', state: 'running' })).toBe(1);
    expect(sample(text, 'gridbot_market_state', { market: 'BTC_USDT', state: 'init' })).toBe(0);
    expect(sample(text, 'gridbot_market_state', { market: 'ETH_USDT', state: 'stopped' })).toBe(1);
    expect(sample(text, 'gridbot_market_state_since_timestamp_seconds', btc)).toBe(Date.UTC(2025, 0, 1, 10, 0, 0) / 1000);
    expect(sample(text, 'gridbot_market_state_since_timestamp_seconds', { market: 'ETH_USDT' })).toBe(Date.UTC(2025, 0, 1, 10, 0, 1) / 1000);
    expect(sample(text, 'gridbot_grid_levels_expected', btc)).toBe(2);
    expect(sample(text, 'gridbot_grid_levels_resting', btc)).toBe(1);
    expect(sample(text, 'gridbot_grid_levels_missing', btc)).toBe(1);
    expect(sample(text, 'gridbot_grid_levels_expected', { market: 'ETH_USDT' })).toBe(0);
    expect(sample(text, 'gridbot_open_orders', btc)).toBe(1);
    expect(sample(text, 'gridbot_pending_orders', btc)).toBe(1);
    expect(sample(text, 'gridbot_fills_total', btc)).toBe(7);
    expect(sample(text, 'gridbot_fills_total', { market: 'ETH_USDT' })).toBe(2);
    expect(sample(text, 'gridbot_realised_pnl_quote', btc)).toBe(1.25);
    expect(sample(text, 'gridbot_inventory_base', btc)).toBe(-0.004);
    expect(sample(text, 'gridbot_kill_switch_seconds_left', btc)).toBe(42);
    expect(sample(text, 'gridbot_kill_switch_seconds_left', { market: 'ETH_USDT' })).toBeUndefined();
    expect(sample(text, 'gridbot_ws_frames_total', { channel: 'deals' })).toBe(3);
    expect(sample(text, 'gridbot_ws_frames_total', { channel: 'depth' })).toBe(10);
    expect(sample(text, 'gridbot_ws_frames_total', { channel: 'reply' })).toBe(4);
    expect(sample(text, 'gridbot_ws_decode_errors_total')).toBe(2);
    expect(sample(text, 'gridbot_ws_state', { state: 'open' })).toBe(1);
    // A second scrape after more traffic: counters follow their running totals.
    frames.updatesByKind.deals_update = 5;
    expect(sample(await m.scrape(), 'gridbot_ws_frames_total', { channel: 'deals' })).toBe(5);
  });

  it('levels: a level counts as resting only with a live order at its own price', () => {
    const plan = {
      levels: [
        { price: D('90'), side: 'buy' },
        { price: D('100'), side: 'buy' },
        { price: D('110'), side: null },
        { price: D('120'), side: 'sell' },
      ],
    };
    const orders = new Map([
      [0, { level: 0, price: D('90.0'), state: 'live' }],
      [1, { level: 1, price: D('101'), state: 'live' }],
      [3, { level: 3, price: D('120'), state: 'unknown' }],
    ]);
    expect(levelCounts({ plan, book: { orders } } as never)).toEqual({ expected: 3, resting: 1 });
    expect(levelCounts({ plan: null, book: null })).toEqual({ expected: 0, resting: 0 });
  });
});

describe('health from the tracked states', () => {
  it('is 503 "starting" before a runtime is attached', () => {
    const m = createRuntimeMetrics({ defaultMetrics: false });
    expect(m.health()).toMatchObject({ status: 'unhealthy', problems: ['starting: the runtime is not up yet'] });
  });

  it('keeps a market stopped on request or by its risk rule healthy, and not one that stopped on a fault', () => {
    const t0 = Date.UTC(2025, 0, 1, 10, 0, 0);
    const m = createRuntimeMetrics({ defaultMetrics: false, now: () => t0 });
    let rows = [status('A_USDT'), status('B_USDT'), status('C_USDT'), status('D_USDT')];
    m.attach(fakeRuntime(() => rows).rt);
    const o = observed(
      m,
      rows.map((r) => r.market),
    );
    o.conn({ connection: { open: 'idle' } });
    for (const r of rows) o.emit(r.market, stateEvent('running.trading', null));
    expect(m.health().status).toBe('ok');

    // B: its risk rule fired on a price.
    o.emit('B_USDT', stateEvent('killed.cancelling', 'running.trading', 'feed.price', 'range exit'));
    // C: a fatal desk answer.
    o.emit('C_USDT', stateEvent('killed.cancelling', 'running.trading', 'desk.result', 'placing counter-orders: HTTP 401'));
    // A: the operator's shutdown reaches it while placing; killed follows on the batch's answer.
    o.shutdown();
    o.emit('A_USDT', stateEvent('killed.cancelling', 'placing.sending', 'xstate.done.actor.placeBatch', 'SIGTERM'));
    rows = [
      status('A_USDT', { state: 'stopped', reason: 'SIGTERM' }),
      status('B_USDT', { state: 'stopped', reason: 'range exit' }),
      status('C_USDT', { state: 'stopped', reason: 'placing counter-orders: HTTP 401' }),
      status('D_USDT'),
    ];
    const h = m.health();
    expect(h.status).toBe('unhealthy');
    expect(h.markets.map((x) => [x.market, x.ok])).toEqual([
      ['A_USDT', true],
      ['B_USDT', true],
      ['C_USDT', false],
      ['D_USDT', true],
    ]);
    expect(h.problems).toEqual(['C_USDT: stopped since 2025-01-01T10:00:00.000Z (0 s): placing counter-orders: HTTP 401']);
  });

  // Issue 14: a grid that keeps levels waiting for price while the price is back in its range has stopped healing.
  it('counts levels waiting for price, and /health reports them once they waited longer than missingLevelsAfter with the price in range', async () => {
    const t0 = Date.UTC(2025, 0, 1, 10, 0, 0);
    let t = t0;
    const m = createRuntimeMetrics({ defaultMetrics: false, now: () => t, missingLevelsAfterMs: 60_000 });
    const plan = { levels: [{ price: D('100') }, { price: D('110') }, { price: D('120') }] };
    const waiting = new Map([['buy@1', { level: 1, side: 'buy', price: D('110'), amount: D('1'), origin: 'counter' }]]);
    // Levels 0 and 2 rest; level 1 waits for price: it is the one level missing.
    const orders = new Map([
      [0, { state: 'live', level: 0, price: D('100') }],
      [2, { state: 'live', level: 2, price: D('120') }],
    ]);
    const ctx = { plan, book: { orders, waiting }, lastPrice: '105' };
    m.attach(fakeRuntime(() => [status('A_USDT')], { A_USDT: ctx }).rt);
    const o = observed(m, ['A_USDT']);
    o.conn({ connection: { open: 'idle' } });
    o.emit('A_USDT', stateEvent('running.trading', null));
    o.emit('A_USDT', { type: 'market.waiting', waiting: 1 });
    const scraped = await m.scrape();
    expect(sample(scraped, 'gridbot_grid_levels_waiting_for_price', { market: 'A_USDT' })).toBe(1);
    expect(sample(scraped, 'gridbot_grid_levels_missing', { market: 'A_USDT' })).toBe(1);
    t = t0 + 59_000;
    expect(m.health().status).toBe('ok');
    t = t0 + 61_000;
    expect(m.health().problems).toEqual(['A_USDT: 1 level waiting for price since 2025-01-01T10:00:00.000Z (61 s), price 105 inside the grid 100–120']);
    expect(m.health().markets[0]?.ok).toBe(false);
    // The price outside the range: the level cannot rest anyway, and that is no fault of the bot.
    ctx.lastPrice = '95';
    expect(m.health().status).toBe('ok');
    ctx.lastPrice = '105';
    // Placed again: the clock starts over at the next wait.
    o.emit('A_USDT', { type: 'market.waiting', waiting: 0 });
    expect(m.health().status).toBe('ok');
    o.emit('A_USDT', { type: 'market.waiting', waiting: 1 });
    t = t0 + 100_000;
    expect(m.health().status).toBe('ok');
  });
});
