/**
 * Chaos scenario `slow-body` (issue 14): a REST answer trickles in one byte every 8 s, so no gap
 * between bytes reaches the client's byte timeout. The request takes effect on the exchange; only
 * its answer stalls. Which call, from the seed:
 * - `arming`: the first kill-switch arm, before any order (the market once sat in `placing.arming`
 *   for good while the timer ran out);
 * - `refresh`: the next one or two kill-switch refreshes while the grid rests;
 * - `placement`: the next order/new and order/bulk, while fills ask for counter-orders.
 * Besides the rig's invariants: the kill-switch never fires (the REST deadline, a sixth of the 30 s
 * timeout, cuts each stalled call early enough for a retry), and the grid rests again afterwards.
 */
import type { Scenario } from './support/outcome.js';
import { type Rig, runInProcess } from './support/rig.js';
import { BOT_ACCOUNT } from '../integration/harness.js';

const KILL_SWITCH = '/api/v4/order/kill-switch';
const BYTE_EVERY_MS = 8_000;
const VARIANTS = ['arming', 'refresh', 'placement'] as const;

/** Fills, then a wait until the bot is quiet again. */
async function fillAndSettle(rig: Rig, label: string): Promise<void> {
  rig.burst(rig.between(1, 3));
  await rig.settle(label, 25_000);
}

export const slowBody: Scenario = {
  name: 'slow-body',
  summary: 'a kill-switch or placement answer trickles one byte every 8 s; the call is cut at its deadline and the market recovers',
  cost: 'costly',
  run: (seed) => {
    const variant = VARIANTS[seed % VARIANTS.length] ?? 'arming';
    let fired = 0;
    return runInProcess(
      'slow-body',
      seed,
      {
        // The placement variant stalls order/new: its counter-orders go over REST whatever CHAOS_ORDER_ENTRY says.
        ...(variant === 'placement' ? { orderEntry: 'rest' as const } : {}),
        beforeStart: (sim, _rng, log) => {
          sim.onEvent((e) => {
            if (e.type === 'killSwitch' && e.action === 'fired' && e.accountId === BOT_ACCOUNT) fired += 1;
          });
          log.push(`variant ${variant}`);
          if (variant === 'arming') sim.faults.trickleResponses({ path: KILL_SWITCH, byteEveryMs: BYTE_EVERY_MS });
        },
      },
      async (rig) => {
        const { sim } = rig.bench;
        // The arming variant's stalled arm is cut at the deadline (5 s) and retried.
        await rig.planPlaced(25_000);
        if (variant === 'refresh') {
          const count = rig.between(1, 2);
          const before = sim.faults.stats.requestsTrickled;
          sim.faults.trickleResponses({ path: KILL_SWITCH, byteEveryMs: BYTE_EVERY_MS, count });
          rig.log.push(`the next ${count} kill-switch refresh(es) trickle`);
          // Refreshes come every 10 s; each stalled one is cut at 5 s and retried 5 s later.
          await rig.bench.until('the stalled refreshes', () => sim.faults.stats.requestsTrickled === before + count, 40_000);
          const deadline = (): number => rig.bench.market()?.context.killSwitchDeadline ?? 0;
          const cut = deadline();
          await rig.bench.until('a refresh answered in full after them', () => deadline() > cut, 20_000);
        }
        if (variant === 'placement') {
          sim.faults.trickleResponses({ path: '/api/v4/order/new', byteEveryMs: BYTE_EVERY_MS });
          sim.faults.trickleResponses({ path: '/api/v4/order/bulk', byteEveryMs: BYTE_EVERY_MS });
          rig.log.push('the next order/new and order/bulk trickle');
          const mark = rig.bench.path.length;
          rig.burst(rig.between(1, 2));
          // The counter-order's answer stalls: cut at the deadline, an unknown outcome, reconciled.
          await rig.bench.until('reconciling after the cut placement', () => rig.visited('reconciling', mark), 20_000);
        }
        await rig.settle('after the stalled answer', 25_000);
        await fillAndSettle(rig, 'trading after the stalled answer');
        if (fired > 0) rig.violations.push(`the kill-switch fired ${fired} time(s): a stalled call held the market past its timeout`);
      },
    );
  },
};
