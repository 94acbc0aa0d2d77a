/**
 * What the machine tells observers about a change of its book: the fills the ledger learned (the
 * book queues them in `learned`) and the PnL after them, as `market.fill` / `market.pnl` events
 * (market.emitted.ts).
 *
 * Entry points: `drainLearned`, `listenersOf`.
 *
 * Why ask whether anyone listens: an emitted event costs XState an action (and, with an `inspect`
 * observer such as the journal's, an inspection event), and a fill's payload costs decimal
 * formatting; on the hot path of a market nobody observes (replay, the bench, a bot without market
 * log or metrics) that was several µs of a fill's ~35 in the actor. Observers that cost nothing
 * when nobody looks (issue 13, point 4).
 */
import { type LevelBook, pnlView, toPlain } from '../../grid/index.js';
import type { MarketEmitted } from './market.emitted.js';

/** Whether an emitted event of `type` has a listener now. */
export type Listened = (type: MarketEmitted['type']) => boolean;

const always: Listened = () => true;

/**
 * Returns whether the actor `self` has a listener for an emitted type now (`actor.on(type)` or
 * `actor.on('*')`). Reads XState's listener map (`eventListeners`, private in its typings); should a
 * release not have it, every event is emitted as before (never one lost).
 */
export function listenersOf(self: unknown): Listened {
  const map = (self as { eventListeners?: unknown } | null)?.eventListeners;
  if (!(map instanceof Map)) return always;
  const listeners = map as Map<string, ReadonlySet<unknown>>;
  return (type) => (listeners.get(type)?.size ?? 0) > 0 || (listeners.get('*')?.size ?? 0) > 0;
}

/**
 * Hands each fill the book learned since the last call to `emit`, then the PnL once, and empties the
 * queue; builds and emits only the types `listened` says someone listens to.
 */
export function drainLearned(book: LevelBook, emit: (e: MarketEmitted) => void, listened: Listened = always): void {
  const learned = book.learned;
  if (learned.length === 0) return;
  if (!listened('market.fill')) {
    learned.length = 0;
    if (listened('market.pnl')) emit({ type: 'market.pnl', ...pnlView(book.pnl) });
    return;
  }
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
  if (listened('market.pnl')) emit({ type: 'market.pnl', ...pnlView(book.pnl) });
}
