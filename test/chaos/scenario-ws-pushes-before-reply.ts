/**
 * Chaos scenario `ws-pushes-before-reply` (issue 15): the `ordersPending`, `deals` and `balanceSpot`
 * pushes an order causes arrive before its reply (a counter-order that crosses and fills at once
 * included). The market must take the pushes for an order it has in flight, then the reply, once.
 */
import type { Scenario } from './support/outcome.js';
import { runWsFault } from './support/ws-fault.js';

export const wsPushesBeforeReply: Scenario = {
  name: 'ws-pushes-before-reply',
  summary: "a WS order's pushes arrive before its reply; one order per level, one counter quantity per fill",
  cost: 'cheap',
  run: (seed) =>
    runWsFault('ws-pushes-before-reply', seed, {
      what: 'orders whose pushes went first',
      arm: (rig) => {
        const probability = rig.pick([0.5, 1]);
        rig.log.push(`pushes before the reply with p ${probability}`);
        return rig.bench.sim.faults.pushesBeforeReply({ probability });
      },
      hitsAreWs: true,
      hits: (rig) => rig.bench.sim.faults.stats.pushesBeforeReply,
    }),
};
