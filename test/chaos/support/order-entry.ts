/**
 * Which way the chaos suite's bots send their orders (issue 15): `CHAOS_ORDER_ENTRY=ws|rest`, default
 * `ws` (the simulator's default). A scenario about the socket itself chooses `ws` whatever the
 * variable says ({@link wsScenarioCheck}); every other scenario runs over the path chosen here.
 */
import type { OrderWay } from '../../../src/grid/index.js';
import type { Rig } from './rig.js';

export function chaosOrderEntry(env: NodeJS.ProcessEnv): OrderWay {
  const raw = env.CHAOS_ORDER_ENTRY;
  if (raw === undefined || raw.trim() === '') return 'ws';
  if (raw !== 'ws' && raw !== 'rest') throw new Error(`CHAOS_ORDER_ENTRY=${raw}: expected ws or rest`);
  return raw;
}

/**
 * A scenario of the socket path must have used it while its fault was on: otherwise it passed by
 * going REST and proved nothing. `since` is `rig.bench.via.ws` when the fault was armed; `hits`
 * the simulator's count of what the fault did (replies dropped, connections dropped, …). When only
 * a WS order request can be hit (`hitsAreWs`), a hit proves the socket carried it, even before the
 * market has its answer (a lost reply is answered at its deadline, maybe after the run settled).
 */
export function wsScenarioCheck(rig: Rig, since: number, hits: number, what: string, hitsAreWs: boolean): void {
  const ws = rig.bench.via.ws - since;
  rig.log.push(`${what}: ${hits}; orders answered via ws ${ws} (rest ${rig.bench.via.rest} in all)`);
  if (ws === 0 && !(hitsAreWs && hits > 0))
    rig.violations.push(`the socket path was not used while the fault was on: every order went over REST (${what}: ${hits})`);
  if (hits === 0) rig.violations.push(`the fault never hit (${what}: 0): the scenario tested nothing`);
}
