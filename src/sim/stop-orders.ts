/**
 * The trigger book: untriggered stop orders (stop-limit, stop-market) per market, as data. No
 * clock, no IO, no ledger; the exchange owns funds and placement.
 *
 * Trigger rule (WhiteBIT docs, order-stop-limit-place: "the engine derives activation_condition by
 * comparing activation_price to the market at placement: above the market yields gte, below yields
 * lte"): the direction is not the side but where the trigger sits against the LAST TRADE PRICE when
 * the order is placed. A `gte` stop fires once a trade prints at or above its activation price, an
 * `lte` stop once a trade prints at or below it. An activation price equal to the last price has no
 * direction and is refused at placement (REST 30 / WS 101).
 *
 * Every trade price counts, not just the last one after a sweep: a taker that walks several levels
 * prints each of them, so the book keeps the lowest and highest print per market since the last
 * `takeTriggered` (a buy sweep from 95 to 97 reaches an `lte 96` stop on its first print).
 *
 * Entry points: `activationCondition`, `TriggerBook.add / remove / noteTrade / takeTriggered`.
 * Invariant: an order is in the book at most once; `takeTriggered` removes what it returns, so
 * each stop fires at most once and an activation cascade ends after at most `size` activations.
 *
 * @see whitebit-protocol-2.md §1.3, §1.5, §2.5
 */
import type { Dec } from './decimal.js';

/** `gte`: fires on a print at or above the activation price; `lte`: at or below. */
export type ActivationCondition = 'gte' | 'lte';

/** The trigger of one stop order, fixed at placement. */
export interface Trigger {
  readonly activationPrice: Dec;
  readonly condition: ActivationCondition;
}

/**
 * The condition a stop placed at `activationPrice` gets while the market's last price is `last`;
 * null when they are equal (WhiteBIT refuses such a stop: it would have no direction).
 */
export function activationCondition(activationPrice: Dec, last: Dec): ActivationCondition | null {
  const c = activationPrice.comparedTo(last);
  return c === 0 ? null : c > 0 ? 'gte' : 'lte';
}

/** True when a print range [low, high] reaches the trigger. */
export function reaches(trigger: Trigger, low: Dec, high: Dec): boolean {
  return trigger.condition === 'gte' ? high.greaterThanOrEqualTo(trigger.activationPrice) : low.lessThanOrEqualTo(trigger.activationPrice);
}

interface Entry<O> {
  readonly order: O;
  readonly trigger: Trigger;
}

interface PrintRange {
  low: Dec;
  high: Dec;
}

/** Untriggered stops keyed by order id, per market; `O` is whatever the caller stores (the exchange: its order record). */
export class TriggerBook<O extends { readonly id: number; readonly market: string }> {
  private readonly byMarket = new Map<string, Map<number, Entry<O>>>();
  private readonly prints = new Map<string, PrintRange>();

  /** Number of untriggered stops over all markets. */
  get size(): number {
    let n = 0;
    for (const m of this.byMarket.values()) n += m.size;
    return n;
  }

  add(order: O, trigger: Trigger): void {
    let entries = this.byMarket.get(order.market);
    if (!entries) {
      entries = new Map();
      this.byMarket.set(order.market, entries);
    }
    entries.set(order.id, { order, trigger });
  }

  /** Removes the stop with this order's id; false when it is not waiting here. */
  remove(order: { readonly id: number; readonly market: string }): boolean {
    return this.byMarket.get(order.market)?.delete(order.id) ?? false;
  }

  /** Records one trade print. Markets without stops keep no range (nothing to trigger). */
  noteTrade(market: string, price: Dec): void {
    if ((this.byMarket.get(market)?.size ?? 0) === 0) return;
    const r = this.prints.get(market);
    if (!r) this.prints.set(market, { low: price, high: price });
    else {
      if (price.lessThan(r.low)) r.low = price;
      if (price.greaterThan(r.high)) r.high = price;
    }
  }

  /**
   * Removes and returns every stop the prints since the last call reach, in order-id order
   * (placement order, so a cascade is deterministic), and forgets those prints.
   */
  takeTriggered(): O[] {
    const out: O[] = [];
    for (const [market, r] of this.prints) {
      const entries = this.byMarket.get(market);
      if (!entries) continue;
      for (const [id, e] of entries) {
        if (!reaches(e.trigger, r.low, r.high)) continue;
        entries.delete(id);
        out.push(e.order);
      }
    }
    this.prints.clear();
    return out.sort((a, b) => a.id - b.id);
  }
}
