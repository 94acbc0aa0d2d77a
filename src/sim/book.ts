/**
 * A limit order book for one market with price-time priority.
 *
 * Layout (see PERF.md): each side is a Map from the exact decimal price string to its level plus an
 * array of those keys sorted best-first, so the best level is `keys[0]` and an update touches one
 * map entry. Within a level, orders queue in arrival order. The book mutates in place; it records
 * which price levels changed so the exchange can publish depth deltas.
 *
 * Invariant: a level exists only while it holds at least one order with `left > 0`, and its
 * `total` equals the sum of its orders' `left`.
 */
import { ZERO, fmt, type Dec } from './decimal.js';

export type Side = 'buy' | 'sell';

/** What the book needs of an order; the exchange's order records extend it. */
export interface BookOrder {
  readonly id: number;
  readonly side: Side;
  /** Canonical price string (no trailing zeros), the level key. */
  readonly price: string;
  readonly priceD: Dec;
  left: Dec;
}

export interface Level<O extends BookOrder> {
  readonly price: string;
  readonly priceD: Dec;
  readonly orders: O[];
  total: Dec;
}

/** One side of the book; `better(a, b)` is true when price a has priority over price b. */
export class BookSide<O extends BookOrder> {
  private readonly levels = new Map<string, Level<O>>();
  private readonly keys: string[] = [];
  /** Prices whose level total changed since the last `drainChanged`. */
  private changed = new Set<string>();

  constructor(
    readonly side: Side,
    private readonly better: (a: Dec, b: Dec) => boolean,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  best(): Level<O> | undefined {
    const key = this.keys[0];
    return key === undefined ? undefined : this.levels.get(key);
  }

  level(price: string): Level<O> | undefined {
    return this.levels.get(price);
  }

  /** Appends an order at the back of its price level. */
  add(order: O): void {
    let level = this.levels.get(order.price);
    if (!level) {
      level = { price: order.price, priceD: order.priceD, orders: [], total: ZERO };
      this.levels.set(order.price, level);
      this.keys.splice(this.insertIndex(order.priceD), 0, order.price);
    }
    level.orders.push(order);
    level.total = level.total.plus(order.left);
    this.changed.add(order.price);
  }

  /** Removes an order wherever it is in its level; returns false when it is not on the book. */
  remove(order: O): boolean {
    const level = this.levels.get(order.price);
    if (!level) return false;
    const i = level.orders.indexOf(order);
    if (i < 0) return false;
    level.orders.splice(i, 1);
    level.total = level.total.minus(order.left);
    this.changed.add(order.price);
    if (level.orders.length === 0) this.dropLevel(level);
    return true;
  }

  /**
   * Reduces a resting order by `amount` (a fill); removes it when nothing is left.
   * The caller guarantees 0 < amount <= order.left.
   */
  reduce(order: O, amount: Dec): void {
    const level = this.levels.get(order.price);
    if (!level) throw new Error(`book: order ${order.id} is not on the book`);
    order.left = order.left.minus(amount);
    level.total = level.total.minus(amount);
    this.changed.add(order.price);
    if (order.left.isZero()) {
      const i = level.orders.indexOf(order);
      if (i >= 0) level.orders.splice(i, 1);
      if (level.orders.length === 0) this.dropLevel(level);
    }
  }

  /** Iterates levels best-first. */
  *iterate(): IterableIterator<Level<O>> {
    for (const key of this.keys) {
      const level = this.levels.get(key);
      if (level) yield level;
    }
  }

  /** Returns up to `limit` levels best-first as [price, amount] strings. */
  depth(limit: number): [string, string][] {
    const out: [string, string][] = [];
    for (const key of this.keys) {
      if (out.length >= limit) break;
      const level = this.levels.get(key);
      if (level) out.push([key, fmt(level.total)]);
    }
    return out;
  }

  /** Returns the changed levels as [price, amount] ("0" for a removed level) and clears the record. */
  drainChanged(): [string, string][] {
    const out: [string, string][] = [];
    for (const price of this.changed) out.push([price, fmt(this.levels.get(price)?.total ?? ZERO)]);
    this.changed = new Set();
    return out;
  }

  private dropLevel(level: Level<O>): void {
    this.levels.delete(level.price);
    const i = this.keys.indexOf(level.price);
    if (i >= 0) this.keys.splice(i, 1);
  }

  /** Binary search for the first key the new price has priority over. */
  private insertIndex(price: Dec): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const key = this.keys[mid];
      const level = key === undefined ? undefined : this.levels.get(key);
      if (level && this.better(level.priceD, price)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Both sides of one market's book. */
export class OrderBook<O extends BookOrder> {
  readonly bids = new BookSide<O>('buy', (a, b) => a.greaterThan(b));
  readonly asks = new BookSide<O>('sell', (a, b) => a.lessThan(b));

  constructor(readonly market: string) {}

  side(side: Side): BookSide<O> {
    return side === 'buy' ? this.bids : this.asks;
  }

  opposite(side: Side): BookSide<O> {
    return side === 'buy' ? this.asks : this.bids;
  }

  add(order: O): void {
    this.side(order.side).add(order);
  }

  remove(order: O): boolean {
    return this.side(order.side).remove(order);
  }

  /** True when the best bid is at or above the best ask, which matching must never leave behind. */
  isCrossed(): boolean {
    const bid = this.bids.best();
    const ask = this.asks.best();
    return bid !== undefined && ask !== undefined && bid.priceD.greaterThanOrEqualTo(ask.priceD);
  }
}
