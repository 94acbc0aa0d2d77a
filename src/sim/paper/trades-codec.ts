/**
 * Decodes the public `trades_update` push (whitebit-protocol-2.md §2.10):
 * `params: [market, [{id, time (float seconds), price, amount (base), type (taker side), rpi}]]`.
 * Pure; never throws: a string says what is wrong.
 */
import { D, parseNumeric } from '../decimal.js';
import type { LiveTrade } from './queue.js';

export interface TradesUpdate {
  readonly market: string;
  /** Oldest first (the wire sends newest first). */
  readonly trades: readonly LiveTrade[];
}

export function decodeTradesUpdate(params: readonly unknown[]): TradesUpdate | string {
  const [market, list] = params;
  if (typeof market !== 'string' || !Array.isArray(list)) return 'expected [market, [trades]]';
  const trades: LiveTrade[] = [];
  for (const t of list as unknown[]) {
    if (typeof t !== 'object' || t === null) return 'a trade must be an object';
    const r = t as Record<string, unknown>;
    const price = parseNumeric(r['price']);
    const amount = parseNumeric(r['amount']);
    if (!Number.isSafeInteger(r['id']) || typeof r['time'] !== 'number' || !price || !amount || (r['type'] !== 'buy' && r['type'] !== 'sell')) {
      return 'a trade needs id, time, price, amount and type buy|sell';
    }
    trades.push({
      id: r['id'] as number,
      timeMs: Math.round(r['time'] * 1000),
      price: price.toFixed(),
      priceD: new D(price.toFixed()),
      amount,
      takerSide: r['type'],
    });
  }
  return { market, trades: trades.sort((a, b) => a.id - b.id) };
}
