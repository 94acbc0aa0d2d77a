/**
 * The shape of the socket path's chaos scenarios (issue 15): the bot on `orderEntry: ws`, the plan
 * resting, then a WS order-entry fault armed while fills ask for counter-orders, a wait until the bot
 * is quiet after each burst, the fault off, and one more round on a clean socket. Besides the rig's
 * invariants each run must show the fault hit and the socket carried orders meanwhile
 * ({@link wsScenarioCheck}), so no run passes by quietly going REST.
 */
import type { ChaosRun } from './outcome.js';
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
    for (let round = 0, n = rig.between(lo, hi); round < n; round++) {
      rig.burst(rig.between(1, 3));
      await rig.settle(`under the fault, round ${round + 1}`, fault.settleMs ?? 15_000);
    }
    off();
    wsScenarioCheck(rig, ws0, fault.hits(rig) - hits0, fault.what, fault.hitsAreWs);
    rig.burst(rig.between(1, 2));
    await rig.settle('after the fault', fault.settleMs ?? 15_000);
  });
}
