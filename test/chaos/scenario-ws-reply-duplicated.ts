/**
 * Chaos scenario `ws-reply-duplicated` (issue 15): WS order replies arrive twice. The second copy
 * matches no request any more; it must neither place nor count anything a second time.
 */
import { wsRuleScenario } from './support/ws-fault.js';

export const wsReplyDuplicated = wsRuleScenario(
  'ws-reply-duplicated',
  'WS order replies sent twice; nothing is placed or counted twice',
  { what: 'order replies duplicated', choices: [0.3, 0.6, 1], stat: 'framesDuplicated' },
  (faults, probability) => faults.duplicateOrderReplies({ probability }),
);
