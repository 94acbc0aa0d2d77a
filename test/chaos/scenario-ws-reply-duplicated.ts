/**
 * Chaos scenario `ws-reply-duplicated` (issue 15): WS order replies arrive twice. The second copy
 * matches no request any more; it must neither place nor count anything a second time.
 */
import type { Scenario } from './support/outcome.js';
import { runWsFault } from './support/ws-fault.js';

export const wsReplyDuplicated: Scenario = {
  name: 'ws-reply-duplicated',
  summary: 'WS order replies sent twice; nothing is placed or counted twice',
  cost: 'cheap',
  run: (seed) =>
    runWsFault('ws-reply-duplicated', seed, {
      what: 'order replies duplicated',
      arm: (rig) => {
        const probability = rig.pick([0.3, 0.6, 1]);
        rig.log.push(`duplicate WS order replies with p ${probability}`);
        return rig.bench.sim.faults.duplicateOrderReplies({ probability });
      },
      hitsAreWs: true,
      hits: (rig) => rig.bench.sim.faults.stats.framesDuplicated,
    }),
};
