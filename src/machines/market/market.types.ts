/**
 * Types of the market actor: its settings (from one markets.yaml entry), context, events and the
 * events it emits. Domain names only; the runtime maps wire messages onto these.
 */
import type { DealFloor } from './lost-deals.js';
import type {
  ClientIdScope,
  Fill,
  GridPlan,
  GridSpec,
  LevelBook,
  MarketRules,
  OrderIntent,
  OrderUpdate,
  PlacementOutcome,
  RiskLimits,
} from '../../grid/index.js';

export interface KillSwitchSettings {
  /** Seconds the exchange waits before cancelling, "5".."600" on the wire. */
  readonly timeoutSec: number;
  /** How often the timer is re-armed; well under the timeout so one failed refresh is survivable. */
  readonly refreshSec: number;
  /** Retry delay after a failed refresh (whitebit-protocol.md §8.1 suggests about 5 s). */
  readonly retrySec: number;
}

export interface MarketSettings {
  readonly botId: string;
  readonly market: string;
  readonly spec: GridSpec;
  /** `cancel-all`: start from a clean slate; `adopt`: keep resting orders of ours and reconcile. */
  readonly onStart: 'cancel-all' | 'adopt';
  /** What `killed` does with the market's orders. */
  readonly onStop: 'cancel' | 'leave';
  readonly killSwitch: KillSwitchSettings;
  readonly risk: RiskLimits;
  /** Orders per order/bulk request, at most 20. */
  readonly batchSize: number;
  /** Base and cap of the retry delay after a call whose adapter retries ran out. */
  readonly retry: { readonly baseMs: number; readonly maxMs: number };
  /** A book restored from the journal (restart with `adopt`), or null. */
  readonly restore: LevelBook | null;
  /**
   * Seconds between reconciles while `running` although nothing seemed wrong; null or absent: only
   * after reconnects and unknown outcomes. Why: an update frame lost while the socket stays up (both
   * reports of one fill) is otherwise found only at the next reconnect, and a long-lived connection
   * may not have one for days.
   */
  readonly reconcileEverySec?: number | null;
  /**
   * What a plan that fails the exchange's rules at the price the market loads with does: `stop` (the
   * default) ends the market with `invalid plan`; `wait` places nothing and loads again after the
   * retry delay, until the plan passes. The runtime sets `wait`: its start checks refused every grid
   * whose plan failed at start, so one that fails now passed a moment ago and the price moved.
   */
  readonly invalidPlan?: 'stop' | 'wait';
}

export interface MarketInput extends MarketSettings {
  /**
   * First client order id sequence. The runtime passes something above every id used before
   * (the journal's next sequence, or the start time in ms without a journal) so ids of an old run
   * are never mistaken for new ones. Default 0.
   */
  readonly firstSeq?: number;
  /**
   * The figures (fills, PnL, fees, inventory) of this market's earlier journaled runs, for the
   * reports' all-time column (runtime/report/fleet-figures.ts). The machine never reads it.
   */
  readonly priorFigures?: {
    readonly fills: number;
    readonly realisedQuote: string;
    readonly feesQuote: string;
    readonly inventoryBase: string;
  } | null;
}

export interface MarketContext {
  readonly settings: MarketInput;
  readonly scope: ClientIdScope;
  readonly rules: MarketRules | null;
  readonly plan: GridPlan | null;
  /** Owned by this actor and changed in place by its actions (never shared: a restored book is copied first). */
  readonly book: LevelBook | null;
  /** The order/bulk batch in flight while placing. */
  readonly batch: readonly OrderIntent[];
  /** Exchange order ids reconciling found on our market that no level owns (duplicates, foreign leftovers of ours). */
  readonly strays: readonly number[];
  readonly lastPrice: string | null;
  /** Epoch ms at which the exchange cancels this market's orders unless the timer is refreshed. */
  readonly killSwitchDeadline: number | null;
  /** Consecutive failures of the current step, for the retry delay. */
  readonly attempt: number;
  readonly lastError: string | null;
  /** Why the market stopped: shown by the inspector and the status table. */
  readonly stopReason: string | null;
  /**
   * From `killed` (onStop: cancel) until its cancel-all went through: orders of ours may still rest,
   * so the kill-switch is not disarmed. Still true when the market ends means they may be left.
   */
  readonly ordersMayRest: boolean;
  /** The connection's last reported status. */
  readonly connected: boolean;
  /** The connection came back while orders may rest: `running` reconciles first. */
  readonly needsReconcile: boolean;
  /** Where the executed history must start for private frames lost since the last reconcile began (lost-deals.ts). */
  readonly lostFloor: DealFloor;
  /** The same for the losses the current (or an interrupted) reconcile must cover; cleared when its fetch answers. */
  readonly fetchFloor: DealFloor;
  /**
   * `desk.place` requests not yet answered by a `desk.result`: `killed` cancels only once they are.
   * Changed in place by the hot actions (no assign: XState copies the context on every assign).
   */
  deskInFlight: number;
  /**
   * The lifecycle path last told to observers (`market.state`), kept in a holder the entry actions
   * update in place: a state change costs no context copy, and every copy of the context shares it.
   * `waiting`: the number of levels waiting for price last told (`market.waiting`); the book's
   * `waiting` map is the count itself (`book.waiting.size`), for a snapshot reader.
   */
  readonly told: { lifecycle: string | null; waiting: number };
}

export type MarketEvent =
  /** `ordersPending_update`, mapped. */
  | { readonly type: 'feed.order'; readonly update: OrderUpdate }
  /** `deals_update`, mapped. */
  | { readonly type: 'feed.deal'; readonly deal: Fill }
  | { readonly type: 'feed.price'; readonly price: string }
  | { readonly type: 'connection.down' }
  | { readonly type: 'connection.up' }
  /** A frame of a private channel (`ordersPending`, `deals`, `balanceSpot`) that may concern this market could not be read. */
  | { readonly type: 'feed.lost' }
  /** The order desk's answer to one `desk.place`: one outcome per intent, or a fatal error. */
  | { readonly type: 'desk.result'; readonly outcomes: readonly PlacementOutcome[]; readonly fatal: string | null }
  | { readonly type: 'stop'; readonly reason: string }
  /** Raised by the kill-switch region when the exchange refuses the key. */
  | { readonly type: 'ks.fatal'; readonly reason: string }
  | { readonly type: 'ks.armed' }
  | { readonly type: 'ks.disarmed' }
  | { readonly type: 'ks.dispose' };

/** What the machine tells the order desk (an invoked callback actor the runtime provides). */
export interface DeskPlace {
  readonly type: 'desk.place';
  readonly market: string;
  readonly intents: readonly OrderIntent[];
}
