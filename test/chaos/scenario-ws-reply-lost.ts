/**
 * Chaos scenario `ws-reply-lost` (issue 15): WS order replies are lost while the order executed and
 * the socket stays up. Each lost reply is an unknown outcome at the request's deadline, reconciled
 * by client id like a REST timeout; the order's own pushes may have told the market first.
 */
import type { Scenario } from './support/outcome.js';
import { runWsFault } from './support/ws-fault.js';

export const wsReplyLost: Scenario = {
  name: 'ws-reply-lost',
  summary: 'WS order replies lost (the orders executed, the socket up); unknown outcomes reconciled by client id',
  cost: 'cheap',
  run: (seed) =>
    runWsFault('ws-reply-lost', seed, {
      what: 'order replies dropped',
      arm: (rig) => {
        const probability = rig.pick([0.3, 0.6, 1]);
        rig.log.push(`drop WS order replies with p ${probability}`);
        return rig.bench.sim.faults.dropOrderReplies({ probability });
      },
      hitsAreWs: true,
      hits: (rig) => rig.bench.sim.faults.stats.framesDropped,
      // The 5 s request deadline, then a reconcile.
      settleMs: 20_000,
    }),
};
