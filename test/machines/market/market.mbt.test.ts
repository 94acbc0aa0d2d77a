/**
 * Model-based test of the market actor. An abstract model of the market lifecycle (no timers, no
 * invokes) generates, with `createTestModel`, a shortest path to every edge of the model; each path
 * drives the real actor against a fake exchange (test-resolved IO, a simulated clock) and checks the
 * real state and the invariants after every step. Coverage of the real chart's edges is measured from
 * the inspection stream and must be complete.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { encodeClientOrderId } from '../../../src/grid/client-order-id.js';
import { type OrderIntent, toPlain } from '../../../src/grid/index.js';
import { marketMachine } from '../../../src/machines/market/market.machine.js';
import { MarketIoError } from '../../../src/machines/market/market.io.js';
import { DBTC_DUSDT } from '../../grid/fixtures.js';
import { TransitionCoverage } from '../../support/transition-coverage.js';
import { type MarketHarness, placedAll, settings, startMarket } from './market-harness.js';

const retry = () => new MarketIoError('retry', 'HTTP 503 after retries');
const fatal = () => new MarketIoError('fatal', 'HTTP 401 unauthorized');
const unknown = () => new MarketIoError('unknownOutcome', 'socket lost after the request was written');

type Mode = 'cancel-all' | 'adopt';

function model(mode: Mode) {
  const kill = 'killCancelling';
  return createMachine({
    id: 'model',
    initial: 'loading',
    states: {
      loading: {
        on: {
          LOAD_OK: mode === 'adopt' ? 'fetchingInitial' : 'cancelling',
          LOAD_BAD_PLAN: kill,
          LOAD_FAIL: 'loadWaiting',
          LOAD_FATAL: kill,
          STOP: kill,
        },
      },
      loadWaiting: { on: { RETRY: 'loading' } },
      cancelling: { on: { CANCEL_OK: 'arming', CANCEL_FAIL: 'cancelWaiting', CANCEL_FATAL: kill, CONN_DOWN_BEFORE_PLACING: 'cancellingDown' } },
      // The socket is down when the kill-switch is armed: nothing is placed until fills can be heard.
      cancellingDown: { on: { CANCEL_OK: 'armingDown' } },
      armingDown: { on: { ARM_OK: 'awaitingFeed' } },
      awaitingFeed: { on: { CONN_UP: 'sending1' } },
      cancelWaiting: { on: { RETRY: 'cancelling' } },
      arming: { on: { ARM_OK: 'sending1', ARM_FAIL: 'armWaiting', ARM_FATAL: kill } },
      armWaiting: { on: { RETRY: 'arming' } },
      sending1: {
        on: { BATCH_OK: 'sending2', BATCH_UNKNOWN: 'sending2AfterUnknown', BATCH_NOT_SENT: 'sendWaiting', BATCH_FATAL: kill, STOP: 'sendingStopping' },
      },
      // Stopped with a batch in flight: the market waits for its answer, then cleans up.
      sendingStopping: { on: { BATCH_OK: kill, BATCH_NOT_SENT: kill } },
      sendWaiting: { on: { RETRY: 'sending1' } },
      sending2: { on: { BATCH_OK: 'running', CONN_DOWN_WHILE_PLACING: 'sending2Down', CONN_BLIP_WHILE_PLACING: 'sending2Blip' } },
      // The socket dropped while placing and is still down: the market waits in reconnecting.
      sending2Down: { on: { BATCH_OK: 'reconnecting' } },
      // It dropped and came back while placing: fills in the gap were never pushed, so reconcile first.
      sending2Blip: { on: { BATCH_OK: 'fetching' } },
      sending2AfterUnknown: { on: { BATCH_OK: 'fetching' } },
      running: {
        on: {
          FILL: 'runningWithDesk',
          PRICE_OK: 'running',
          PRICE_BREACH: kill,
          KS_REFRESH_OK: 'running',
          KS_REFRESH_FAIL_THEN_OK: 'running',
          KS_AUTH_FAIL: kill,
          CONN_DOWN: 'reconnecting',
          // A second `connection.up` (the feed re-reports its status) while orders rest: what the gap hid is asked.
          CONN_UP_AGAIN: 'fetching',
          STOP: kill,
          // Nothing seemed wrong for reconcileEverySec: the market reconciles anyway (a frame lost without a socket loss).
          AUDIT: 'fetching',
          // A private frame of the market arrived unreadable: what it said is asked of the exchange at once.
          FRAME_LOST: 'fetching',
        },
      },
      runningWithDesk: {
        on: {
          DESK_OK: 'running',
          DESK_UNKNOWN: 'fetching',
          DESK_NOT_SENT: 'cooling',
          DESK_FATAL: kill,
          CONN_DOWN: 'reconnectingWithDesk',
          STOP: 'killSettling',
        },
      },
      // Stopped with a counter-order in flight: the cancel-all waits for the desk's answer (or a deadline).
      killSettling: { on: { DESK_OK: kill, SETTLE_TIMEOUT: kill } },
      cooling: { on: { RETRY: 'runningWithDesk' } },
      reconnecting: {
        on: { CONN_UP: 'fetching', FILL_WHILE_DOWN: 'reconnecting', PRICE_WHILE_DOWN: 'reconnecting', KS_REFRESH_OK: 'reconnecting', STOP: kill },
      },
      reconnectingWithDesk: { on: { DESK_OK: 'reconnecting' } },
      // Adopt on start: nothing of ours rests yet, so the whole plan is owed and goes out in bulk after re-arming.
      fetchingInitial: { on: { FETCH_OK: 'arming' } },
      fetching: {
        on: { FETCH_OK: 'rearming', FETCH_STRAYS: 'cancellingStrays', FETCH_FAIL: 'fetchWaiting', FETCH_FATAL: kill, CONN_DOWN: 'reconnecting' },
      },
      // After a reconcile that found everything, placing only re-arms the kill-switch.
      rearming: { on: { ARM_OK: 'running' } },
      fetchWaiting: { on: { RETRY: 'fetching' } },
      cancellingStrays: { on: { STRAYS_CANCELLED: 'rearming', STRAYS_FAIL: 'fetchWaiting', STRAYS_FATAL: kill } },
      // Never disarmed before the cancel-all went through: retried, or (refused for good) left armed.
      killCancelling: { on: { KILL_CANCEL_OK: 'killDisarming', KILL_CANCEL_FAIL: 'killCancelWaiting', KILL_CANCEL_FATAL: 'leftArmed' } },
      killCancelWaiting: { on: { RETRY: 'killCancelling' } },
      killDisarming: { on: { DISARM_OK: 'stopped', DISARM_FAIL: 'killDisarmWaiting', DISARM_FATAL: 'stopped' } },
      killDisarmWaiting: { on: { RETRY: 'killDisarming' } },
      stopped: { type: 'final' },
      leftArmed: { type: 'final' },
    },
  });
}

/** The open orders the fake exchange reports: every order the book believes rests or may rest. */
function exchangeView(h: MarketHarness) {
  const book = h.context().book;
  if (!book) return [];
  return [...book.orders.values()]
    .filter((o) => o.state === 'live' || o.state === 'unknown')
    .map((o) => ({
      orderId: o.orderId ?? 9_000 + o.level,
      clientOrderId: o.clientOrderId,
      side: o.side,
      price: toPlain(o.price),
      amount: toPlain(o.amount),
      left: toPlain(o.amount),
      dealStock: '0',
    }));
}

const coverage = new TransitionCoverage(marketMachine);
const BATCH_SIZE = 3; // four plan orders: two order/bulk requests
/** Longer than any run of clock steps the other events make inside `running` (at most ~75 s). */
const AUDIT_SEC = 90;

describe.each<Mode>(['cancel-all', 'adopt'])('market actor against its model (on-start %s)', (mode) => {
  const paths = createTestModel(model(mode), {
    serializeState: (state, event, prev) => `${JSON.stringify(state.value)} via ${event?.type ?? ''} from ${JSON.stringify(prev?.value ?? null)}`,
  }).getShortestPaths();

  it.each(paths.map((p) => [p.description, p] as const))('%s', async (_d, path) => {
    const h = startMarket(
      settings({
        onStart: mode,
        batchSize: BATCH_SIZE,
        risk: { rangeExitMarginPercent: '5', stopLossQuote: null, maxInventoryBase: null },
        reconcileEverySec: AUDIT_SEC,
      }),
      coverage.inspect,
    );
    const sent: OrderIntent[] = [];
    let nextOrderId = 1_000;
    const lastBatch = () => (h.calls.filter((c) => c.name === 'placeBatch').at(-1)?.input as { intents: OrderIntent[] }).intents;
    const resolveBatch = async () => {
      const batch = lastBatch();
      sent.push(...batch);
      await h.resolve('placeBatch', placedAll(batch, nextOrderId));
      nextOrderId += batch.length;
    };
    const lastDesk = () => h.desk.placed.at(-1)!.intents;
    const deskReply = (kind: 'placed' | 'unknown' | 'notSent', fatal: string | null = null) => {
      const intents = lastDesk();
      h.desk.reply({
        type: 'desk.result',
        fatal,
        outcomes: intents.map((i) =>
          kind === 'placed'
            ? { kind, clientOrderId: i.clientOrderId, orderId: nextOrderId++, dealStock: '0', left: i.amount }
            : { kind, clientOrderId: i.clientOrderId, reason: 'test' },
        ),
      });
    };
    const fillOneLive = () => {
      const book = h.context().book!;
      // The buy nearest the gap: its counter-order's level is free, so the desk is asked at once.
      const order = [...book.orders.values()]
        .filter((o) => o.state === 'live' && o.side === 'buy' && o.orderId !== null && !book.orders.has(o.level + 1))
        .sort((a, b) => b.level - a.level)[0]!;
      const deal = {
        dealId: nextOrderId++,
        orderId: order.orderId!,
        clientOrderId: order.clientOrderId,
        side: order.side,
        price: toPlain(order.price),
        amount: toPlain(order.amount),
        fee: '0',
        feeAsset: 'DUSDT',
        time: 1,
      };
      h.feed.push({ type: 'feed.deal', deal });
      h.feed.push({
        type: 'feed.order',
        update: {
          orderId: deal.orderId,
          clientOrderId: deal.clientOrderId,
          side: deal.side,
          price: deal.price,
          amount: deal.amount,
          left: '0',
          dealStock: deal.amount,
          final: true,
        },
      });
    };
    const retryDelay = () => h.clock.increment(30_000);
    try {
      await path.test({
        events: {
          LOAD_OK: () => h.resolve('loadMarket', { rules: DBTC_DUSDT, lastPrice: '60000' }),
          // Prices so far from the ladder that the fee check fails.
          LOAD_BAD_PLAN: () => h.resolve('loadMarket', { rules: { ...DBTC_DUSDT, makerFeePercent: DBTC_DUSDT.makerFeePercent.times(10) }, lastPrice: '60000' }),
          LOAD_FAIL: () => h.reject('loadMarket', retry()),
          LOAD_FATAL: () => h.reject('loadMarket', fatal()),
          RETRY: retryDelay,
          STOP: () => h.actor.send({ type: 'stop', reason: 'operator' }),
          CANCEL_OK: () => h.resolve('cancelAll'),
          CANCEL_FAIL: () => h.reject('cancelAll', unknown()),
          CANCEL_FATAL: () => h.reject('cancelAll', fatal()),
          ARM_OK: () => h.resolve('armKillSwitch', { cancellationTimeMs: 60_000 }),
          ARM_FAIL: () => h.reject('armKillSwitch', retry()),
          ARM_FATAL: () => h.reject('armKillSwitch', fatal()),
          BATCH_OK: resolveBatch,
          BATCH_UNKNOWN: async () => {
            sent.push(...lastBatch());
            await h.reject('placeBatch', unknown());
          },
          BATCH_NOT_SENT: () => h.reject('placeBatch', retry()),
          BATCH_FATAL: () => h.reject('placeBatch', fatal()),
          FILL: fillOneLive,
          FILL_WHILE_DOWN: fillOneLive,
          PRICE_OK: () => h.feed.push({ type: 'feed.price', price: '60100' }),
          PRICE_WHILE_DOWN: () => h.feed.push({ type: 'feed.price', price: '60100' }),
          PRICE_BREACH: () => h.feed.push({ type: 'feed.price', price: '70000' }),
          KS_REFRESH_OK: async () => {
            h.clock.increment(20_000);
            await h.resolve('armKillSwitch', { cancellationTimeMs: 80_000 });
          },
          KS_REFRESH_FAIL_THEN_OK: async () => {
            h.clock.increment(20_000);
            await h.reject('armKillSwitch', retry());
            h.clock.increment(5_000);
            await h.resolve('armKillSwitch', { cancellationTimeMs: 85_000 });
          },
          KS_AUTH_FAIL: async () => {
            h.clock.increment(20_000);
            await h.reject('armKillSwitch', fatal());
          },
          DESK_OK: () => {
            sent.push(...lastDesk());
            deskReply('placed');
          },
          DESK_UNKNOWN: () => {
            sent.push(...lastDesk());
            deskReply('unknown');
          },
          DESK_NOT_SENT: () => deskReply('notSent'),
          DESK_FATAL: () => deskReply('notSent', 'HTTP 401 unauthorized'),
          CONN_DOWN: () => h.feed.push({ type: 'connection.down' }),
          CONN_DOWN_WHILE_PLACING: () => h.feed.push({ type: 'connection.down' }),
          CONN_DOWN_BEFORE_PLACING: () => h.feed.push({ type: 'connection.down' }),
          CONN_BLIP_WHILE_PLACING: () => {
            h.feed.push({ type: 'connection.down' });
            h.feed.push({ type: 'connection.up' });
          },
          CONN_UP: () => h.feed.push({ type: 'connection.up' }),
          CONN_UP_AGAIN: () => h.feed.push({ type: 'connection.up' }),
          FRAME_LOST: () => h.feed.push({ type: 'feed.lost' }),
          FETCH_OK: () => h.resolve('fetchExchange', { openOrders: exchangeView(h), deals: [] }),
          FETCH_STRAYS: () => {
            const view = exchangeView(h);
            const keeper = view[0]!;
            const level = h.context().book!.orders.values().next().value!.level;
            const dup = encodeClientOrderId({ botId: 'tb', market: 'DBTC_DUSDT' }, { level, side: keeper.side, seq: 999_999 });
            if (!dup.ok) throw new Error(dup.reason);
            return h.resolve('fetchExchange', { openOrders: [...view, { ...keeper, orderId: 77_777, clientOrderId: dup.id }], deals: [] });
          },
          FETCH_FAIL: () => h.reject('fetchExchange', retry()),
          FETCH_FATAL: () => h.reject('fetchExchange', fatal()),
          STRAYS_CANCELLED: () => h.resolve('cancelOrders', [{ orderId: 77_777, ok: true, reason: null }]),
          STRAYS_FAIL: () => h.reject('cancelOrders', retry()),
          STRAYS_FATAL: () => h.reject('cancelOrders', fatal()),
          KILL_CANCEL_OK: () => h.resolve('cancelAll'),
          KILL_CANCEL_FAIL: () => h.reject('cancelAll', retry()),
          KILL_CANCEL_FATAL: () => h.reject('cancelAll', fatal()),
          DISARM_OK: () => h.resolve('disarmKillSwitch'),
          DISARM_FAIL: () => h.reject('disarmKillSwitch', retry()),
          DISARM_FATAL: () => h.reject('disarmKillSwitch', fatal()),
          SETTLE_TIMEOUT: () => h.clock.increment(15_000),
          AUDIT: async () => {
            // The kill-switch keeps being refreshed every 20 s meanwhile; the reconcile comes due at 90 s, between two refreshes.
            for (let k = 1; k <= 4; k += 1) {
              h.clock.increment(20_000);
              await h.resolve('armKillSwitch', { cancellationTimeMs: 60_000 + k * 20_000 });
            }
            expect(h.actor.getSnapshot().matches({ lifecycle: { running: 'trading' } })).toBe(true);
            h.clock.increment(AUDIT_SEC * 1000 - 80_000);
          },
        },
        states: {
          '*': () => {
            // Invariant: a client order id is never sent twice.
            const ids = sent.map((i) => i.clientOrderId);
            expect(new Set(ids).size).toBe(ids.length);
          },
          loading: () => expect(h.actor.getSnapshot().matches({ lifecycle: { init: 'loading' } })).toBe(true),
          loadWaiting: () => expect(h.actor.getSnapshot().matches({ lifecycle: { init: 'waiting' } })).toBe(true),
          cancelling: () => expect(h.actor.getSnapshot().matches({ lifecycle: { cancelAll: 'cancelling' } })).toBe(true),
          cancelWaiting: () => expect(h.actor.getSnapshot().matches({ lifecycle: { cancelAll: 'waiting' } })).toBe(true),
          arming: () => {
            expect(h.actor.getSnapshot().matches({ lifecycle: { placing: 'arming' } })).toBe(true);
            // Invariant: nothing is placed before the kill-switch is armed.
            expect(h.calls.some((c) => c.name === 'placeBatch')).toBe(false);
          },
          armWaiting: () => expect(h.actor.getSnapshot().matches({ lifecycle: { placing: 'armWaiting' } })).toBe(true),
          sending1: () => expect(h.actor.getSnapshot().matches({ lifecycle: { placing: 'sending' } })).toBe(true),
          sending2: () => expect(lastBatch()).toHaveLength(1),
          sending2AfterUnknown: () => expect(lastBatch()).toHaveLength(1),
          sending2Down: () => expect(h.context().connected).toBe(false),
          cancellingDown: () => expect(h.context().connected).toBe(false),
          armingDown: () => expect(h.actor.getSnapshot().matches({ lifecycle: { placing: 'arming' } })).toBe(true),
          awaitingFeed: () => {
            expect(h.actor.getSnapshot().matches({ lifecycle: { placing: 'awaitingFeed' } })).toBe(true);
            expect(h.calls.some((c) => c.name === 'placeBatch')).toBe(false);
          },
          sending2Blip: () => expect(h.context().needsReconcile).toBe(true),
          sendingStopping: () => {
            expect(h.actor.getSnapshot().matches({ lifecycle: { placing: 'sending' } })).toBe(true);
            expect(h.context().stopReason).toBe('operator');
          },
          sendWaiting: () => expect(h.actor.getSnapshot().matches({ lifecycle: { placing: 'sendWaiting' } })).toBe(true),
          running: () => {
            expect(h.actor.getSnapshot().matches({ lifecycle: { running: 'trading' } })).toBe(true);
            expect(h.actor.getSnapshot().matches({ killSwitch: 'armed' })).toBe(true);
          },
          runningWithDesk: () => {
            expect(h.actor.getSnapshot().matches({ lifecycle: 'running' })).toBe(true);
            expect(lastDesk().length).toBeGreaterThan(0);
          },
          cooling: () => expect(h.actor.getSnapshot().matches({ lifecycle: { running: 'cooling' } })).toBe(true),
          reconnecting: () => {
            expect(h.actor.getSnapshot().matches({ lifecycle: 'reconnecting' })).toBe(true);
            // Orders rest under the kill-switch while the socket is down.
            expect(h.actor.getSnapshot().matches({ killSwitch: 'armed' })).toBe(true);
          },
          reconnectingWithDesk: () => expect(h.actor.getSnapshot().matches({ lifecycle: 'reconnecting' })).toBe(true),
          fetching: () => expect(h.actor.getSnapshot().matches({ lifecycle: { reconciling: 'fetching' } })).toBe(true),
          fetchingInitial: () => expect(h.actor.getSnapshot().matches({ lifecycle: { reconciling: 'fetching' } })).toBe(true),
          rearming: () => expect(h.actor.getSnapshot().matches({ lifecycle: { placing: 'arming' } })).toBe(true),
          fetchWaiting: () => expect(h.actor.getSnapshot().matches({ lifecycle: { reconciling: 'waiting' } })).toBe(true),
          cancellingStrays: () => {
            expect(h.actor.getSnapshot().matches({ lifecycle: { reconciling: 'cancellingStrays' } })).toBe(true);
            expect(h.calls.at(-1)).toEqual({ name: 'cancelOrders', input: { market: 'DBTC_DUSDT', orderIds: [77_777] } });
          },
          killCancelling: () => {
            expect(h.actor.getSnapshot().matches({ lifecycle: { killed: 'cancelling' } })).toBe(true);
            expect(h.context().stopReason).not.toBeNull();
            // A second stop changes nothing.
            const before = h.calls.length;
            h.actor.send({ type: 'stop', reason: 'again' });
            expect(h.calls.length).toBe(before);
          },
          killSettling: () => {
            expect(h.actor.getSnapshot().matches({ lifecycle: { killed: 'settling' } })).toBe(true);
            expect(h.pendingNames()).not.toContain('cancelAll');
          },
          killCancelWaiting: () => {
            expect(h.actor.getSnapshot().matches({ lifecycle: { killed: 'cancelWaiting' } })).toBe(true);
            expect(h.calls.map((c) => c.name)).not.toContain('disarmKillSwitch');
            expect(h.context().ordersMayRest).toBe(true);
          },
          killDisarming: () => expect(h.actor.getSnapshot().matches({ lifecycle: { killed: 'disarming' } })).toBe(true),
          killDisarmWaiting: () => expect(h.actor.getSnapshot().matches({ lifecycle: { killed: 'disarmWaiting' } })).toBe(true),
          stopped: () => {
            expect(h.actor.getSnapshot().status).toBe('done');
            expect(h.calls.filter((c) => c.name === 'disarmKillSwitch').length).toBeGreaterThanOrEqual(1);
            expect(h.context().ordersMayRest).toBe(false);
          },
          leftArmed: () => {
            expect(h.actor.getSnapshot().status).toBe('done');
            expect(h.calls.map((c) => c.name)).not.toContain('disarmKillSwitch');
            expect(h.context().ordersMayRest).toBe(true);
          },
        },
      });
    } finally {
      h.actor.stop();
    }
  });
});

describe('market actor IO failures outside the model', () => {
  it('stops a market whose feed cannot start', async () => {
    const h = startMarket(settings(), coverage.inspect, { feedThrows: true });
    expect(h.actor.getSnapshot().matches({ lifecycle: 'killed' })).toBe(true);
    expect(h.context().stopReason).toMatch(/^feed:/);
    h.actor.stop();
  });

  it('stops a market whose desk cannot start', async () => {
    const h = startMarket(settings(), coverage.inspect, { deskThrows: true });
    expect(h.actor.getSnapshot().matches({ lifecycle: 'killed' })).toBe(true);
    expect(h.context().stopReason).toMatch(/^desk:/);
    h.actor.stop();
  });

  it('waits and loads again on a plan that fails at the loaded price, with invalidPlan: wait (market.plan-waits.test.ts)', async () => {
    const h = startMarket(settings({ invalidPlan: 'wait' }), coverage.inspect);
    await h.resolve('loadMarket', { rules: { ...DBTC_DUSDT, makerFeePercent: DBTC_DUSDT.makerFeePercent.times(10) }, lastPrice: '60000' });
    expect(h.actor.getSnapshot().matches({ lifecycle: { init: 'waiting' } })).toBe(true);
    h.actor.stop();
  });

  it('leaves the orders when configured to, and only disarms', async () => {
    const h = startMarket(settings({ onStop: 'leave' }), coverage.inspect);
    h.actor.send({ type: 'stop', reason: 'operator' });
    expect(h.pendingNames()).toContain('disarmKillSwitch');
    expect(h.calls.filter((c) => c.name === 'cancelAll')).toHaveLength(0);
    h.actor.stop();
  });
});

afterAll(() => {
  process.stdout.write(`market chart coverage: ${coverage.ratio()} transitions\n`);
  const missing = coverage.missing();
  expect(missing, `uncovered edges:\n${missing.join('\n')}`).toEqual([]);
});
