/** Shared builders for the ledger, book and reconcile tests. */
import { encodeClientOrderId, type ClientIdScope } from '../../src/grid/client-order-id.js';
import { dec } from '../../src/grid/decimal.js';
import type { ExchangeOrder, Fill, OrderUpdate } from '../../src/grid/fill-ledger.js';
import type { OrderRecord } from '../../src/grid/order-record.js';
import type { Side } from '../../src/grid/market-rules.js';
import { applyPlacement, createLevelBook, takeIntents, type LevelBook } from '../../src/grid/level-book.js';
import { planGrid, type GridPlan } from '../../src/grid/plan.js';
import { BTC_USDT } from './fixtures.js';

export const scope: ClientIdScope = { botId: 'gb1', market: 'BTC_USDT' };

/** BTC_USDT 60000..70000 × 11 around 65000: buys at 0..4 (60000..64000), gap 5, sells at 6..10. */
export const plan: GridPlan = (() => {
  const r = planGrid(
    {
      market: 'BTC_USDT',
      spacing: 'arithmetic',
      ladder: { kind: 'range', lower: '60000', upper: '70000', levels: 11 },
      amountPerLevel: { unit: 'base', value: '0.001' },
      budget: {},
    },
    BTC_USDT,
    '65000',
  );
  if (!r.ok) throw new Error('test plan must be valid');
  return r.plan;
})();

export const ctx = { plan, rules: BTC_USDT, scope };

export function cid(level: number, side: Side, seq: number, s: ClientIdScope = scope): string {
  const r = encodeClientOrderId(s, { level, side, seq });
  if (!r.ok) throw new Error(r.reason);
  return r.id;
}

export function priceOf(level: number): string {
  const l = plan.levels[level];
  if (l === undefined) throw new Error(`no level ${level}`);
  return l.price.toFixed();
}

export function deal(dealId: number, orderId: number, clientOrderId: string, side: Side, price: string, amount: string, time = dealId): Fill {
  return { dealId, orderId, clientOrderId, side, price, amount, fee: '0', feeAsset: side === 'buy' ? 'BTC' : 'USDT', time };
}

export function update(orderId: number, clientOrderId: string, side: Side, price: string, amount: string, dealStock: string, final: boolean): OrderUpdate {
  return { orderId, clientOrderId, side, price, amount, dealStock, left: dec(amount).minus(dealStock).toFixed(), final };
}

/** A book whose plan orders were all sent and placed with order id 100 + level. */
export function placedBook(): LevelBook {
  const taken = takeIntents(createLevelBook(plan, scope, BTC_USDT), 100);
  let book = taken.book;
  for (const i of taken.intents) {
    book = applyPlacement(book, { kind: 'placed', clientOrderId: i.clientOrderId, orderId: 100 + i.level, dealStock: '0', left: i.amount });
  }
  return book;
}

/** Returns a placed order of the book as the exchange lists it while it rests untouched (`/api/v4/orders`). */
export function listedUntouched(o: Pick<OrderRecord, 'orderId' | 'clientOrderId' | 'side' | 'price' | 'amount'>): ExchangeOrder {
  return {
    orderId: o.orderId ?? 0,
    clientOrderId: o.clientOrderId,
    side: o.side,
    price: o.price.toFixed(),
    amount: o.amount.toFixed(),
    left: o.amount.toFixed(),
    dealStock: '0',
  };
}
