/**
 * What the machine tells observers about a change of its book: the fills the ledger learned (the
 * book queues them in `learned`) and the PnL after them, as `market.fill` / `market.pnl` events
 * (market.emitted.ts).
 *
 * Entry point: `drainLearned`.
 */
import { type LevelBook, pnlView, toPlain } from '../../grid/index.js';
import type { MarketEmitted } from './market.emitted.js';

/** Hands each fill the book learned since the last call to `emit`, then the PnL once, and empties the queue. */
export function drainLearned(book: LevelBook, emit: (e: MarketEmitted) => void): void {
  const learned = book.learned;
  if (learned.length === 0) return;
  for (const l of learned) {
    emit({
      type: 'market.fill',
      dealId: l.dealId,
      orderId: l.orderId,
      clientOrderId: l.order.clientOrderId,
      level: l.order.level,
      side: l.order.side,
      price: toPlain(l.price),
      amount: toPlain(l.amount),
      fee: l.fee === null ? null : toPlain(l.fee),
      feeAsset: l.feeAsset,
    });
  }
  learned.length = 0;
  emit({ type: 'market.pnl', ...pnlView(book.pnl) });
}
