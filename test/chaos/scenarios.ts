/**
 * The chaos scenario library (issue 7). Each scenario builds a simulator and a bot, drives a seeded
 * schedule of taker fills and faults, stops the bot, and returns what the simulator recorded,
 * judged by test/support/sim-invariants.ts:
 * - at most one open order per level, and an armed kill-switch whenever the bot's orders rest
 *   (on every exchange event);
 * - for every fill exactly one counter-order quantity (residues below the minimum may be pending);
 * - no order and no kill-switch of the bot left after shutdown;
 * - the journal's fills are the exchange's, and no journal order is `live` that the exchange finished;
 * - no unhandled rejection or uncaught exception (test/chaos/support/outcome.ts).
 *
 * Every choice comes from the scenario's PRNG (`rig.rng`, seeded from the run's seed and the
 * scenario's name) and the simulator's fault dice (seeded by the same seed), so a run's schedule
 * repeats under its seed. What does not repeat exactly is the interleaving of real loopback sockets
 * and timers with that schedule; the waits are on conditions, so the schedule itself does.
 */
import type { FrameChannel, SimEvent } from '../../src/sim/index.js';
import type { Scenario } from './support/outcome.js';
import { framesCorrupt } from './scenario-frames-corrupt.js';
import { slowBody } from './scenario-slow-body.js';
import { priceSweep } from './scenario-price-sweep.js';
import { wsDropAfterSend } from './scenario-ws-drop-after-send.js';
import { wsReplyLost } from './scenario-ws-reply-lost.js';
import { wsReplyDuplicated } from './scenario-ws-reply-duplicated.js';
import { wsPushesBeforeReply } from './scenario-ws-pushes-before-reply.js';
import { wsError43 } from './scenario-ws-error-43.js';
import { wsBudgetExhausted } from './scenario-ws-budget-exhausted.js';
import { sigkillRestart } from './support/process-rig.js';
import { type Rig, runInProcess } from './support/rig.js';
import { BOT_ACCOUNT, MARKET, PLAN } from '../integration/harness.js';

const FRAME_CHANNELS: readonly Exclude<FrameChannel, '*'>[] = ['deals', 'ordersPending', 'balanceSpot', 'lastprice', 'depth', 'reply'];
const FEED_CHANNELS: readonly Exclude<FrameChannel, '*' | 'reply'>[] = ['deals', 'ordersPending', 'balanceSpot', 'lastprice', 'depth'];

/** A few bursts of fills, each followed by a wait until the bot is quiet again. */
async function tradeAndSettle(rig: Rig, rounds: number, label: string): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    rig.burst(rig.between(1, 3));
    await rig.settle(`${label}, round ${i + 1}`);
  }
}

/** Closes the bot's socket (from a microtask, like a network drop) once `when` has matched its `n`-th exchange event. */
function dropSocketOn(rig: Rig, n: number, when: (e: SimEvent) => boolean, label: string): () => void {
  const sim = rig.bench.sim;
  let seen = 0;
  const off = sim.onEvent((e) => {
    if (!when(e)) return;
    seen += 1;
    if (seen !== n) return;
    off();
    queueMicrotask(() => {
      const closed = sim.faults.closeSockets('all');
      rig.log.push(`socket drop (${label}, event ${n}): ${closed} closed`);
    });
  });
  return off;
}

const socketDropPlacing: Scenario = {
  name: 'socket-drop-placing',
  summary: 'the socket drops as the k-th plan order lands (sometimes while a taker fills it)',
  cost: 'cheap',
  run: (seed) =>
    runInProcess(
      'socket-drop-placing',
      seed,
      {
        beforeStart: (sim, rng, log) => {
          const k = 1 + rng.int(PLAN.length);
          const fillIt = rng.chance(0.5);
          let seen = 0;
          const off = sim.onEvent((e) => {
            if (e.type !== 'order' || e.accountId !== BOT_ACCOUNT || e.event !== 1) return;
            seen += 1;
            if (seen !== k) return;
            off();
            const order = e.order;
            queueMicrotask(() => {
              if (fillIt) {
                const r = sim.exchange.placeOrder(
                  'taker',
                  { market: MARKET, side: order.side === 'buy' ? 'sell' : 'buy', amount: '0.001', price: order.price, ioc: true },
                  sim.clock.now(),
                );
                log.push(`take 0.001 of plan order ${order.clientOrderId} as it lands: ${r.ok ? 'ok' : 'refused'}`);
              }
              log.push(`socket drop at plan order ${k}: ${sim.faults.closeSockets('all')} closed`);
            });
          });
        },
      },
      async (rig) => {
        await rig.settle('after the plan under a socket drop');
        await tradeAndSettle(rig, rig.between(2, 3), 'after reconnecting');
      },
    ),
};

const socketDropFillBurst: Scenario = {
  name: 'socket-drop-fill-burst',
  summary: 'the socket drops after the j-th deal of a fill burst; more fills land while it is down',
  cost: 'cheap',
  run: (seed) =>
    runInProcess('socket-drop-fill-burst', seed, {}, async (rig) => {
      await rig.planPlaced();
      for (let round = 0; round < 2; round++) {
        const j = rig.between(1, 4);
        const off = dropSocketOn(rig, j, (e) => e.type === 'deal' && e.accountId === BOT_ACCOUNT, 'fill burst');
        rig.burst(rig.between(2, 5));
        off();
        if (rig.rng.chance(0.5)) {
          const mark = rig.bench.path.length;
          await rig.bench
            .until('the market noticing the drop', () => rig.visited('reconnecting', mark) || rig.bench.sim.faults.stats.socketsClosed === 0, 5_000)
            .catch(() => undefined);
          rig.burst(rig.between(1, 2));
        }
        await rig.settle(`after burst ${round + 1}`);
      }
    }),
};

const socketDropReconciling: Scenario = {
  name: 'socket-drop-reconciling',
  summary: 'the socket drops, and drops again while the market reconciles (slowed REST), with fills in between',
  cost: 'cheap',
  run: (seed) =>
    runInProcess('socket-drop-reconciling', seed, {}, async (rig) => {
      await rig.planPlaced();
      const { sim } = rig.bench;
      for (let round = 0; round < 2; round++) {
        const mark = rig.bench.path.length;
        sim.faults.setRestLatency(rig.between(20, 150));
        rig.log.push(`round ${round + 1}: rest latency ${sim.faults.restLatencyMs} ms, socket drop`);
        sim.faults.closeSockets('all');
        if (rig.rng.chance(0.5)) rig.burst(1);
        await rig.bench.until('reconciling after the drop', () => rig.visited('reconciling', mark), 8_000);
        rig.burst(rig.between(0, 2));
        if (rig.rng.chance(0.6)) {
          rig.log.push('socket drop during reconciling');
          sim.faults.closeSockets('all');
        }
        sim.faults.setRestLatency(0);
        await rig.settle(`after round ${round + 1}`);
      }
      await tradeAndSettle(rig, 1, 'on live frames');
    }),
};

const framesDupReorder: Scenario = {
  name: 'frames-dup-reorder',
  summary: 'duplicated and reordered frames on every channel (replies too); no reconnect to lean on',
  cost: 'cheap',
  run: (seed) =>
    runInProcess('frames-dup-reorder', seed, {}, async (rig) => {
      await rig.planPlaced();
      const { faults } = rig.bench.sim;
      const rules: (() => void)[] = [];
      for (const ch of FRAME_CHANNELS) {
        const dup = Math.round(rig.rng.next() * 40) / 100;
        const reo = Math.round(rig.rng.next() * 40) / 100;
        if (dup > 0) rules.push(faults.duplicateFrames(ch, { probability: dup }));
        if (reo > 0) rules.push(faults.reorderFrames(ch, { probability: reo }));
        rig.log.push(`${ch}: duplicate ${dup}, reorder ${reo}`);
      }
      await tradeAndSettle(rig, rig.between(3, 5), 'under duplicated and reordered frames');
      for (const off of rules) off();
      await tradeAndSettle(rig, 1, 'after the faults');
    }),
};

const framesLost: Scenario = {
  name: 'frames-lost',
  summary: 'lost (and duplicated, reordered, delayed) feed frames on every channel; the next reconnect must recover what was lost',
  cost: 'cheap',
  run: (seed) =>
    runInProcess('frames-lost', seed, {}, async (rig) => {
      await rig.planPlaced();
      const { faults } = rig.bench.sim;
      const rules: (() => void)[] = [];
      for (const ch of FEED_CHANNELS) {
        const drop = Math.round(rig.rng.next() * 50) / 100;
        rules.push(faults.dropFrames(ch, { probability: drop }));
        if (rig.rng.chance(0.5)) rules.push(faults.duplicateFrames(ch, { probability: 0.2 }));
        if (rig.rng.chance(0.5)) rules.push(faults.reorderFrames(ch, { probability: 0.2 }));
        if (rig.rng.chance(0.3)) rules.push(faults.delayFrames(ch, { probability: 0.3, delayMs: rig.between(5, 80) }));
        rig.log.push(`${ch}: drop ${drop}`);
      }
      // One lost reply: the connection's reply deadline, not a silent hang.
      if (rig.rng.chance(0.3)) {
        rules.push(faults.dropFrames('reply', { next: 1 }));
        rig.log.push('reply: drop the next one');
      }
      for (let i = 0, n = rig.between(2, 4); i < n; i++) rig.burst(rig.between(1, 3));
      for (const off of rules) off();
      // WebSocket over TCP loses nothing by itself: a lost frame means a lost connection. Recover the
      // way the bot does: reconnect and reconcile.
      const mark = rig.bench.path.length;
      rig.log.push(`socket drop to recover: ${faults.closeSockets('all')} closed`);
      await rig.bench.until('reconciling after the drop', () => rig.visited('reconciling', mark), 12_000);
      await rig.settle('after the reconnect');
      await tradeAndSettle(rig, 1, 'on live frames');
    }),
};

const RETRYABLE_PATHS = [
  undefined,
  '/api/v4/order/new',
  '/api/v4/order/bulk',
  '/api/v4/orders',
  '/api/v4/trade-account/executed-history',
  '/api/v4/order/kill-switch',
  '/api/v4/order/cancel/all',
] as const;

const restBursts: Scenario = {
  name: 'rest-429-5xx-bursts',
  summary: "429 and 5xx bursts on the bot's REST paths (some answered only after the request took effect), between fills and socket drops",
  cost: 'cheap',
  run: (seed) =>
    runInProcess(
      'rest-429-5xx-bursts',
      seed,
      {
        beforeStart: (sim, rng, log) => {
          const status = ([429, 500, 502, 503, 504] as const)[rng.int(5)] ?? 503;
          const path = rng.chance(0.5) ? '/api/v4/order/bulk' : '/api/v4/order/cancel/all';
          const after = status !== 429 && rng.chance(0.5);
          sim.faults.failRequests({ status, count: 1 + rng.int(2), path, after });
          log.push(`before start: ${status} on ${path}${after ? ' (after taking effect)' : ''}`);
        },
      },
      async (rig) => {
        await rig.settle('the plan under failures');
        const { faults } = rig.bench.sim;
        for (let round = 0; round < 4; round++) {
          const status = rig.pick([429, 500, 502, 503, 504] as const);
          const path = rig.pick(RETRYABLE_PATHS);
          const after = status !== 429 && rig.rng.chance(0.5);
          const count = rig.between(1, 3);
          faults.failRequests({ status, count, ...(path ? { path } : {}), after });
          rig.log.push(`round ${round + 1}: ${count}× ${status} on ${path ?? 'any path'}${after ? ' (after taking effect)' : ''}`);
          rig.burst(rig.between(1, 3));
          if (rig.rng.chance(0.3)) {
            rig.log.push('socket drop');
            faults.closeSockets('all');
          }
          // Consecutive 5xx on one path back off 1 + 2 + 4 + 8 s (±20 %) in the REST client, by design.
          await rig.settle(`round ${round + 1}`, 35_000);
        }
      },
    ),
};

const slowResponses: Scenario = {
  name: 'slow-responses',
  summary: "REST answers slower than the client's 10 s timeout while a counter-order is sent; then fast again",
  cost: 'costly',
  run: (seed) =>
    // A counter-order over REST whatever CHAOS_ORDER_ENTRY says: the socket's own lost reply is ws-reply-lost.
    runInProcess('slow-responses', seed, { orderEntry: 'rest' }, async (rig) => {
      await rig.planPlaced();
      const { sim } = rig.bench;
      // Past the timeout by more than undici's timer resolution (1 s): at 10.1-10.9 s the answer won
      // the race whenever the process was busy (it came back a nonce clash, and the retry timed out
      // only after the wait below), so the run depended on the machine's load, not on its seed.
      const latency = rig.between(11_500, 12_500);
      sim.faults.setRestLatency(latency);
      rig.log.push(`rest latency ${latency} ms`);
      const mark = rig.bench.path.length;
      rig.burst(rig.between(1, 2));
      // The counter-order's order/new times out: an unknown outcome, resolved by reconciling. The
      // deadline leaves room for a busy machine (overlapping runs) on top of the 10-11 s timeout.
      await rig.bench.until('the market reconciling after a timeout', () => rig.visited('reconciling', mark) || rig.bench.state().startsWith('killed'), 40_000);
      sim.faults.setRestLatency(0);
      rig.log.push('rest latency 0');
      await rig.settle('after the timeout', 20_000);
      await tradeAndSettle(rig, 1, 'after the slow phase');
    }),
};

const bulkPartialFailure: Scenario = {
  name: 'bulk-partial-failure',
  summary: "the plan's order/bulk where some items fail (balance short on one side), then fills",
  cost: 'cheap',
  run: (seed) => {
    // Decided before the bench exists (the balances are the simulator's), from the same seed.
    const shortOn = seed % 2 === 0 ? 'base' : 'quote';
    const botBalances = shortOn === 'base' ? { DBTC: '0.003', DETH: '10', DUSDT: '100000' } : { DBTC: '10', DETH: '10', DUSDT: '150' };
    return runInProcess('bulk-partial-failure', seed, { botBalances, mayStop: true }, async (rig) => {
      rig.log.push(`balances short on the ${shortOn} side: ${JSON.stringify(botBalances)}`);
      await rig.settle('the partly refused plan');
      if (rig.bench.state().startsWith('running')) await tradeAndSettle(rig, rig.between(1, 3), 'after the partial plan');
    });
  },
};

const killSwitchExpiry: Scenario = {
  name: 'killswitch-expiry-disconnected',
  summary: 'the socket is down and the kill-switch expires (the exchange cancels the orders); a fill may land first',
  cost: 'cheap',
  run: (seed) =>
    runInProcess('killswitch-expiry-disconnected', seed, {}, async (rig) => {
      await rig.planPlaced();
      await tradeAndSettle(rig, 1, 'before the outage');
      const { sim } = rig.bench;
      const mark = rig.bench.path.length;
      sim.faults.closeSockets('all');
      await rig.bench.until('the market reconnecting', () => rig.visited('reconnecting', mark), 5_000);
      if (rig.rng.chance(0.6)) rig.burst(1);
      // The bot is between connections (its first retry waits ≥ 500 ms): the exchange's timer runs
      // out now. Forced (the timer is 30 s) rather than waited for, and checked to be while down.
      const down = sim.connections().length === 0;
      const fired = rig.exempt(() => sim.exchange.expireKillSwitches(sim.clock.now() + 31_000));
      rig.log.push(
        `kill-switch expiry while ${down ? 'disconnected' : 'CONNECTED'}: ${fired.length} timer(s) fired, ${sim.state.orders(BOT_ACCOUNT).length} order(s) left`,
      );
      if (!down) rig.notes.push('the bot had reconnected before the forced expiry');
      if (rig.rng.chance(0.5)) {
        // A second expiry while it reconciles, sometimes.
        await rig.bench.until('reconciling', () => rig.visited('reconciling', mark), 8_000);
        rig.exempt(() => sim.exchange.expireKillSwitches(sim.clock.now() + 31_000));
        rig.log.push('a second expiry while reconciling');
      }
      await rig.settle('after the expiry and the reconnect');
      // Whatever rests now must be under an armed kill-switch (checked on every event); trade on.
      await tradeAndSettle(rig, 1, 'after the outage');
    }),
};

const sigkill: Scenario = {
  name: 'sigkill-restart',
  summary: 'SIGKILL of the bot process at a random order event, fills while it is dead, restart with adopt',
  cost: 'costly',
  run: (seed) => sigkillRestart('sigkill-restart', seed),
};

export const SCENARIOS: readonly Scenario[] = [
  socketDropPlacing,
  socketDropFillBurst,
  socketDropReconciling,
  framesDupReorder,
  framesLost,
  restBursts,
  slowResponses,
  bulkPartialFailure,
  killSwitchExpiry,
  sigkill,
  slowBody,
  framesCorrupt,
  priceSweep,
  wsDropAfterSend,
  wsReplyLost,
  wsReplyDuplicated,
  wsPushesBeforeReply,
  wsError43,
  wsBudgetExhausted,
];
