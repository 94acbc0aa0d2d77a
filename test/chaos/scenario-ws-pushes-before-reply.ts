/**
 * Chaos scenario `ws-pushes-before-reply` (issue 15): the `ordersPending`, `deals` and `balanceSpot`
 * pushes an order causes arrive before its reply (a counter-order that crosses and fills at once
 * included). The market must take the pushes for an order it has in flight, then the reply, once.
 */
import { wsRuleScenario } from './support/ws-fault.js';

export const wsPushesBeforeReply = wsRuleScenario(
  'ws-pushes-before-reply',
  "a WS order's pushes arrive before its reply; one order per level, one counter quantity per fill",
  { what: 'orders whose pushes went first', choices: [0.5, 1], stat: 'pushesBeforeReply' },
  (faults, probability) => faults.pushesBeforeReply({ probability }),
);
