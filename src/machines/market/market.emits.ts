/**
 * What the machine tells observers about a change of its book: the fills the ledger learned and the
 * PnL after them, as `market.fill` / `market.pnl` events (market.emitted.ts).
 *
 * Entry point: `bookEmits`.
 */
import { type LevelBook, type OrderFills, filledOf, isPositive, toPlain } from '../../grid/index.js';
import type { MarketEmitted } from './market.emitted.js';

/** Where the learned quantity came from: a deal (with its id, price and fee) or a cumulative report. */
export interface FillSource {
  readonly orderId: number;
  readonly dealId: number | null;
  readonly price: string | null;
  readonly fee: string | null;
  readonly feeAsset: string | null;
}

function findOrder(book: LevelBook, orderId: number, clientOrderId: string | null): OrderFills | undefined {
  const known = book.ledger.orders.get(orderId);
  if (known !== undefined || clientOrderId === null) return known;
  for (const f of book.ledger.orders.values()) if (f.clientOrderId === clientOrderId) return f;
  return undefined;
}

/**
 * Returns the events a step from `before` to `after` owes observers: one `market.fill` per source
 * whose order's filled quantity grew, then one `market.pnl` when the PnL changed.
 */
export function bookEmits(before: LevelBook | null, after: LevelBook | null, sources: readonly FillSource[]): MarketEmitted[] {
  if (before === null || after === null || before === after || before.pnl === after.pnl) return [];
  const out: MarketEmitted[] = [];
  for (const s of sources) {
    const now = findOrder(after, s.orderId, null);
    if (now === undefined) continue;
    const was = before.ledger.orders.get(now.orderId);
    const learned = filledOf(now).minus(was === undefined ? 0 : filledOf(was));
    if (!isPositive(learned)) continue;
    out.push({
      type: 'market.fill',
      dealId: s.dealId,
      orderId: now.orderId,
      clientOrderId: now.clientOrderId,
      level: now.level,
      side: now.side,
      price: s.price ?? toPlain(now.price),
      amount: toPlain(learned),
      fee: s.fee,
      feeAsset: s.feeAsset,
    });
  }
  const pnl = after.pnl;
  out.push({ type: 'market.pnl', realisedQuote: toPlain(pnl.realisedQuote), feesQuote: toPlain(pnl.feesQuote), inventoryBase: toPlain(pnl.inventoryBase) });
  return out;
}
