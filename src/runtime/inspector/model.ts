/**
 * What the inspector page shows, as one mutable model fed by records: a row per actor (state, time
 * in state, orders, fills, PnL, kill-switch), and per actor its event log, the last transitions
 * (the last TRAIL_CAP of each region, so a market's kill-switch refreshes never push its lifecycle
 * history off), and for a market its ladder, price line and fills. Everything that grows is a capped ring, so a
 * long run with 500 markets holds a bounded amount of memory.
 *
 * Live, the collector's records are applied on each tick; in replay, the records of a file up to
 * the chosen position. `takeChanges()` returns the actors touched since the last call, which is
 * what the server broadcasts: one row per changed actor per tick at most.
 */
import { Decimal } from 'decimal.js';
import { type CurrencyTotals, fleetTotals } from '../report/fleet-totals.js';
import type { BalanceView, FillNote, InspectorRecord, Ladder, MarketRow } from './records.js';

export const LOG_CAP = 150;
export const TRAIL_CAP = 8;
export const PRICE_CAP = 400;
export const FILL_CAP = 100;
/** Fills kept per market, and fleet-wide, for the trade history. */
export const TRADE_CAP = 200;
/** Fleet-wide fills sent to the page with every fleet view (the newest). */
export const FLEET_TRADES_SHOWN = 50;
/** Points of a profit line (per market, per quote asset). */
export const PROFIT_CAP = 400;

/** One fill in the trade history, with what its counter-order is now (`counterState`). */
export interface TradeRow extends FillNote {
  readonly t: number;
  /** The market actor's id. */
  readonly market: string;
  /**
   * The counter-order's state now: the state it was read in, `live` / `filled` as later records
   * tell, `done` once it left the book without a fill seen here; null when there is no order.
   */
  readonly counterState?: string | null;
}

/** [epoch ms, realised PnL net of fees (decimal string)]. */
export type ProfitPoint = readonly [number, string];

/** What the page shows for the whole fleet: totals per quote asset, balances, fills, profit lines. */
export interface FleetView {
  readonly totals: readonly CurrencyTotals[];
  readonly balances: { readonly t: number; readonly list: readonly BalanceView[]; readonly error: string | null } | null;
  /** The newest fleet-wide fills, oldest first. */
  readonly trades: readonly TradeRow[];
  /** This run's realised PnL over time, one line per quote asset. */
  readonly profit: readonly { readonly asset: string; readonly points: readonly ProfitPoint[] }[];
}

export interface LogEntry {
  t: number;
  type: string;
  src: string | null;
  to?: string;
  from: string;
  /** Equal to `from` when the event changed no state. */
  next: string;
  note?: string;
  /** Consecutive identical events that changed nothing are folded into one entry. */
  n: number;
}

export interface TrailStep {
  readonly t: number;
  readonly type: string;
  readonly from: string;
  readonly to: readonly string[];
  /** The chart edge's key, when the recording has it. */
  readonly edge?: string;
  /** The parallel region it lies in (`market.killSwitch`), when in one. */
  readonly region?: string;
}

export interface Row {
  readonly id: string;
  readonly machine: string;
  readonly parent: string | null;
  readonly state: string;
  readonly status: string;
  /** Epoch ms of the last state change. */
  readonly since: number;
  readonly market: (MarketRow & { readonly price: string | null }) | null;
}

export interface Detail {
  readonly id: string;
  readonly machine: string;
  readonly active: readonly string[];
  readonly log: readonly LogEntry[];
  readonly trail: readonly TrailStep[];
  readonly ladder: Ladder | null;
  /** [epoch ms, price] for the price line (a display number, not money). */
  readonly prices: readonly (readonly [number, number])[];
  readonly fills: readonly (FillNote & { readonly t: number })[];
  /** The market's fills with their counter-orders, oldest first. */
  readonly trades: readonly TradeRow[];
  /** This run's realised PnL over time, in the market's quote asset. */
  readonly profit: readonly ProfitPoint[];
}

class Ring<T> {
  private items: T[] = [];
  constructor(private readonly cap: number) {}
  push(x: T): void {
    this.items.push(x);
    if (this.items.length > this.cap * 2) this.items = this.items.slice(-this.cap);
  }
  last(): T | undefined {
    return this.items[this.items.length - 1];
  }
  toArray(): T[] {
    return this.items.length > this.cap ? this.items.slice(-this.cap) : this.items.slice();
  }
  /** The newest `n`, oldest first. */
  tail(n: number): T[] {
    return this.items.slice(-Math.min(n, this.cap));
  }
  /** Replaces the newest item. */
  setLast(x: T): void {
    this.items[this.items.length - 1] = x;
  }
}

/** Adds a point to a profit line, one per time (a later value at the same time replaces it). */
function pushProfit(ring: Ring<ProfitPoint>, t: number, value: string): void {
  const last = ring.last();
  if (last !== undefined && last[1] === value) return;
  if (last !== undefined && last[0] === t) ring.setLast([t, value]);
  else ring.push([t, value]);
}

interface ActorView {
  readonly id: string;
  readonly machine: string;
  readonly parent: string | null;
  state: string;
  status: string;
  since: number;
  active: readonly string[];
  market: MarketRow | null;
  price: string | null;
  ladder: Ladder | null;
  readonly log: Ring<LogEntry>;
  /** Oldest first; at most TRAIL_CAP per region. */
  readonly trail: TrailStep[];
  readonly prices: Ring<readonly [number, number]>;
  readonly fills: Ring<FillNote & { readonly t: number }>;
  readonly trades: Ring<TradeRow>;
  readonly profit: Ring<ProfitPoint>;
  /** The log entry of the last event delivered, waiting for the state it leads to. */
  pending: LogEntry | null;
}

export class InspectorModel {
  private readonly actors = new Map<string, ActorView>();
  private changed = new Set<string>();
  /** Time of the latest record applied. */
  now = 0;
  /** Records applied so far. */
  applied = 0;
  private readonly fleetTrades = new Ring<TradeRow>(TRADE_CAP);
  /** This run's realised PnL per quote asset, summed as markets change, and its line. */
  private readonly fleetRealised = new Map<string, { sum: Decimal; line: Ring<ProfitPoint> }>();
  private balances: FleetView['balances'] = null;
  private fleetChanged = false;

  private addTrade(a: ActorView, fill: FillNote, t: number): void {
    const row: TradeRow = { ...fill, t, market: a.id };
    a.trades.push(row);
    this.fleetTrades.push(row);
    this.fleetChanged = true;
  }

  /** Moves the market's (and its quote asset's) profit line when its realised PnL changed. */
  private profitOf(a: ActorView, row: MarketRow, t: number): void {
    const before = a.market;
    pushProfit(a.profit, t, row.realisedPnl);
    if (row.quoteAsset === null) return;
    const prev = before !== null && before.quoteAsset === row.quoteAsset ? before.realisedPnl : '0';
    let line = this.fleetRealised.get(row.quoteAsset);
    if (line === undefined) {
      line = { sum: new Decimal(0), line: new Ring(PROFIT_CAP) };
      this.fleetRealised.set(row.quoteAsset, line);
    }
    if (prev !== row.realisedPnl) line.sum = line.sum.plus(row.realisedPnl).minus(prev);
    pushProfit(line.line, t, line.sum.toFixed());
  }

  apply(rec: InspectorRecord): void {
    this.applied += 1;
    if (rec.t > this.now) this.now = rec.t;
    if (rec.k === 'hello') return;
    if (rec.k === 'balances') {
      const list = rec.error !== undefined && this.balances !== null ? this.balances.list : rec.balances;
      this.balances = { t: rec.t, list, error: rec.error ?? null };
      this.fleetChanged = true;
      return;
    }
    if (rec.k === 'actor') {
      this.actors.set(rec.id, {
        id: rec.id,
        machine: rec.machine,
        parent: rec.parent,
        state: '',
        status: 'active',
        since: rec.t,
        active: [],
        market: null,
        price: null,
        ladder: null,
        log: new Ring(LOG_CAP),
        trail: [],
        prices: new Ring(PRICE_CAP),
        fills: new Ring(FILL_CAP),
        trades: new Ring(TRADE_CAP),
        profit: new Ring(PROFIT_CAP),
        pending: null,
      });
      this.changed.add(rec.id);
      return;
    }
    const a = this.actors.get(rec.id);
    if (!a) return;
    this.changed.add(rec.id);
    switch (rec.k) {
      case 'event': {
        const last = a.log.last();
        if (
          rec.to === undefined &&
          last !== undefined &&
          last.type === rec.type &&
          last.src === rec.src &&
          last.from === a.state &&
          last.next === a.state &&
          last.to === undefined
        ) {
          last.n += 1;
          last.t = rec.t;
          if (rec.note !== undefined) last.note = rec.note;
          a.pending = rec.type === last.type ? last : null;
        } else {
          const entry: LogEntry = {
            t: rec.t,
            type: rec.type,
            src: rec.src,
            from: a.state,
            next: a.state,
            n: 1,
            ...(rec.to !== undefined ? { to: rec.to } : {}),
            ...(rec.note !== undefined ? { note: rec.note } : {}),
          };
          a.log.push(entry);
          a.pending = rec.to === undefined ? entry : a.pending;
        }
        if (rec.fill) {
          a.fills.push({ ...rec.fill, t: rec.t });
          this.addTrade(a, rec.fill, rec.t);
        }
        return;
      }
      case 'note':
        a.log.push({ t: rec.t, type: rec.type, src: null, from: a.state, next: a.state, note: rec.note, n: 1 });
        if (rec.fill) {
          a.fills.push({ ...rec.fill, t: rec.t });
          this.addTrade(a, rec.fill, rec.t);
        }
        return;
      case 'step': {
        const region = rec.r;
        a.trail.push({ t: rec.t, type: rec.type, from: rec.from, to: rec.to, ...(rec.e ? { edge: rec.e } : {}), ...(region ? { region } : {}) });
        const same = a.trail.filter((s) => s.region === region);
        if (same.length > TRAIL_CAP) a.trail.splice(a.trail.indexOf(same[0] as TrailStep), 1);
        return;
      }
      case 'state': {
        const from = a.state;
        if (rec.state !== from) a.since = rec.t;
        a.state = rec.state;
        a.status = rec.status;
        a.active = rec.active;
        const p = a.pending;
        if (p !== null && p.type === rec.ev && p.next === from) {
          if (p.n > 1 && rec.state !== from) {
            // A folded run of no-op events ended with one that moved: give that one its own entry.
            p.n -= 1;
            a.log.push({ t: rec.t, type: p.type, src: p.src, from, next: rec.state, n: 1 });
          } else p.next = rec.state;
        } else if (rec.state !== from && from !== '') {
          a.log.push({ t: rec.t, type: rec.ev, src: null, from, next: rec.state, n: 1 });
        }
        a.pending = null;
        return;
      }
      case 'market': {
        this.profitOf(a, rec.row, rec.t);
        this.fleetChanged = true;
        a.market = rec.row;
        if (rec.ladder !== undefined) a.ladder = rec.ladder;
        if (rec.price !== null && rec.price !== a.price) {
          const n = Number(rec.price);
          if (Number.isFinite(n)) a.prices.push([rec.t, n]);
        }
        a.price = rec.price;
        return;
      }
    }
  }

  /** Whether the fleet view changed since the last call; resets. */
  takeFleetChange(): boolean {
    const c = this.fleetChanged;
    this.fleetChanged = false;
    return c;
  }

  /** The fleet's totals (report/fleet-totals.ts, from the market rows), balances, fills and profit lines. */
  fleet(): FleetView {
    const rows = [...this.actors.values()].flatMap((a) => a.market ?? []);
    return {
      totals: fleetTotals(rows),
      balances: this.balances,
      trades: withCounterState(this.fleetTrades.tail(FLEET_TRADES_SHOWN), (id) => this.actors.get(id)),
      profit: [...this.fleetRealised].sort(([a], [b]) => a.localeCompare(b)).map(([asset, l]) => ({ asset, points: l.line.toArray() })),
    };
  }

  /** Ids of the actors touched since the last call; resets. */
  takeChanges(): Set<string> {
    const c = this.changed;
    this.changed = new Set();
    return c;
  }

  ids(): string[] {
    return [...this.actors.keys()];
  }

  row(id: string): Row | null {
    const a = this.actors.get(id);
    if (!a) return null;
    return {
      id: a.id,
      machine: a.machine,
      parent: a.parent,
      state: a.state,
      status: a.status,
      since: a.since,
      market: a.market ? { ...a.market, price: a.price } : null,
    };
  }

  rows(): Row[] {
    return this.ids().flatMap((id) => this.row(id) ?? []);
  }

  detail(id: string): Detail | null {
    const a = this.actors.get(id);
    if (!a) return null;
    return {
      id: a.id,
      machine: a.machine,
      active: a.active,
      log: a.log.toArray(),
      trail: a.trail.slice(),
      ladder: a.ladder,
      prices: a.prices.toArray(),
      fills: a.fills.toArray(),
      trades: withCounterState(a.trades.toArray(), (x) => this.actors.get(x)),
      profit: a.profit.toArray(),
    };
  }
}

/**
 * Returns the trades with their counter-orders' state now: `filled` when a later fill of the market
 * is the counter-order's, the state on the ladder while it is there, `done` once it left the book.
 */
function withCounterState(trades: readonly TradeRow[], actor: (id: string) => ActorView | undefined): TradeRow[] {
  const filled = new Map<string, Set<string>>();
  const filledOf = (a: ActorView): Set<string> => {
    let ids = filled.get(a.id);
    if (ids === undefined) {
      ids = new Set(a.trades.toArray().flatMap((x) => x.clientOrderId ?? []));
      filled.set(a.id, ids);
    }
    return ids;
  };
  return trades.map((tr) => {
    const c = tr.counter;
    if (c === undefined || c.kind !== 'order') return tr;
    const a = actor(tr.market);
    if (a === undefined) return { ...tr, counterState: c.state };
    if (filledOf(a).has(c.clientOrderId)) return { ...tr, counterState: 'filled' };
    const level = a.ladder?.levels.find((l) => l.i === c.level);
    const o = level?.order;
    if (o != null && o.clientOrderId === c.clientOrderId) return { ...tr, counterState: o.state };
    // No ladder yet, or one from an older recording (no client ids): the state it was read in.
    if (level === undefined || (o != null && o.clientOrderId === undefined)) return { ...tr, counterState: c.state };
    return { ...tr, counterState: 'done' };
  });
}
