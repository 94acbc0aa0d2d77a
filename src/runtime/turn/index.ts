/** The order of a turn (see turn-order.ts for the rulebook). */
export {
  type BatchJournal,
  type FrameReader,
  type ReleaseBracket,
  GROUP_BUDGET_MS,
  GROUP_MAX_HELD,
  TurnFailedError,
  TurnOrder,
  type TurnOrderOptions,
  type TurnPhases,
  afterTurn,
  framesWaiting,
  setAfterTurnSchedule,
} from './turn-order.js';
export { heldRequests } from './held-requests.js';
