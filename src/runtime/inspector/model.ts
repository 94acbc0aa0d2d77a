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
import type { FillNote, InspectorRecord, Ladder, MarketRow } from './records.js';

export const LOG_CAP = 150;
export const TRAIL_CAP = 8;
export const PRICE_CAP = 400;
export const FILL_CAP = 100;

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

  apply(rec: InspectorRecord): void {
    this.applied += 1;
    if (rec.t > this.now) this.now = rec.t;
    if (rec.k === 'hello') return;
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
        if (rec.fill) a.fills.push({ ...rec.fill, t: rec.t });
        return;
      }
      case 'note':
        a.log.push({ t: rec.t, type: rec.type, src: null, from: a.state, next: a.state, note: rec.note, n: 1 });
        if (rec.fill) a.fills.push({ ...rec.fill, t: rec.t });
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
    };
  }
}
