/**
 * The public surface of grid/: grid math and the level book the market actor owns (decimal.js
 * only; no IO, no timers, no clock). Only what code outside grid/ uses is exported here; the
 * modules' own tests import the modules.
 *
 * - planning: `planGrid`, `initialOrders` (plan + fresh level book: what `run` places and `plan` shows);
 * - rules and rounding: `marketRulesFrom`, `roundPrice`;
 * - client order ids: `decodeClientOrderId`, `isValidBotId`;
 * - the level book: `createLevelBook`, `takeIntents`, `applyPlacement`, `applyDeal`,
 *   `applyOrderUpdate`, `hasUnknownOrders`, `resumeBook`, `lastDealSec`, `pnlView`,
 *   levels waiting for price: `releaseWaiting`, `waitingReleases`;
 * - reconcile: `reconcileBook`; risk: `checkRisk`.
 */
export { IntMap } from './int-map.js';
export { D, ZERO, isPositive, parseDecimal, sumDec, toPlain, type Decimal, type DecimalLike } from './decimal.js';
export { marketRulesFrom, marketRulesFromListing, roundPrice, type MarketRules, type Side } from './market-rules.js';
export type { PlanIssue } from './plan-issue.js';
export { MAX_LEVELS, type LadderSpec } from './levels.js';
export { planGrid, type GridPlan, type GridSpec } from './plan.js';
export { initialOrders } from './initial-orders.js';
export { decodeClientOrderId, isValidBotId, type ClientIdScope } from './client-order-id.js';
export { residueKey, type ExchangeOrder, type Fill, type OrderUpdate } from './fill-ledger.js';
export type { OrderRecord } from './order-record.js';
export {
  applyDeal,
  applyOrderUpdate,
  applyPlacement,
  createLevelBook,
  hasUnknownOrders,
  lastDealSec,
  releaseWaiting,
  resumeBook,
  takeIntents,
  waitingReleases,
  type LevelBook,
  type OrderIntent,
  type OrderWay,
  type PlacementOutcome,
  type WaitingLevel,
} from './level-book.js';
export { reconcileBook, type ExchangeSnapshot } from './reconcile.js';
export { checkRisk, type RiskLimits } from './risk.js';
export { pnlView, unrealisedPnl, type PnlBook } from './pnl.js';
