/**
 * A market's grid ladder as plain data for the inspector: every planned level with its price, the
 * order resting (or on its way) there, what waits there for price (refused as post-only), and the
 * fills recorded against it. The level book holds
 * Maps and Decimals; this is where they become strings, deliberately, off the hot path (the
 * collector calls it on its timer, once per market per tick at most, and only when the book changed).
 */
import { toPlain } from '../../grid/index.js';
import type { MarketContext } from '../../machines/market/market.types.js';
import type { Ladder, LadderLevel } from './records.js';

/** Returns the ladder of a market's context, or null before the grid is planned. */
export function ladderOf(context: Pick<MarketContext, 'plan' | 'book' | 'rules'>): Ladder | null {
  const { plan, book } = context;
  if (plan === null) return null;
  // Per-level deal counts the ledger keeps (its finished orders are gone from memory).
  const fills = book?.ledger.levelFills;
  // Levels waiting for price, by level (a handful at most: only refused orders wait).
  const waiting = new Map<number, { side: 'buy' | 'sell'; amount: string }[]>();
  for (const w of book?.waiting.values() ?? []) waiting.set(w.level, [...(waiting.get(w.level) ?? []), { side: w.side, amount: toPlain(w.amount) }]);
  const levels = plan.levels.map((l): LadderLevel => {
    const o = book?.orders.get(l.index);
    const f = fills?.get(l.index);
    const w = waiting.get(l.index);
    return {
      ...(w === undefined ? {} : { waiting: w }),
      i: l.index,
      price: toPlain(l.price),
      plan: l.side,
      order: o ? { side: o.side, state: o.state, price: toPlain(o.price), amount: toPlain(o.amount), origin: o.origin, clientOrderId: o.clientOrderId } : null,
      fills: f?.deals ?? 0,
      filled: f ? toPlain(f.base) : '0',
      lastFill: f?.side ?? null,
    };
  });
  const rules = context.rules;
  return { levels, gap: plan.gapLevel, base: rules?.baseAsset ?? '', quote: rules?.quoteAsset ?? '' };
}
