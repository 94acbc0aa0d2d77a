/**
 * The public surface of grid/: pure grid math (decimal.js only; no IO, no timers, no clock).
 *
 * - planning: `planGrid`, `buildLadder`, `assignSides`, `checkPlan` and the individual checks;
 *   `initialOrders` (plan + fresh level book: what `run` places and `plan` shows);
 * - rules and rounding: `marketRulesFrom`, `roundPrice`, `roundAmount`, `quoteToBase`, `checkOrderSize`;
 * - client order ids: `encodeClientOrderId`, `decodeClientOrderId`, `marketTag`;
 * - fills: the `FillLedger` (`applyFill`, `applyOrderUpdate` as `ledgerApplyOrderUpdate`), counter-orders;
 * - the level book the market actor keeps: `createLevelBook`, `takeIntents`, `applyPlacement`,
 *   `applyDeal`, `applyOrderUpdate`, `hasUnknownOrders`;
 * - reconcile: `diffOrders`, `reconcileBook`;
 * - risk and PnL: `checkRisk`, `evaluateRisk`, `applyTrade`, `unrealisedPnl`.
 */
export { IntMap } from './int-map.js';
export { D, ZERO, cmpDec, dec, isPositive, maxDec, minDec, parseDecimal, sumDec, toPlain, type Decimal, type DecimalLike } from './decimal.js';
export {
  amountStep,
  checkOrderSize,
  hasAtMostDecimals,
  marketRulesFrom,
  meetsMinimums,
  oppositeSide,
  priceTick,
  quoteToBase,
  roundAmount,
  roundPrice,
  type MarketRules,
  type MarketRulesInput,
  type MarketRulesResult,
  type PriceRounding,
  type RulesIssue,
  type Side,
  type SizeViolation,
} from './market-rules.js';
export { hasErrors, type IssueSeverity, type PlanIssue, type PlanIssueCode } from './plan-issue.js';
export { MAX_LEVELS, buildLadder, type LadderResult, type LadderSpec, type Spacing } from './levels.js';
export {
  assignSides,
  planGrid,
  plannedOrders,
  type AmountPerLevel,
  type GridBudget,
  type GridLevel,
  type GridPlan,
  type GridSpec,
  type ParsedBudget,
  type PlanResult,
} from './plan.js';
export { checkBudget, checkCounterSizes, checkFees, checkLevelSizes, checkOrdering, checkPlan } from './plan-checks.js';
export { initialOrders, type InitialOrders } from './initial-orders.js';
export {
  CLIENT_ORDER_ID_MAX_LENGTH,
  WHITEBIT_CLIENT_ORDER_ID_CHARSET,
  WHITEBIT_CLIENT_ORDER_ID_LIMIT,
  decodeClientOrderId,
  encodeClientOrderId,
  isValidBotId,
  marketTag,
  ownIdIn,
  type ClientIdScope,
  type ClientOrderIdParts,
  type DecodedClientOrderId,
  type EncodeResult,
  type ForeignClientOrderId,
  type ForeignReason,
  type OwnClientOrderId,
} from './client-order-id.js';
export {
  applyFill,
  applyOrderUpdate as ledgerApplyOrderUpdate,
  carryResidue,
  closeOrder,
  emptyLedger,
  filledOf,
  flushResidue,
  isFinal,
  ledgerTotals,
  pendingOf,
  residueKey,
  type CounterRelease,
  type Deal,
  type ExchangeOrder,
  type Fill,
  type FillLedger,
  type LedgerContext,
  type LedgerStep,
  type LedgerTotals,
  type OrderFills,
  type OrderUpdate,
} from './fill-ledger.js';
export {
  counterLevel,
  counterOrderFor,
  counterSide,
  decideCounter,
  type CounterDecision,
  type CounterOrder,
} from './counter-order.js';
export {
  applyDeal,
  applyOrderUpdate,
  applyPlacement,
  closeBookOrder,
  createLevelBook,
  finishOrder,
  releaseLevel,
  flushLevel,
  hasUnknownOrders,
  isLevelBusy,
  lastDealSec,
  ledgerContext,
  owedIntents,
  resumeBook,
  takeIntents,
  type CancellingOrder,
  type LevelBook,
  type LevelOrder,
  type LevelOrderState,
  type OrderIntent,
  type OrderOrigin,
  type PlacementOutcome,
} from './level-book.js';
export {
  diffOrders,
  reconcileBook,
  type AdoptedOrder,
  type ExchangeSnapshot,
  type ReconcilePlan,
  type ResolvedLevel,
  type StrayOrder,
} from './reconcile.js';
export { checkRisk, evaluateRisk, type RiskBreach, type RiskLimits, type RiskResult, type RiskSnapshot } from './risk.js';
export { applyTrade, emptyPnl, feeInQuote, openLotsBase, unrealisedPnl, type Lot, type PnlBook, type Trade } from './pnl.js';
