/**
 * The market actor end to end (issue 4, "done when"): the real runtime — REST client, shared
 * connection, supervisor, market actor — trading against the embedded simulator over loopback.
 * Every assertion reads the simulator's own books, orders, deals and kill-switch timers.
 *
 * Prices never move by themselves; fills happen when a test sends a taker order from a second
 * account (see harness.ts), so nothing here depends on wall-clock luck.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Bench,
  AMOUNT,
  BOT_ACCOUNT,
  LEVEL_PRICE,
  MARKET,
  MARKET_B,
  PLAN,
  groupByLevel,
  startBench,
  testOrderEntry,
  type BenchOptions,
} from './harness.js';

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

async function start(options: BenchOptions = {}): Promise<Bench> {
  bench = await startBench(options);
  return bench;
}

/** Waits for the initial plan: one resting order per planned level and the market running. */
async function planPlaced(b: Bench): Promise<void> {
  await b.until('the plan resting and the market running', () => b.openOrders().length === PLAN.length && b.state().startsWith('running'));
}

/** Orders the bot ever placed at `level`, in order. */
function placedAt(b: Bench, level: number) {
  return b.placed.filter((p) => p.id.level === level);
}

describe('grid lifecycle against the simulator', () => {
  it('places the plan: one order per level, ids decode to their level, kill-switch armed for spot', async () => {
    const b = await start();
    await planPlaced(b);
    // The start checks passed this plan: a price move before the market's own load makes it wait, not stop (market.plan-waits.test.ts).
    expect(b.market()?.context.settings.invalidPlan).toBe('wait');

    const rows = b
      .openOrders()
      .map((o) => ({
        level: o.id.level,
        side: o.id.side,
        orderSide: o.order.side,
        price: o.order.price,
        amount: o.order.amount.toFixed(),
        postOnly: o.order.postOnly,
      }))
      .sort((x, y) => x.level - y.level);
    expect(rows).toEqual(PLAN.map((p) => ({ level: p.level, side: p.side, orderSide: p.side, price: p.price, amount: AMOUNT, postOnly: true })));
    expect(b.byLevel().has(2)).toBe(false); // the gap at the last price
    expect(b.sim.state.killSwitches(BOT_ACCOUNT)).toEqual([expect.objectContaining({ market: MARKET, types: ['spot'], timeoutSec: 30 })]);
    expect(b.placed).toHaveLength(PLAN.length);
    expect(b.violations).toEqual([]);
  });

  it('answers a fill whose every frame was lost while the socket stayed up at the next periodic reconcile, once', async () => {
    const b = await start({ marketOverrides: { reconcileEverySec: 1 } });
    await planPlaced(b);
    const dropped = b.sim.faults.stats.framesDropped;
    b.sim.faults.dropFrames('deals', { next: 1 });
    b.sim.faults.dropFrames('ordersPending', { next: 1 });
    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    expect(b.sim.faults.stats.framesDropped - dropped).toBe(2); // both reports of the fill: the feed never heard of it
    const counter = await b.until('a sell at level 2', () => b.byLevel().get(2)?.[0]);
    expect(counter.order.amount.toFixed()).toBe(AMOUNT);
    const conn = b.runtime.supervisor.system.get('connection') as { getSnapshot(): { context: { reconnects: number } } };
    expect(conn.getSnapshot().context.reconnects).toBe(0);
    expect(placedAt(b, 2)).toHaveLength(1);
    expect(b.violations).toEqual([]);
  });

  it('answers a taker fill of the buy at level 1 with exactly one sell at level 2 for the filled amount', async () => {
    const b = await start();
    await planPlaced(b);

    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    const counter = await b.until('a sell at level 2', () => b.byLevel().get(2)?.[0]);
    expect(counter.id.side).toBe('sell');
    expect(counter.order).toMatchObject({ side: 'sell', price: LEVEL_PRICE[2] });
    expect(counter.order.amount.toFixed()).toBe(AMOUNT);
    expect(b.sim.state.fills(BOT_ACCOUNT)).toHaveLength(1);

    await b.stop();
    expect(placedAt(b, 2)).toHaveLength(1);
    expect(b.placed).toHaveLength(PLAN.length + 1);
    expect(b.violations).toEqual([]);
    // The counter-order went the suite's way (ws unless GRIDBOT_TEST_ORDER_ENTRY=rest), not a fallback.
    const entry = testOrderEntry() ?? 'ws';
    expect(b.via).toEqual(entry === 'ws' ? { ws: 1, rest: 0 } : { ws: 0, rest: 1 });
  });

  it('holds back the counter-order of a partial fill below the minimum, then places it for the whole filled quantity', async () => {
    const b = await start();
    await planPlaced(b);
    const fills = () => b.runtime.statuses()[0]?.fills ?? 0;

    // 0.0001 of the sell at level 3 (60 200): a buy of 0.0001 at level 2 is 6 DUSDT, below minTotal 10.
    // The taker's limit is far above the book so its own total passes; it trades at the maker's price.
    b.take('buy', '0.0001', '200000');
    await b.until('the first partial fill recorded by the market', () => fills() === 1);
    expect(b.sim.state.fills(BOT_ACCOUNT).map((d) => [d.price, d.amount.toFixed()])).toEqual([[LEVEL_PRICE[3], '0.0001']]);
    expect(b.byLevel().has(2)).toBe(false);
    expect([...(b.market()?.context.book?.orders.keys() ?? [])]).not.toContain(2); // nothing owed or in flight either

    // The second partial takes the level to 0.0002 (12 DUSDT at 60 000): one buy for all of it.
    b.take('buy', '0.0001', '200000');
    const counter = await b.until('a buy at level 2', () => b.byLevel().get(2)?.[0]);
    expect(counter.order).toMatchObject({ side: 'buy', price: LEVEL_PRICE[2] });
    expect(counter.order.amount.toFixed()).toBe('0.0002');
    expect(b.byLevel().get(3)?.[0]?.order.left.toFixed()).toBe('0.0018');

    await b.stop();
    expect(placedAt(b, 2)).toHaveLength(1);
    expect(b.violations).toEqual([]);
  });

  it('answers a sweep through two levels with one counter-order each, the lower one placed into the level the sweep freed', async () => {
    const b = await start();
    await planPlaced(b);
    // Fills the buys at level 1 and then level 0: level 0's counter-sell targets level 1, whose buy is
    // only known to be finished once its ordersPending update arrives.
    b.take('sell', '0.004', LEVEL_PRICE[0] as string);
    await b.until('sells at levels 1 and 2', () => b.byLevel().get(1)?.[0]?.id.side === 'sell' && b.byLevel().has(2));
    expect(levelCounts(b)).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    for (const level of [1, 2]) {
      const o = b.byLevel().get(level)?.[0];
      expect(o?.order).toMatchObject({ side: 'sell', price: LEVEL_PRICE[level] });
      expect(o?.order.amount.toFixed()).toBe(AMOUNT);
    }
    await b.stop();
    expect(placedAt(b, 1).map((o) => o.id.side)).toEqual(['buy', 'sell']);
    expect(placedAt(b, 2)).toHaveLength(1);
    expect(b.violations).toEqual([]);
  });

  it('places no extra order when deals_update and ordersPending_update frames arrive twice', async () => {
    const b = await start();
    await planPlaced(b);
    b.sim.faults.duplicateFrames('deals', { next: 10 });
    b.sim.faults.duplicateFrames('ordersPending', { next: 10 });

    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    const counter = await b.until('a sell at level 2', () => b.byLevel().get(2)?.[0]);
    expect(counter.order.amount.toFixed()).toBe(AMOUNT);
    // Both channels really were doubled: the fill's deal and order updates, and the counter-order's.
    expect(b.sim.faults.stats.framesDuplicated).toBeGreaterThanOrEqual(3);

    await b.stop();
    expect(placedAt(b, 2)).toHaveLength(1);
    expect(b.placed).toHaveLength(PLAN.length + 1);
    expect(b.runtime.statuses()[0]?.fills).toBe(1);
    expect(b.violations).toEqual([]);
  });

  it('places no extra or missing order when the frames of a sweep arrive reordered and doubled', async () => {
    const b = await start();
    await planPlaced(b);
    // Each rule swaps a frame with its channel's next one; then everything on both channels is doubled.
    b.sim.faults.reorderFrames('deals', { next: 1 });
    b.sim.faults.reorderFrames('ordersPending', { next: 2 });
    b.sim.faults.duplicateFrames('deals', { next: 20 });
    b.sim.faults.duplicateFrames('ordersPending', { next: 20 });

    b.take('sell', '0.004', LEVEL_PRICE[0] as string);
    await b.until('sells at levels 1 and 2', () => b.byLevel().get(1)?.[0]?.id.side === 'sell' && b.byLevel().has(2));
    expect(b.sim.faults.stats.framesReordered).toBe(3);
    await b.stop();
    expect(placedAt(b, 1).map((o) => o.id.side)).toEqual(['buy', 'sell']);
    expect(placedAt(b, 2)).toHaveLength(1);
    expect(b.placed).toHaveLength(PLAN.length + 2);
    expect(b.violations).toEqual([]);
  });

  it('reconnects after a socket drop, reconciles, and answers a fill that happened while it was down exactly once', async () => {
    const b = await start();
    await planPlaced(b);
    // A fill the live feed answers first: reconciling must not answer it a second time.
    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    await b.until('a sell at level 2', () => b.byLevel().get(2)?.[0]);
    const before = b.path.length;

    expect(b.sim.faults.closeSockets('all')).toBe(1);
    // The session is gone at once: this fill's frames are never sent; only reconciling can find it.
    b.take('sell', AMOUNT, LEVEL_PRICE[0] as string);

    const counter = await b.until(
      'a sell at level 1 and the market running again after reconciling',
      () => b.state().startsWith('running') && b.path.slice(before).some((p) => p.startsWith('reconciling')) && b.byLevel().get(1)?.[0],
    );
    expect(counter.order).toMatchObject({ side: 'sell', price: LEVEL_PRICE[1] });
    expect(counter.order.amount.toFixed()).toBe(AMOUNT);
    expect(dedupe(b.path.slice(before).map(top))).toEqual(['reconnecting', 'reconciling', 'placing', 'running']);
    expect(b.sim.connections()).toHaveLength(1);
    expect(levelCounts(b)).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);

    await b.stop();
    expect(placedAt(b, 1).map((o) => o.id.side)).toEqual(['buy', 'sell']);
    expect(placedAt(b, 2)).toHaveLength(1);
    expect(b.placed).toHaveLength(PLAN.length + 2);
    expect(b.violations).toEqual([]);
  });

  it('answers exactly once a fill that arrives on the live feed while the market is reconciling', async () => {
    const b = await start();
    await planPlaced(b);
    const before = b.path.length;
    b.sim.faults.closeSockets('all');
    // Hold the market in reconciling.fetching long enough for a live fill to land during it.
    b.sim.faults.setRestLatency(150);
    await b.until('reconciling after the reconnect', () => b.path.slice(before).includes('reconciling.fetching'));
    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    const counter = await b.until('a sell at level 2 and the market running', () => b.state().startsWith('running') && b.byLevel().get(2)?.[0]);
    b.sim.faults.setRestLatency(0);
    expect(counter.order.amount.toFixed()).toBe(AMOUNT);
    await b.stop();
    expect(placedAt(b, 2)).toHaveLength(1);
    expect(b.placed).toHaveLength(PLAN.length + 1);
    expect(b.violations).toEqual([]);
  });

  it('answers exactly once a fill of a plan order that lands before the order/bulk answer', async () => {
    let filled = false;
    const b = await start({
      beforeStart: (sim) => {
        // The moment the level-1 buy rests, before the bot can have read its placement answer, sell into it.
        sim.onEvent((e) => {
          if (filled || e.type !== 'order' || e.event !== 1 || e.accountId !== BOT_ACCOUNT || e.order.price !== LEVEL_PRICE[1]) return;
          filled = true;
          queueMicrotask(() => sim.exchange.placeOrder('taker', { market: MARKET, side: 'sell', amount: AMOUNT, price: LEVEL_PRICE[1] }, sim.clock.now()));
        });
      },
    });
    const counter = await b.until('a sell at level 2 and the market running', () => b.state().startsWith('running') && b.byLevel().get(2)?.[0]);
    expect(filled).toBe(true);
    expect(counter.order.amount.toFixed()).toBe(AMOUNT);
    expect(levelCounts(b)).toEqual([
      [0, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    await b.stop();
    expect(placedAt(b, 2)).toHaveLength(1);
    expect(b.placed).toHaveLength(PLAN.length + 1);
    expect(b.violations).toEqual([]);
  });

  it('stopping the whole runtime sends the connection no unsubscribes (the socket closes after the markets anyway)', async () => {
    const toConnection: string[] = [];
    const b = await start({
      markets: [MARKET, MARKET_B],
      inspect: (e) => {
        if (e.type === '@xstate.event' && (e.actorRef as { id?: string }).id === 'connection') toConnection.push(e.event.type);
      },
    });
    await b.until('both plans resting', () => [MARKET, MARKET_B].every((m) => b.openOrders(m).length === PLAN.length && b.state(m).startsWith('running')));
    expect(toConnection.filter((t) => t === 'subscribe')).toHaveLength(6); // three channels per market
    await b.stop();
    // Each unsubscribe would re-send a shrinking channel set: quadratic in the markets at shutdown.
    expect(toConnection.filter((t) => t === 'unsubscribe')).toEqual([]);
    expect(b.openOrders(MARKET)).toEqual([]);
    expect(b.openOrders(MARKET_B)).toEqual([]);
  });

  it('after a socket drop, every market of the shared connection is resubscribed and trades on live frames again', async () => {
    const b = await start({ markets: [MARKET, MARKET_B] });
    await b.until('both plans resting', () => [MARKET, MARKET_B].every((m) => b.openOrders(m).length === PLAN.length && b.state(m).startsWith('running')));
    const before = new Map([MARKET, MARKET_B].map((m) => [m, b.paths.get(m)?.length ?? 0]));
    expect(b.sim.faults.closeSockets('all')).toBe(1);
    await b.until('both markets running again after reconciling', () =>
      [MARKET, MARKET_B].every((m) => b.state(m).startsWith('running') && (b.paths.get(m) ?? []).slice(before.get(m)).some((p) => p.startsWith('reconciling'))),
    );
    // Reconciling does not poll again: these fills can only be learnt from the new socket's frames.
    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string, MARKET);
    b.take('buy', AMOUNT, '200000', MARKET_B);
    const [a, c] = await b.until('a counter-order on each market', () => {
      const x = b.byLevel(MARKET).get(2)?.[0];
      const y = b.byLevel(MARKET_B).get(2)?.[0];
      return x && y ? [x, y] : null;
    });
    expect(a.order).toMatchObject({ side: 'sell', price: LEVEL_PRICE[2] });
    expect(c.order).toMatchObject({ side: 'buy', price: LEVEL_PRICE[2] });
    await b.stop();
    expect(b.openOrders(MARKET)).toEqual([]);
    expect(b.openOrders(MARKET_B)).toEqual([]);
    expect(b.sim.state.killSwitches(BOT_ACCOUNT)).toEqual([]);
    expect(b.violations).toEqual([]);
  });

  it('stops with onStop cancel: no order of the bot is left and the kill-switch is disarmed', async () => {
    const b = await start({ onStop: 'cancel' });
    await planPlaced(b);
    await b.stop();
    expect(b.openOrders()).toEqual([]);
    expect(b.sim.state.orders(BOT_ACCOUNT)).toEqual([]);
    expect(b.sim.state.killSwitches(BOT_ACCOUNT)).toEqual([]);
    expect(dedupe(b.path.map(top)).slice(-2)).toEqual(['killed', 'stopped']);
    expect(b.runtime.statuses()[0]).toMatchObject({ market: MARKET, state: 'stopped', liveOrders: 0 });
    expect(b.violations).toEqual([]);
  });

  it('stops with onStop cancel while a counter-order is in flight: the order that lands after the cancel-all is cancelled too', async () => {
    // Over REST whatever the suite's order entry: the proxy holds HTTP requests only.
    const b = await start({ onStop: 'cancel', proxy: true, orderEntry: 'rest' });
    const proxy = b.proxy as NonNullable<Bench['proxy']>;
    await planPlaced(b);
    proxy.hold('/api/v4/order/new');
    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    await b.until('the counter-order held in flight', () => proxy.held() === 1);

    const stopped = b.stop();
    // Regression (first end-to-end run): the market used to cancel-all at once, and the counter-order
    // that reached the exchange afterwards rested on, its kill-switch disarmed. Now it waits for the desk.
    await b.until(
      'the market stopping: waiting for the desk, or (before the fix) its cancel-all done',
      () => b.state() === 'killed.settling' || (b.state().startsWith('killed') && b.openOrders().length === 0),
    );
    expect(b.state()).toBe('killed.settling');
    expect(b.openOrders()).toHaveLength(PLAN.length - 1);
    proxy.release();
    await stopped;

    expect(placedAt(b, 2)).toHaveLength(1);
    expect(b.openOrders()).toEqual([]);
    expect(b.sim.state.killSwitches(BOT_ACCOUNT)).toEqual([]);
    expect(b.violations).toEqual([]);
  });

  it('stops with onStop cancel while a counter-order is in flight on the socket: the order that lands after the cancel-all is cancelled too', async () => {
    const b = await start({ onStop: 'cancel', wsProxy: true, orderEntry: 'ws' });
    const wsProxy = b.wsProxy as NonNullable<Bench['wsProxy']>;
    await planPlaced(b);
    wsProxy.hold('order_limit_place');
    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    await b.until('the socket counter-order held in flight', () => wsProxy.held() === 1);

    const stopped = b.stop();
    await b.until(
      'the market stopping: waiting for the desk, or its cancel-all done',
      () => b.state() === 'killed.settling' || (b.state().startsWith('killed') && b.openOrders().length === 0),
    );
    expect(b.state()).toBe('killed.settling');
    expect(b.openOrders()).toHaveLength(PLAN.length - 1);
    wsProxy.release();
    await stopped;

    // It went over the socket, landed once, and was cancelled with the rest.
    expect(b.via.ws).toBe(1);
    expect(placedAt(b, 2)).toHaveLength(1);
    expect(b.openOrders()).toEqual([]);
    expect(b.sim.state.killSwitches(BOT_ACCOUNT)).toEqual([]);
    expect(b.violations).toEqual([]);
  });

  it('stops with onStop cancel while the initial order/bulk is in flight: no order outlives the market', async () => {
    const b = await start({ onStop: 'cancel', proxy: true });
    const proxy = b.proxy as NonNullable<Bench['proxy']>;
    proxy.hold('/api/v4/order/bulk');
    await b.until('the plan held in flight', () => proxy.held() === 1);

    const stopped = b.stop();
    // Regression (first end-to-end run): the market used to leave placing at once (aborting the
    // request, which does not recall it) and cancel-all; the plan then landed and rested, unprotected.
    await b.until('the market waiting for the batch, or (before the fix) its cancel-all sent', () => b.market()?.context.stopReason != null);
    expect(b.state()).toBe('placing.sending');
    proxy.release();
    await stopped;

    expect(b.placed).toHaveLength(PLAN.length);
    expect(b.openOrders()).toEqual([]);
    expect(b.sim.state.killSwitches(BOT_ACCOUNT)).toEqual([]);
    expect(b.runtime.statuses()[0]).toMatchObject({ state: 'stopped', reason: 'test stop' });
  });

  it('stops with onStop leave: the orders keep resting and the kill-switch is disarmed', async () => {
    const b = await start({ onStop: 'leave' });
    await planPlaced(b);
    const resting = b
      .openOrders()
      .map((o) => o.order.id)
      .sort();
    await b.stop();
    expect(
      b
        .openOrders()
        .map((o) => o.order.id)
        .sort(),
    ).toEqual(resting);
    expect(b.sim.state.killSwitches(BOT_ACCOUNT)).toEqual([]);
    expect(b.runtime.statuses()[0]).toMatchObject({ state: 'stopped' });
    expect(b.violations).toEqual([]);
  });

  it('restarts with onStart adopt over the orders a previous run left: adopts them, places nothing twice', async () => {
    const first = await start({ onStop: 'leave' });
    await planPlaced(first);
    await first.stop();
    const left = first
      .openOrders()
      .map((o) => o.order.id)
      .sort();
    expect(left).toHaveLength(PLAN.length);

    const second = await startBench({ sim: first.sim, onStart: 'adopt' });
    try {
      await planPlaced(second);
      // No clean slate: straight to reconciling (a second pass may follow once the socket is up, to
      // cover the gap between the first REST snapshot and the subscription).
      const tops = dedupe(second.path.map(top));
      expect(tops.slice(0, 2)).toEqual(['init', 'reconciling']);
      expect(tops).not.toContain('cancelAll');
      expect(
        second
          .openOrders()
          .map((o) => o.order.id)
          .sort(),
      ).toEqual(left);
      expect(second.placed).toEqual([]);
      expect(second.sim.state.killSwitches(BOT_ACCOUNT)).toEqual([expect.objectContaining({ market: MARKET, types: ['spot'] })]);
      // The adopted orders trade as the bot's own.
      second.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
      const counter = await second.until('a sell at level 2', () => second.byLevel().get(2)?.[0]);
      expect(counter.order.amount.toFixed()).toBe(AMOUNT);
      await second.stop();
      expect(second.placed).toHaveLength(1);
      expect(second.openOrders()).toEqual([]);
      expect(second.violations).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('refuses a second bot on the same account and market (another journal, or none) before it sends anything; starts once the first stopped', async () => {
    const first = await start();
    await planPlaced(first);
    const resting = first
      .openOrders()
      .map((o) => o.order.id)
      .sort();
    const ordersBefore = first.sim.state.orders(BOT_ACCOUNT).length;
    // The first bot's kill-switch timer on the market is what gives it away.
    await expect(startBench({ sim: first.sim })).rejects.toThrow(
      /another client seems to trade this market[\s\S]*DBTC_DUSDT: a kill-switch timer this bot did not set is active/,
    );
    // Nothing was sent: the first grid rests untouched, no order was added or cancelled.
    expect(
      first
        .openOrders()
        .map((o) => o.order.id)
        .sort(),
    ).toEqual(resting);
    expect(first.sim.state.orders(BOT_ACCOUNT)).toHaveLength(ordersBefore);
    expect(first.violations).toEqual([]);
    await first.stop(); // disarms its timer
    const second = await startBench({ sim: first.sim });
    try {
      await planPlaced(second);
      expect(second.violations).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('an order/bulk that executed but answered 503 while its ordersPending frames were lost: reconciles, one order per level', async () => {
    const b = await start({
      beforeStart: (sim) => {
        sim.faults.failRequests({ status: 503, count: 1, path: '/api/v4/order/bulk', after: true });
        // Without these frames, only reconciling (by client id) can learn what the 503 hid.
        sim.faults.dropFrames('ordersPending', { next: PLAN.length });
      },
    });
    await planPlaced(b);
    expect(b.sim.faults.stats.requestsFailed).toBe(1);
    expect(b.sim.faults.stats.framesDropped).toBe(PLAN.length);
    expect(dedupe(b.path.map(top))).toEqual(['init', 'cancelAll', 'placing', 'reconciling', 'placing', 'running']);
    expect(levelCounts(b)).toEqual(PLAN.map((p) => [p.level, 1]));
    // Found by client id: nothing was placed twice.
    expect(b.placed).toHaveLength(PLAN.length);
    expect(b.runtime.statuses()[0]).toMatchObject({ liveOrders: PLAN.length, pendingOrders: 0 });

    // The adopted orders are traded like any other.
    b.take('sell', AMOUNT, LEVEL_PRICE[1] as string);
    await b.until('a sell at level 2', () => b.byLevel().get(2)?.[0]);
    await b.stop();
    expect(b.placed).toHaveLength(PLAN.length + 1);
    expect(b.violations).toEqual([]);
  });

  it('an order/bulk that executed but answered 503 while its ordersPending frames arrived: the feed resolves it, nothing is re-placed', async () => {
    const b = await start({
      beforeStart: (sim) => sim.faults.failRequests({ status: 503, count: 1, path: '/api/v4/order/bulk', after: true }),
    });
    await planPlaced(b);
    expect(b.sim.faults.stats.requestsFailed).toBe(1);
    expect(levelCounts(b)).toEqual(PLAN.map((p) => [p.level, 1]));
    expect(b.placed).toHaveLength(PLAN.length);
    expect(b.runtime.statuses()[0]).toMatchObject({ liveOrders: PLAN.length, pendingOrders: 0 });
    await b.stop();
    expect(b.placed).toHaveLength(PLAN.length);
    expect(b.violations).toEqual([]);
  });
});

/** [level, open orders there], by level. */
function levelCounts(b: Bench): [number, number][] {
  return [...groupByLevel(b.openOrders()).entries()].map(([level, list]): [number, number] => [level, list.length]).sort((x, y) => x[0] - y[0]);
}

/** The top lifecycle state of a path: `reconciling.fetching` → `reconciling`. */
function top(path: string): string {
  return path.split('.')[0] ?? path;
}

function dedupe(xs: readonly string[]): string[] {
  return xs.filter((x, i) => i === 0 || xs[i - 1] !== x);
}
