/**
 * What the market actor tells its observers (market log, metrics, inspector, journal reporting):
 * typed events sent with XState's `emit`, read with `actor.on(type, handler)`. Observers never match
 * XState's internal event names (`xstate.done.actor.placeBatch`) or inspect every event; an actor
 * nobody listens to pays one array lookup per emit.
 *
 * Contract (shared by the helpers working on issue 13; the machine emits, runtime observers listen):
 * - `market.state`: the lifecycle state changed (any sub-state), once per change, never per event.
 *   `state` is the dotted lifecycle path (`running.trading`, `killed.cancelling`), `from` the previous
 *   path or null for the first; `cause` the type of the event that caused it.
 * - `market.fill`: a filled quantity the ledger learned for the first time (never for a duplicate);
 *   `dealId` null when it was learned from an order's cumulative deal_stock rather than a deal.
 * - `market.ordersSent`: orders handed to the exchange (`bulk`: order/bulk batch while placing;
 *   `desk`: a counter-order / residue / re-placement request to the desk while running).
 * - `market.ordersAnswered`: the exchange's answers (per intent outcome), `fatal` for a desk fatal.
 * - `market.batchFailed`: a bulk batch call failed as a whole.
 * - `market.pnl`: the market's PnL after a fill changed it (decimal strings).
 * - `market.waiting`: the number of levels waiting for price (refused as post-only, placed again
 *   once the price lets them rest) changed; also told once after loading when a restored book has some.
 * - `market.reconciled`: a reconcile compared the book with the exchange (at a restart that adopts,
 *   after a reconnect, an unknown outcome): open orders of ours kept (adopted), strays to cancel, counter-orders
 *   owed for fills the book had missed (placed next, in `placing`).
 * All amounts and prices are decimal strings.
 */
import type { OrderIntent, PlacementOutcome, Side } from '../../grid/index.js';

export type MarketEmitted =
  | {
      readonly type: 'market.state';
      readonly state: string;
      readonly from: string | null;
      readonly cause: string;
      readonly stopReason: string | null;
    }
  | {
      readonly type: 'market.fill';
      readonly dealId: number | null;
      readonly orderId: number;
      readonly clientOrderId: string;
      readonly level: number;
      readonly side: Side;
      readonly price: string;
      readonly amount: string;
      readonly fee: string | null;
      readonly feeAsset: string | null;
    }
  | { readonly type: 'market.ordersSent'; readonly via: 'bulk' | 'desk'; readonly intents: readonly OrderIntent[] }
  | {
      readonly type: 'market.ordersAnswered';
      readonly via: 'bulk' | 'desk';
      readonly outcomes: readonly PlacementOutcome[];
      readonly fatal: string | null;
    }
  | { readonly type: 'market.batchFailed'; readonly outcome: 'notSent' | 'unknown' | 'fatal'; readonly reason: string }
  | { readonly type: 'market.waiting'; readonly waiting: number }
  /** The plan failed at the price just loaded (`invalidPlan: wait`): nothing placed, loading again. Told on the first failure in a row. */
  | { readonly type: 'market.planWaiting'; readonly price: string; readonly reason: string }
  | { readonly type: 'market.reconciled'; readonly adopted: number; readonly strays: number; readonly missedCounterOrders: number }
  | {
      readonly type: 'market.pnl';
      readonly realisedQuote: string;
      readonly feesQuote: string;
      readonly inventoryBase: string;
    };
