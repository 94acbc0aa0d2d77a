/**
 * The shape of the socket path's chaos scenarios (issue 15): the bot on `orderEntry: ws`, the plan
 * resting, then a WS order-entry fault armed while fills ask for counter-orders, a wait until the bot
 * is quiet after each burst, the fault off, and one more round on a clean socket. Besides the rig's
 * invariants each run must show the fault hit and the socket carried orders meanwhile
 * ({@link wsScenarioCheck}), so no run passes by quietly going REST.
 */
import type { Faults, FaultStats } from '../../../src/sim/faults.js';
import type { ChaosRun, Scenario } from './outcome.js';
import { wsScenarioCheck } from './order-entry.js';
import { type InProcessOptions, type Rig, runInProcess } from './rig.js';

export interface WsFault {
  /** What the fault counts, for the log (`order replies dropped`, …). */
  readonly what: string;
  /** Arms the fault (the rig's PRNG picks its dice); returns what turns it off. */
  arm(rig: Rig): () => void;
  /** How often the fault hit so far. */
  hits(rig: Rig): number;
  /** Only a WS order request can be hit: a hit proves the socket path (see wsScenarioCheck). */
  readonly hitsAreWs: boolean;
  /** Fill bursts while the fault is on (default 2..4). */
  readonly rounds?: readonly [number, number];
  /** Each settle's deadline: a lost reply waits out the 5 s request deadline, a drop the reconnect. */
  readonly settleMs?: number;
}

export function runWsFault(name: string, seed: number, fault: WsFault, options: Omit<InProcessOptions, 'orderEntry'> = {}): Promise<ChaosRun> {
  return runInProcess(name, seed, { ...options, orderEntry: 'ws' }, async (rig) => {
    await rig.planPlaced();
    const [hits0, ws0] = [fault.hits(rig), rig.bench.via.ws];
    const off = fault.arm(rig);
    const [lo, hi] = fault.rounds ?? [2, 4];
    // A fault with a probability may miss a few counter-orders: up to 6 more rounds until it hit once.
    const planned = rig.between(lo, hi);
    for (let round = 0; round < planned || (round < planned + 6 && fault.hits(rig) === hits0); round++) {
      rig.burst(rig.between(1, 3));
      if (await rig.settle(`under the fault, round ${round + 1}`, fault.settleMs ?? 15_000)) rig.violations.push(...unknownToBook(rig));
    }
    off();
    wsScenarioCheck(rig, ws0, fault.hits(rig) - hits0, fault.what, fault.hitsAreWs);
    rig.burst(rig.between(1, 2));
    if (await rig.settle('after the fault', fault.settleMs ?? 15_000)) rig.violations.push(...unknownToBook(rig));
  });
}

/**
 * Once quiet, every open order of ours on the exchange is one the market's book holds as live: an
 * order the book forgot (a reply taken for a refusal while the order rests) is one it cannot guard,
 * and its level looks free for a second order.
 */
function unknownToBook(rig: Rig): string[] {
  const book = rig.bench.market()?.context.book;
  if (book === undefined || book === null) return [];
  return rig.bench
    .openOrders()
    .filter((o) => book.byClientId.get(o.order.clientOrderId)?.state !== 'live')
    .map(
      (o) =>
        `the exchange holds ${o.order.clientOrderId} (level ${o.id.level} ${o.id.side}), the book ${book.byClientId.get(o.order.clientOrderId)?.state ?? 'does not know it'}`,
    );
}

/**
 * A socket scenario whose fault is one of the simulator's WS order-entry rules, armed with a
 * probability the run picks from `choices`; `stat` counts its hits (only WS order requests).
 */
export function wsRuleScenario(
  name: string,
  summary: string,
  rule: { readonly what: string; readonly choices: readonly number[]; readonly stat: keyof FaultStats; readonly settleMs?: number },
  arm: (faults: Faults, probability: number) => () => void,
): Scenario {
  return {
    name,
    summary,
    cost: 'cheap',
    run: (seed) =>
      runWsFault(name, seed, {
        what: rule.what,
        arm: (rig) => {
          const probability = rig.pick(rule.choices);
          rig.log.push(`${rule.what} with p ${probability}`);
          return arm(rig.bench.sim.faults, probability);
        },
        hitsAreWs: true,
        hits: (rig) => rig.bench.sim.faults.stats[rule.stat],
        ...(rule.settleMs === undefined ? {} : { settleMs: rule.settleMs }),
      }),
  };
}
