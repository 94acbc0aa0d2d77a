/**
 * Chaos scenario `ws-drop-after-send` (issue 15): a counter-order sent over the socket executes,
 * then the connection drops before its reply or its pushes. The router must not send it again
 * (an unknown outcome); the market reconnects, reconciles by client id and finds it.
 */
import { wsRuleScenario } from './support/ws-fault.js';

export const wsDropAfterSend = wsRuleScenario(
  'ws-drop-after-send',
  'a WS order executes and the connection drops before its reply; reconnect and reconcile find it',
  { what: 'connections dropped after an order', choices: [0.3, 0.6, 1], stat: 'socketsDroppedAfterOrder' },
  (faults, probability) => faults.dropConnectionAfterOrder({ probability }),
);
