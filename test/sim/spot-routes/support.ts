/**
 * Set-up of the spot-surface route tests (issue 16 point 1, REST side): the WS order-entry bench
 * (manual clock, no price process, two accounts, raw signed REST) plus a few shorthands.
 */
import type { RestReply } from '../helpers.js';
import { A, B, Bench, type Account } from '../ws-orders/support.js';

export { A, B, Bench, type Account };

export const body = (r: RestReply): Record<string, unknown> => r.body as Record<string, unknown>;

/** Bob rests `side` orders at each [price, amount] on BTC_USDT so the book has depth. */
export async function restingBook(bench: Bench, side: 'buy' | 'sell', levels: readonly [string, string][]): Promise<void> {
  for (const [price, amount] of levels) {
    const r = await bench.restPlace(B, { side, price, amount });
    if (r.status !== 200) throw new Error(`book set-up failed: ${r.text}`);
  }
}
