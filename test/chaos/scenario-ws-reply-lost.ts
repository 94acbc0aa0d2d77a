/**
 * Chaos scenario `ws-reply-lost` (issue 15): WS order replies are lost while the order executed and
 * the socket stays up. Each lost reply is an unknown outcome at the request's deadline, reconciled
 * by client id like a REST timeout; the order's own pushes may have told the market first.
 */
import { wsRuleScenario } from './support/ws-fault.js';

// The 5 s request deadline, then a reconcile: a longer settle.
export const wsReplyLost = wsRuleScenario(
  'ws-reply-lost',
  'WS order replies lost (the orders executed, the socket up); unknown outcomes reconciled by client id',
  { what: 'order replies dropped', choices: [0.3, 0.6, 1], stat: 'framesDropped', settleMs: 20_000 },
  (faults, probability) => faults.dropOrderReplies({ probability }),
);
