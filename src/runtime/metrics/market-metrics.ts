/**
 * Per-market metrics (label `market`), in two kinds:
 *
 * Counted on the path, from the typed events each market emits (registry.ts subscribes):
 *   gridbot_orders_sent_total{market,origin,via}   order intents handed to the exchange (plan, counter, residue, …), by the
 *                                                  way they went (ws | rest): a placing batch is counted when handed over
 *                                                  (always REST order/bulk), a desk order when its answer says which way
 *                                                  the order router sent it (exchange/order-router.ts)
 *   gridbot_counter_orders_placed_total{market}    counter-orders (origin counter or residue) the exchange accepted
 *   gridbot_order_outcomes_total{market,outcome}   answers per order: placed, rejected, unknown, notSent, failed
 *   gridbot_reaction_seconds                       fill frame decoded → its counter-order handed to the desk
 *
 * Read at scrape time from each market's latest snapshot (`refresh`, O(markets + their orders) per
 * scrape, nothing per frame; the same figures as the status table):
 *   gridbot_market_state{market,state}                       1 for the current top-level state, 0 for the others
 *   gridbot_market_state_since_timestamp_seconds{market}     when it was entered
 *   gridbot_grid_levels_expected{market}                     orders the plan keeps resting (levels with a side)
 *   gridbot_grid_levels_resting{market}                      levels holding a live order at the level's price
 *   gridbot_grid_levels_missing{market}                      expected − resting (≥ 0)
 *   gridbot_grid_levels_waiting_for_price{market}            of those, levels refused as post-only and waiting for the price to come back
 *   gridbot_open_orders{market}, gridbot_pending_orders{market}
 *   gridbot_fills_total{market}                              distinct deals in the fill ledger (reconciled ones too)
 *   gridbot_realised_pnl_quote{market}, gridbot_inventory_base{market}   floats: converted here, at the edge
 *   gridbot_kill_switch_seconds_left{market}                 absent while the kill-switch is not armed
 *
 * Reaction latency, and why it is exact without a scan: the socket actor stamps each decoded
 * `deals_update` (FrameStats.dealDecodedAt) and counts every frame (FrameStats.frames); the deal it
 * carries reaches the market in the same frame's handling, the market emits `market.fill` for a new
 * fill and, when it hands a counter-order to its desk, `market.ordersSent` (via `desk`) in that same
 * step. So the clock runs from the stamp to that `market.ordersSent` (the request itself is held until
 * the frame batch's journal commit at the end of the read, turn/turn-order.ts rule 3), and only when no other frame
 * was handled in between and no answer came first; a fill that sends nothing (a duplicate deal is
 * not even a fill, a partial fill below the minimums) is not timed. It covers routing, the journal
 * append and the ledger; not the JSON parse of the frame, the batch's commit, signing, the turn a frame may wait behind
 * an earlier one that sent an order (turn/turn-order.ts), undici's write one `setImmediate` later, nor a
 * wait for a rate-limit token (gridbot_rest_limiter_wait_seconds). A counter-order released later
 * by an `ordersPending_update` or by an answer is not a reaction to a deal and is not timed.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { OrderIntent, OrderWay, PlacementOutcome } from '../../grid/index.js';
import type { MarketContext } from '../../machines/market/market.types.js';
import type { MarketStatus } from '../status/market-status.js';

/** Top-level states a market row can show: the lifecycle's, and `stopped` / `failed` once its actor ended. */
export const MARKET_STATES = ['init', 'cancelAll', 'placing', 'running', 'reconnecting', 'reconciling', 'killed', 'stopped', 'failed'] as const;

const REACTION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

/** What the metrics keep per market actor. */
export interface MarketEntry {
  readonly market: string;
  /** Keyed `origin via`. */
  readonly sent: Map<string, Counter.Internal>;
  /** Origins of desk orders handed over and not answered yet, by client id: counted once the answer names the way. */
  readonly deskOrigins: Map<string, string>;
  readonly outcomes: Map<string, Counter.Internal>;
  readonly placed: Counter.Internal;
  /** Client ids of counter-orders sent and not yet answered. */
  readonly counterIds: Set<string>;
  /** The last placing batch sent (`market.ordersSent` via bulk). */
  lastBatch: readonly OrderIntent[] | null;
  /** `performance.now()` at which the frame of the fill being handled was decoded, or -1. */
  dealAt: number;
  /** `FrameStats.frames` when that fill was seen: a later frame ends the measurement. */
  dealFrame: number;
}

/** The socket's frame counters the reaction clock reads (FrameStats). */
export interface FrameClock {
  readonly frames: number;
  readonly dealDecodedAt: number;
}

/** One market's scrape-time facts. */
export interface MarketRow {
  readonly status: MarketStatus;
  /** The live actor's context, or null once it ended. */
  readonly context: Pick<MarketContext, 'plan' | 'book'> | null;
  /** Epoch ms the current top-level state was entered. */
  readonly since: number | null;
}

const isCounter = (origin: string): boolean => origin === 'counter' || origin === 'residue';

/** Returns the plan's resting-order count and how many levels hold a live order at their price. */
export function levelCounts(context: Pick<MarketContext, 'plan' | 'book'>): { expected: number; resting: number } {
  const plan = context.plan;
  if (plan === null) return { expected: 0, resting: 0 };
  let expected = 0;
  for (const l of plan.levels) if (l.side !== null) expected += 1;
  let resting = 0;
  for (const o of context.book?.orders.values() ?? []) {
    if (o.state === 'live' && plan.levels[o.level]?.price.eq(o.price) === true) resting += 1;
  }
  return { expected, resting };
}

export class MarketMetrics {
  private readonly entries = new Map<string, MarketEntry>();
  private readonly sentTotal: Counter<'market' | 'origin' | 'via'>;
  private readonly placedTotal: Counter<'market'>;
  private readonly outcomeTotal: Counter<'market' | 'outcome'>;
  private readonly reaction: Histogram;
  private readonly state: Gauge<'market' | 'state'>;
  private readonly since: Gauge<'market'>;
  private readonly expected: Gauge<'market'>;
  private readonly resting: Gauge<'market'>;
  private readonly missing: Gauge<'market'>;
  private readonly waiting: Gauge<'market'>;
  private readonly open: Gauge<'market'>;
  private readonly pending: Gauge<'market'>;
  private readonly fills: Counter<'market'>;
  private readonly pnl: Gauge<'market'>;
  private readonly fillsAllTime: Gauge<'market'>;
  private readonly pnlAllTime: Gauge<'market'>;
  private readonly inventory: Gauge<'market'>;
  private readonly killSwitch: Gauge<'market'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const market = ['market'] as const;
    this.sentTotal = new Counter({
      name: 'gridbot_orders_sent_total',
      help: 'Order intents handed to the exchange, by origin (plan, counter, residue, adopted, restore) and the way they went (ws: WebSocket order entry, rest).',
      labelNames: ['market', 'origin', 'via'] as const,
      registers,
    });
    this.placedTotal = new Counter({
      name: 'gridbot_counter_orders_placed_total',
      help: 'Counter-orders the exchange accepted.',
      labelNames: market,
      registers,
    });
    this.outcomeTotal = new Counter({
      name: 'gridbot_order_outcomes_total',
      help: 'Answers to sent orders: placed, rejected, unknown (reconcile decides), notSent, failed (the request failed as a whole).',
      labelNames: ['market', 'outcome'] as const,
      registers,
    });
    this.reaction = new Histogram({
      name: 'gridbot_reaction_seconds',
      help: 'Fill frame decoded to its counter-order handed to the desk (sent after the batch commit).',
      buckets: REACTION_BUCKETS,
      registers,
    });
    this.state = new Gauge({
      name: 'gridbot_market_state',
      help: "1 for the market actor's current top-level state, 0 for the others.",
      labelNames: ['market', 'state'] as const,
      registers,
    });
    this.since = new Gauge({
      name: 'gridbot_market_state_since_timestamp_seconds',
      help: 'When the market entered its current top-level state (unix seconds).',
      labelNames: market,
      registers,
    });
    this.expected = new Gauge({
      name: 'gridbot_grid_levels_expected',
      help: 'Orders the grid keeps resting (plan levels with a side); 0 once the market ended.',
      labelNames: market,
      registers,
    });
    this.resting = new Gauge({ name: 'gridbot_grid_levels_resting', help: "Levels holding a live order at the level's price.", labelNames: market, registers });
    this.missing = new Gauge({
      name: 'gridbot_grid_levels_missing',
      help: 'Expected levels without a live order at their price.',
      labelNames: market,
      registers,
    });
    this.waiting = new Gauge({
      name: 'gridbot_grid_levels_waiting_for_price',
      help: 'Levels refused as post-only (the price had moved past them) that wait to be placed again once the price lets them rest.',
      labelNames: market,
      registers,
    });
    this.open = new Gauge({
      name: 'gridbot_open_orders',
      help: 'Orders of the market live on the exchange, as the bot knows them.',
      labelNames: market,
      registers,
    });
    this.pending = new Gauge({
      name: 'gridbot_pending_orders',
      help: 'Orders sent and not answered yet, or whose outcome is unknown.',
      labelNames: market,
      registers,
    });
    this.fills = new Counter({
      name: 'gridbot_fills_total',
      help: "This run's fills (deals) of the market's orders, from the live feed and from reconciling (runtime/report/fleet-figures.ts).",
      labelNames: market,
      registers,
    });
    this.pnl = new Gauge({
      name: 'gridbot_realised_pnl_quote',
      help: "This run's realised profit and loss, net of fees, in the market's quote asset.",
      labelNames: market,
      registers,
    });
    this.fillsAllTime = new Gauge({
      name: 'gridbot_fills_all_time',
      help: 'Fills (deals) of every run the journal recorded, this one included.',
      labelNames: market,
      registers,
    });
    this.pnlAllTime = new Gauge({
      name: 'gridbot_realised_pnl_all_time_quote',
      help: 'Realised profit and loss of every run the journal recorded, net of fees, in the quote asset.',
      labelNames: market,
      registers,
    });
    this.inventory = new Gauge({
      name: 'gridbot_inventory_base',
      help: 'Net base bought this run (bought − sold − base fees).',
      labelNames: market,
      registers,
    });
    this.killSwitch = new Gauge({
      name: 'gridbot_kill_switch_seconds_left',
      help: "Seconds until the exchange cancels the market's orders unless the kill-switch is refreshed.",
      labelNames: market,
      registers,
    });
  }

  /** Returns the entry of `market`, creating it (and its zero counters) on first sight. */
  entry(market: string): MarketEntry {
    let e = this.entries.get(market);
    if (e === undefined) {
      e = {
        market,
        sent: new Map(),
        deskOrigins: new Map(),
        outcomes: new Map(),
        placed: this.placedTotal.labels({ market }),
        counterIds: new Set(),
        lastBatch: null,
        dealAt: -1,
        dealFrame: -1,
      };
      e.placed.inc(0);
      this.entries.set(market, e);
    }
    return e;
  }

  /** A deal brought the market a new fill: the reaction clock starts at its frame's decode stamp. */
  fill(e: MarketEntry, clock: FrameClock | null): void {
    e.dealAt = clock === null || clock.dealDecodedAt < 0 ? -1 : clock.dealDecodedAt;
    e.dealFrame = clock?.frames ?? -1;
  }

  /**
   * The market handed `intents` to the exchange: counts them; a placing batch (`bulk`) is kept for a
   * failure as a whole; a counter-order to the desk in the frame of a fill stops the reaction clock.
   */
  sentOrders(e: MarketEntry, via: 'bulk' | 'desk', intents: readonly OrderIntent[], clock: FrameClock | null, nowPerf: () => number): void {
    const counter = this.sentIntents(e, via, intents);
    if (via === 'bulk') e.lastBatch = intents;
    else if (counter && e.dealAt >= 0 && clock !== null && clock.frames === e.dealFrame) this.reaction.observe((nowPerf() - e.dealAt) / 1000);
    if (via === 'desk') e.dealAt = -1;
  }

  /** The exchange's answers (to a desk's orders or a placing batch): an answer is no reaction to a fill. */
  answered(e: MarketEntry, outcomes: readonly PlacementOutcome[]): void {
    e.dealAt = -1;
    for (const o of outcomes) {
      this.outcome(e, o.kind).inc();
      const origin = e.deskOrigins.get(o.clientOrderId);
      if (origin !== undefined) {
        e.deskOrigins.delete(o.clientOrderId);
        this.sentVia(e, origin, o.via ?? 'rest').inc();
      }
      if (e.counterIds.delete(o.clientOrderId) && o.kind === 'placed') e.placed.inc();
    }
  }

  /** A placing batch failed as a whole: its orders are owed again or left to reconcile. */
  batchFailed(e: MarketEntry): void {
    const batch = e.lastBatch ?? [];
    if (batch.length > 0) this.outcome(e, 'failed').inc(batch.length);
    for (const i of batch) e.counterIds.delete(i.clientOrderId);
  }

  /** Sets the scrape-time gauges from one row per market. */
  refresh(rows: readonly MarketRow[]): void {
    for (const g of [
      this.state,
      this.since,
      this.expected,
      this.resting,
      this.missing,
      this.open,
      this.pending,
      this.pnl,
      this.fillsAllTime,
      this.pnlAllTime,
      this.waiting,
      this.inventory,
      this.killSwitch,
    ])
      g.reset();
    this.fills.reset();
    for (const { status: s, context, since } of rows) {
      const market = s.market;
      const top = s.state.split('.')[0] ?? s.state;
      for (const state of MARKET_STATES) this.state.set({ market, state }, state === top ? 1 : 0);
      if (!(MARKET_STATES as readonly string[]).includes(top)) this.state.set({ market, state: top }, 1);
      if (since !== null) this.since.set({ market }, since / 1000);
      const ended = top === 'stopped' || top === 'failed';
      const levels = context === null || ended ? { expected: 0, resting: 0 } : levelCounts(context);
      this.expected.set({ market }, levels.expected);
      this.resting.set({ market }, levels.resting);
      this.missing.set({ market }, Math.max(0, levels.expected - levels.resting));
      this.waiting.set({ market }, context === null || ended ? 0 : (context.book?.waiting.size ?? 0));
      this.open.set({ market }, s.liveOrders);
      this.pending.set({ market }, s.pendingOrders);
      this.fills.inc({ market }, s.fills);
      this.pnl.set({ market }, Number(s.realisedPnl));
      this.fillsAllTime.set({ market }, s.allTime.fills);
      this.pnlAllTime.set({ market }, Number(s.allTime.realisedQuote));
      this.inventory.set({ market }, Number(s.inventory));
      if (s.killSwitchSeconds !== null) this.killSwitch.set({ market }, s.killSwitchSeconds);
    }
  }

  /**
   * Counts `intents` as sent (a batch: over REST now; the desk's: once answered, by the way the
   * answer names); returns true when one of them is a counter-order.
   */
  private sentIntents(e: MarketEntry, via: 'bulk' | 'desk', intents: readonly OrderIntent[]): boolean {
    let counter = false;
    for (const i of intents) {
      if (via === 'bulk') this.sentVia(e, i.origin, 'rest').inc();
      else e.deskOrigins.set(i.clientOrderId, i.origin);
      if (isCounter(i.origin)) {
        counter = true;
        e.counterIds.add(i.clientOrderId);
      }
    }
    return counter;
  }

  private sentVia(e: MarketEntry, origin: string, via: OrderWay): Counter.Internal {
    const key = `${origin} ${via}`;
    let child = e.sent.get(key);
    if (child === undefined) {
      child = this.sentTotal.labels({ market: e.market, origin, via });
      e.sent.set(key, child);
    }
    return child;
  }

  private outcome(e: MarketEntry, kind: string): Counter.Internal {
    let child = e.outcomes.get(kind);
    if (child === undefined) {
      child = this.outcomeTotal.labels({ market: e.market, outcome: kind });
      e.outcomes.set(kind, child);
    }
    return child;
  }
}
