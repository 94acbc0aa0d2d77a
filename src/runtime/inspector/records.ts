/**
 * The inspector's records: what the collector makes of XState's inspection stream and of what the
 * markets emit, what the model applies, and (one per line) what a `--record` JSONL file holds. Plain
 * JSON only: money as decimal strings, times as epoch ms, state nodes by their chart id
 * (`market.lifecycle.running.trading`).
 *
 * Live and replay share them, so a recording replays through exactly the code that drew the live page.
 */
import type { FigureSet } from '../report/fleet-figures.js';

/** The first line of a recording. */
export interface HelloRecord {
  readonly k: 'hello';
  readonly v: 1;
  readonly t: number;
  /** Machine ids whose charts the page can draw. */
  readonly machines: readonly string[];
}

/** A machine actor appeared (supervisor, connection, a market). */
export interface ActorRecord {
  readonly k: 'actor';
  readonly t: number;
  readonly id: string;
  /** Its machine's id: `market`, `connection`, `supervisor`. */
  readonly machine: string;
  readonly parent: string | null;
}

/** A fill as the market learned it (`market.fill`; recordings made before issue 13: `feed.deal`). */
export interface FillNote {
  readonly side: string;
  readonly price: string;
  readonly amount: string;
  /** The fee and its asset (absent in older recordings; null when the exchange did not say). */
  readonly fee?: string | null;
  readonly feeAsset?: string | null;
  /** The filled order's client id and level (absent in older recordings). */
  readonly clientOrderId?: string;
  readonly level?: number;
  /** What answered the fill, read from the level book after the turn (trade-history.ts); absent in older recordings. */
  readonly counter?: CounterNote;
}

/**
 * What became of a fill's counter-quantity (grid/counter-order.ts): an order at the next level
 * (its client id, price and state when the book was read), or why there is none.
 */
export type CounterNote =
  | {
      readonly kind: 'order';
      readonly clientOrderId: string;
      readonly level: number;
      readonly side: 'buy' | 'sell';
      readonly price: string;
      readonly amount: string;
      readonly state: string;
    }
  /** The target level is busy (the quantity joins the next counter-order there) or waits for price. */
  | { readonly kind: 'carried'; readonly level: number; readonly side: 'buy' | 'sell' }
  /** Beyond the grid's edge: the quantity stays as inventory. */
  | { readonly kind: 'offGrid'; readonly side: 'buy' | 'sell' }
  /** Not yet known (the order is still partly open: the counter-quantity is released as it fills). */
  | { readonly kind: 'none' };

/** One asset's exchange balance (trade account), decimal strings. */
export interface BalanceView {
  readonly asset: string;
  readonly available: string;
  readonly freeze: string;
}

/** The exchange balances, read by the inspector while someone looks (balance-feed.ts). */
export interface BalancesRecord {
  readonly k: 'balances';
  readonly t: number;
  /** Sorted by asset. */
  readonly balances: readonly BalanceView[];
  /** Why the last read failed, if it did (the previous balances stay shown). */
  readonly error?: string;
}

/** An event delivered to a machine actor (or, with `to`, one a machine actor sent to a child of its own). */
export interface EventRecord {
  readonly k: 'event';
  readonly t: number;
  readonly id: string;
  readonly type: string;
  /** The sender's actor id, null when sent from outside any actor. */
  readonly src: string | null;
  /** Set when `id` is the sender and this is the (non-machine) receiver, e.g. `desk`. */
  readonly to?: string;
  /** A short human summary (`buy 0.002 @ 59800`, an error message). */
  readonly note?: string;
  readonly fill?: FillNote;
  /** The whole event, JSON-safe; only in recordings (frames and REST results the actors saw). */
  readonly ev?: unknown;
}

/** What a market told its observers (an emitted event: a fill, orders sent, their answers), for its log. */
export interface NoteRecord {
  readonly k: 'note';
  readonly t: number;
  readonly id: string;
  /** The emitted event's type: `market.fill`, `market.ordersSent`, … */
  readonly type: string;
  readonly note: string;
  readonly fill?: FillNote;
  /** The whole emitted event, JSON-safe; only in recordings. */
  readonly ev?: unknown;
}

/** One transition with a target taken in a microstep: what the chart traces. */
export interface StepRecord {
  readonly k: 'step';
  readonly t: number;
  readonly id: string;
  readonly type: string;
  readonly from: string;
  readonly to: readonly string[];
  /** The chart edge taken (chart-edges.ts key), so the page lights that one among same-named siblings. */
  readonly e?: string;
  /** The region of a parallel state the transition lies in (`market.killSwitch`); absent outside one. */
  readonly r?: string;
}

/** An actor's state (or status) changed. */
export interface StateRecord {
  readonly k: 'state';
  readonly t: number;
  readonly id: string;
  /** The row's state: a market's lifecycle path (`running.trading`), otherwise the whole path. */
  readonly state: string;
  /** Every active state node id, ancestors included. */
  readonly active: readonly string[];
  readonly status: 'active' | 'done' | 'error' | 'stopped';
  /** The type of the event that caused it. */
  readonly ev: string;
}

/** Plain values of a market's status row. */
export interface MarketRow {
  readonly liveOrders: number;
  readonly pendingOrders: number;
  /** This run's fills, PnL (net of fees, in `quoteAsset`), fees and inventory: fleet-figures.ts. */
  readonly fills: number;
  readonly realisedPnl: string;
  readonly fees: string;
  readonly inventory: string;
  readonly quoteAsset: string | null;
  /** The same, for every run of the journal. */
  readonly allTime: FigureSet;
  /** The open lots valued at the last price, net of their fees, in `quoteAsset`; null without a price or book (absent in older recordings). */
  readonly unrealisedPnl?: string | null;
  /** This run's round trips (fleet-figures.ts `roundTripsOf`); absent when 0, and in older recordings. */
  readonly roundTrips?: number;
  readonly stopReason: string | null;
  /** Epoch ms at which the exchange cancels the market's orders unless refreshed; null when not armed. */
  readonly ksDeadline: number | null;
  readonly reason: string | null;
  readonly connected: boolean;
}

export type LevelOrderView = {
  readonly side: 'buy' | 'sell';
  readonly state: string;
  readonly price: string;
  readonly amount: string;
  readonly origin: string;
  /** Absent in older recordings. */
  readonly clientOrderId?: string;
};

export interface LadderLevel {
  readonly i: number;
  readonly price: string;
  /** The side of the level's initial order; null for the gap. */
  readonly plan: 'buy' | 'sell' | null;
  readonly order: LevelOrderView | null;
  /** Deals recorded against orders of this level, and their base total. */
  readonly fills: number;
  readonly filled: string;
  /** The side of the level's latest filled order, if any. */
  readonly lastFill: 'buy' | 'sell' | null;
  /** Quantity refused as post-only at this level, waiting for the price to let it rest (grid/price-wait.ts); absent when none. */
  readonly waiting?: readonly { readonly side: 'buy' | 'sell'; readonly amount: string }[];
}

export interface Ladder {
  /** Ascending by price. */
  readonly levels: readonly LadderLevel[];
  readonly gap: number | null;
  readonly base: string;
  readonly quote: string;
}

/** A market's context, coalesced: at most one per market per tick. */
export interface MarketRecord {
  readonly k: 'market';
  readonly t: number;
  readonly id: string;
  readonly row: MarketRow;
  readonly price: string | null;
  /** Present when the level book changed since the last record of this market. */
  readonly ladder?: Ladder | null;
}

/**
 * A record made inside a synchronous cascade (collector.ts) carries its cascade's number as `c`:
 * an actor's transition and everything its effects made other actors do before it finished. Records
 * of one cascade belong to one moment; a replay never stops between two of them (replay-steps.ts).
 * Absent outside cascades and in recordings made before issue 17.
 */
type Cascaded<R> = R & { readonly c?: number };

export type InspectorRecord =
  | HelloRecord
  | Cascaded<ActorRecord>
  | Cascaded<EventRecord>
  | Cascaded<NoteRecord>
  | Cascaded<StepRecord>
  | Cascaded<StateRecord>
  | MarketRecord
  | BalancesRecord;

const MAX_DEPTH = 8;
const MAX_ITEMS = 200;

/**
 * Returns `value` as plain JSON data: Decimals as strings (their `toJSON`), Maps as objects (or
 * entry lists for non-string keys), Sets as arrays, Errors as `{name, message}`, actor refs by id,
 * functions dropped, depth and list length capped. Never throws.
 */
export function jsonSafe(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return '…';
  const v = value as Record<string, unknown>;
  if (typeof v['toJSON'] === 'function') {
    try {
      return jsonSafe((v['toJSON'] as () => unknown)(), depth + 1);
    } catch {
      return String(value);
    }
  }
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value instanceof Map) {
    const entries = [...value.entries()].slice(0, MAX_ITEMS);
    if (entries.every(([k]) => typeof k === 'string')) return Object.fromEntries(entries.map(([k, x]) => [k, jsonSafe(x, depth + 1)]));
    return entries.map(([k, x]) => [jsonSafe(k, depth + 1), jsonSafe(x, depth + 1)]);
  }
  if (value instanceof Set) return [...value].slice(0, MAX_ITEMS).map((x) => jsonSafe(x, depth + 1));
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((x) => jsonSafe(x, depth + 1));
  // An actor ref (XState puts them in events and contexts): name it, never walk it.
  if ('sessionId' in v && typeof v['send'] === 'function') return { actor: String(v['id']) };
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key in v) {
    if (n++ >= MAX_ITEMS) break;
    const x = jsonSafe(v[key], depth + 1);
    if (x !== undefined) out[key] = x;
  }
  return out;
}
