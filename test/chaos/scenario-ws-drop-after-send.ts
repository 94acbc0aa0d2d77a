/**
 * Chaos scenario `ws-drop-after-send` (issue 15): a counter-order sent over the socket executes,
 * then the connection drops before its reply or its pushes. The router must not send it again
 * (an unknown outcome); the market reconnects, reconciles by client id and finds it.
 */
import type { Scenario } from './support/outcome.js';
import { runWsFault } from './support/ws-fault.js';

export const wsDropAfterSend: Scenario = {
  name: 'ws-drop-after-send',
  summary: 'a WS order executes and the connection drops before its reply; reconnect and reconcile find it',
  cost: 'cheap',
  run: (seed) =>
    runWsFault('ws-drop-after-send', seed, {
      what: 'connections dropped after an order',
      arm: (rig) => {
        const probability = rig.pick([0.3, 0.6, 1]);
        rig.log.push(`drop the connection after a WS order with p ${probability}`);
        return rig.bench.sim.faults.dropConnectionAfterOrder({ probability });
      },
      hitsAreWs: true,
      hits: (rig) => rig.bench.sim.faults.stats.socketsDroppedAfterOrder,
    }),
};
