/**
 * A fill's counter-order as the trade history shows it, read from the market's level book by the
 * collector on its timer, after the turn that applied the fill (README "turn order"): the fill path
 * pays nothing for it, and the book by then holds the counter-order the fill released
 * (grid/counter-order.ts: a buy at level i is answered by a sell at i + 1, a sell by a buy at i − 1).
 */
import { counterLevel, counterSide } from '../../grid/counter-order.js';
import { residueKey, toPlain } from '../../grid/index.js';
import type { MarketContext } from '../../machines/market/market.types.js';
import type { CounterNote } from './records.js';

/** Returns what answers a fill on `side` at `level`, as the book holds it now. */
export function counterOf(context: Pick<MarketContext, 'book'>, level: number, side: 'buy' | 'sell'): CounterNote {
  const book = context.book;
  if (book === null) return { kind: 'none' };
  const target = counterLevel(level, side);
  const want = counterSide(side);
  if (book.plan.levels[target] === undefined) return { kind: 'offGrid', side: want };
  const o = book.orders.get(target);
  if (o !== undefined && o.side === want) {
    return { kind: 'order', clientOrderId: o.clientOrderId, level: target, side: want, price: toPlain(o.price), amount: toPlain(o.amount), state: o.state };
  }
  // The level holds another order (the quantity joins its next counter-order) or waits for price.
  if (o !== undefined || book.waiting.has(residueKey(want, target))) return { kind: 'carried', level: target, side: want };
  return { kind: 'none' };
}
