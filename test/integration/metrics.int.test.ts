/**
 * `/metrics` and `/health` of a running bot against the embedded simulator (issue 9): the figures a
 * scrape shows are checked against the simulator's own books (open orders, deals, balances moved),
 * and `/health` flips to 503 while the socket is forced down and back to 200 once every market
 * trades again.
 *
 * No sleeps: every wait is `bench.until`, re-checked on each simulator and actor event. The outage
 * is held open deterministically: WS replies are dropped, so the reconnecting socket can never be
 * authorized until the test lets it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type MetricsServer, type RuntimeMetrics, createRuntimeMetrics, opsRoute, startMetricsServer } from '../../src/runtime/metrics/index.js';
import type { HealthReport } from '../../src/runtime/metrics/health.js';
import { type Sample, parseProm, sample } from '../support/prom-text.js';
import { AMOUNT, BOT_ACCOUNT, type Bench, LEVEL_PRICE, MARKET, MARKET_B, PLAN, startBench } from './harness.js';

let bench: Bench | undefined;
let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await bench?.close();
  bench = undefined;
});

const MARKETS = [MARKET, MARKET_B];

async function get(path: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(new URL(path, server?.url));
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

async function scrape(): Promise<Sample[]> {
  const r = await get('/metrics');
  expect(r.status).toBe(200);
  expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseProm(r.text);
}

async function health(): Promise<{ status: number; body: HealthReport }> {
  const r = await get('/health');
  expect(r.type).toBe('application/json');
  return { status: r.status, body: JSON.parse(r.text) as HealthReport };
}

async function start(orderEntry?: 'ws' | 'rest'): Promise<{ b: Bench; metrics: RuntimeMetrics }> {
  const metrics = createRuntimeMetrics();
  const b = await startBench({
    markets: MARKETS,
    observers: [metrics.observe],
    restObserver: metrics.restObserver,
    ...(orderEntry === undefined ? {} : { orderEntry }),
  });
  bench = b;
  metrics.attach(b.runtime);
  server = await startMetricsServer({ host: '127.0.0.1', port: 0, route: opsRoute(metrics) });
  await b.until('both plans resting and running', () => MARKETS.every((m) => b.openOrders(m).length === PLAN.length && b.state(m).startsWith('running')));
  return { b, metrics };
}

/** The simulator's deals of the bot on `market`. */
const deals = (b: Bench, market: string) => b.sim.state.fills(BOT_ACCOUNT).filter((d) => d.market === market);

describe('metrics and health against the simulator', () => {
  // The default (`ws` on the simulator) and `orderEntry: rest`: counter-orders go, and are counted, the way the file says.
  it.each([['ws'], ['rest']] as const)(
    'orderEntry %s: scrapes open orders, fills, levels, PnL and inventory that match the simulator, and REST, WS and reaction figures',
    async (entry) => {
      const { b } = await start(entry);
      const other = entry === 'ws' ? 'rest' : 'ws';
      // MARKET: a round trip (the buy at level 1 fills, its counter-sell at level 2 fills); MARKET_B: one sell fills.
      b.take('sell', AMOUNT, LEVEL_PRICE[1] as string, MARKET);
      await b.until('a counter-sell at level 2', () => b.byLevel(MARKET).get(2)?.[0]);
      b.take('buy', AMOUNT, LEVEL_PRICE[2] as string, MARKET);
      b.take('buy', AMOUNT, '200000', MARKET_B);
      await b.until(
        'the counter-orders resting and the bot caught up with the exchange',
        () =>
          b.byLevel(MARKET).get(1)?.[0]?.id.side === 'buy' &&
          b.byLevel(MARKET_B).get(2)?.[0]?.id.side === 'buy' &&
          b.runtime.statuses().every((s) => s.liveOrders === b.openOrders(s.market).length && s.fills === deals(b, s.market).length && s.pendingOrders === 0),
      );

      const s = await scrape();
      for (const market of MARKETS) {
        const m = { market };
        expect(sample(s, 'gridbot_open_orders', m)).toBe(b.openOrders(market).length);
        expect(sample(s, 'gridbot_pending_orders', m)).toBe(0);
        expect(sample(s, 'gridbot_fills_total', m)).toBe(deals(b, market).length);
        expect(sample(s, 'gridbot_grid_levels_expected', m)).toBe(PLAN.length);
        expect(sample(s, 'gridbot_grid_levels_resting', m)).toBe(PLAN.length);
        expect(sample(s, 'gridbot_grid_levels_missing', m)).toBe(0);
        expect(sample(s, 'gridbot_market_state', { market, state: 'running' })).toBe(1);
        expect(sample(s, 'gridbot_market_state', { market, state: 'reconciling' })).toBe(0);
        expect(sample(s, 'gridbot_kill_switch_seconds_left', m)).toBeGreaterThan(0);
        expect(sample(s, 'gridbot_market_state_since_timestamp_seconds', m)).toBeLessThanOrEqual(Date.now() / 1000);
        // Every order the exchange accepted from the bot beyond the plan is a counter-order.
        const accepted = b.placed.filter((p) => p.order.market === market).length;
        // The ladder always over REST order/bulk; every counter-order the way of the grid's orderEntry.
        expect(sample(s, 'gridbot_orders_sent_total', { market, origin: 'plan' })).toBe(PLAN.length);
        expect(sample(s, 'gridbot_orders_sent_total', { market, origin: 'plan', via: 'rest' })).toBe(PLAN.length);
        expect(sample(s, 'gridbot_orders_sent_total', { market, origin: 'counter', via: entry })).toBe(accepted - PLAN.length);
        expect(sample(s, 'gridbot_orders_sent_total', { market, origin: 'counter', via: other })).toBeUndefined();
        expect(sample(s, 'gridbot_counter_orders_placed_total', m)).toBe(accepted - PLAN.length);
        expect(sample(s, 'gridbot_order_outcomes_total', { market, outcome: 'placed' })).toBe(accepted);
        // Inventory from the exchange's deals: base bought, less base fees, less base sold.
        const [base] = market.split('_');
        const inventory = deals(b, market).reduce(
          (n, d) => n + (d.side === 'buy' ? d.amount.toNumber() - (d.feeAsset === base ? d.fee.toNumber() : 0) : -d.amount.toNumber()),
          0,
        );
        expect(sample(s, 'gridbot_inventory_base', m)).toBeCloseTo(inventory, 10);
      }
      // MARKET's round trip: 0.002 bought at 59 800 and sold at 60 000, less both fees in quote.
      const realised = deals(b, MARKET).reduce((n, d) => {
        const fee = d.feeAsset === 'DUSDT' ? d.fee.toNumber() : d.fee.toNumber() * Number(d.price);
        return n + (d.side === 'sell' ? d.deal.toNumber() : -d.deal.toNumber()) - fee;
      }, 0);
      expect(realised).toBeGreaterThan(0);
      expect(sample(s, 'gridbot_realised_pnl_quote', { market: MARKET })).toBeCloseTo(realised, 6);
      expect(sample(s, 'gridbot_realised_pnl_quote', { market: MARKET_B })).toBe(0);

      // The connection: open, every deal of the bot arrived as a deals frame, nothing undecodable.
      expect(sample(s, 'gridbot_ws_state', { state: 'open' })).toBe(1);
      expect(sample(s, 'gridbot_ws_frames_total', { channel: 'deals' })).toBeGreaterThanOrEqual(deals(b, MARKET).length + deals(b, MARKET_B).length);
      expect(sample(s, 'gridbot_ws_frames_total', { channel: 'ordersPending' })).toBeGreaterThan(0);
      expect(sample(s, 'gridbot_ws_decode_errors_total')).toBe(0);
      expect(sample(s, 'gridbot_ws_reconnects_total')).toBe(0);
      // REST: one order/bulk per plan; one order/new per counter-order (each fill answered alone) with
      // orderEntry rest, none with ws (each went as one socket frame).
      const counters = MARKETS.reduce((n, market) => n + (sample(s, 'gridbot_counter_orders_placed_total', { market }) ?? 0), 0);
      expect(counters).toBe(3);
      const overRest = entry === 'rest' ? counters : 0;
      expect(sample(s, 'gridbot_rest_request_duration_seconds_count', { endpoint: '/api/v4/order/bulk', outcome: 'ok' })).toBe(2);
      expect(sample(s, 'gridbot_rest_request_duration_seconds_count', { endpoint: '/api/v4/order/new', outcome: 'ok' }) ?? 0).toBe(overRest);
      expect(sample(s, 'gridbot_rest_rate_limited_total', { endpoint: '/api/v4/order/new' }) ?? 0).toBe(0);
      expect(sample(s, 'gridbot_rest_limiter_wait_seconds_count', { group: 'order/new' }) ?? 0).toBe(overRest);
      // Each of these counter-orders answered a deal frame in its tick.
      expect(sample(s, 'gridbot_reaction_seconds_count')).toBe(counters);
      expect(sample(s, 'gridbot_reaction_seconds_sum')).toBeGreaterThan(0);
      // The default process metrics are there too.
      expect(sample(s, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(s.some((x) => x.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
    },
  );

  it('/health is 200 while everything runs, 503 naming the connection and each market while the socket is down, and 200 again after recovery', async () => {
    const { b } = await start();
    const up = await health();
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'ok', problems: [], connection: { state: 'open', ok: true } });
    expect(up.body.markets.map((m) => [m.market, m.state, m.ok])).toEqual(MARKETS.map((m) => [m, 'running.trading', true]));

    // Replies never arrive: the new socket cannot be authorized, so the connection stays down.
    const stopDropping = b.sim.faults.dropFrames('reply', { probability: 1 });
    expect(b.sim.faults.closeSockets('all')).toBe(1);
    await b.until(
      'the connection down and both markets reconnecting',
      () => b.runtime.connectionState() !== 'open' && MARKETS.every((m) => b.state(m) === 'reconnecting'),
    );
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unhealthy');
    expect(down.body.connection.ok).toBe(false);
    expect(down.body.problems[0]).toMatch(/^connection: (backoff|connecting|authorizing) since \d{4}-\d\d-\d\dT/);
    for (const m of MARKETS) expect(down.body.problems).toContainEqual(expect.stringMatching(new RegExp(`^${m}: reconnecting since \\d{4}-`)));
    expect(down.body.markets.every((m) => !m.ok && m.since !== null)).toBe(true);

    // Let replies through, and cut the socket that waits for its lost authorize reply.
    stopDropping();
    await b.until('a socket waiting to be authorized', () => b.runtime.connectionState() === 'authorizing' && b.sim.connections().length === 1, 10_000);
    b.sim.faults.closeSockets('all');
    await b.until(
      'the connection open and both markets running again',
      () => b.runtime.connectionState() === 'open' && MARKETS.every((m) => b.state(m).startsWith('running')),
      15_000,
    );
    const back = await health();
    expect(back.status).toBe(200);
    expect(back.body.problems).toEqual([]);

    const s = await scrape();
    expect(sample(s, 'gridbot_ws_reconnects_total')).toBe(1);
    expect(sample(s, 'gridbot_ws_resubscribes_total', { cause: 'reconnect' })).toBe(1);
    expect(sample(s, 'gridbot_ws_state', { state: 'open' })).toBe(1);
    for (const market of MARKETS) {
      expect(sample(s, 'gridbot_open_orders', { market })).toBe(b.openOrders(market).length);
      expect(sample(s, 'gridbot_grid_levels_missing', { market })).toBe(0);
    }
  }, 40_000);
});
