/**
 * After a stop: the markets whose orders may still rest on the exchange because their cancel-all
 * never went through (refused, or cut short by the shutdown budget). Their kill-switch was left
 * armed on purpose, so the exchange cancels those orders when it fires; the operator must hear it.
 *
 * Entry points: `ordersLeft(snapshot)` (one market's last snapshot), `ordersLeftText(left)`.
 */
import type { MarketSnapshot } from '../start/observers.js';

export interface OrdersLeft {
  readonly market: string;
  /** Client order ids the book still held live, in flight or of unknown outcome. */
  readonly clientOrderIds: readonly string[];
  /** Epoch ms the exchange's kill-switch fires (its last known deadline), or null if never armed. */
  readonly killSwitchDeadline: number | null;
  readonly lastError: string | null;
}

/** The orders of a market that may be left resting, or null when its cleanup was done (or it leaves orders by configuration). */
export function ordersLeft(snapshot: MarketSnapshot | null): OrdersLeft | null {
  const c = snapshot?.context;
  if (!c?.ordersMayRest) return null;
  const ids = [...(c.book?.orders.values() ?? [])].filter((o) => o.state !== 'owed').map((o) => o.clientOrderId);
  return { market: c.settings.market, clientOrderIds: ids, killSwitchDeadline: c.killSwitchDeadline, lastError: c.lastError };
}

/** The loud line for the terminal (stderr) and the log. */
export function ordersLeftText(left: OrdersLeft, nowMs: number): string {
  const orders =
    left.clientOrderIds.length === 0 ? 'no order known to the bot, but unconfirmed' : `${left.clientOrderIds.length}: ${left.clientOrderIds.join(', ')}`;
  const ks =
    left.killSwitchDeadline === null
      ? 'no kill-switch was armed: cancel them by hand'
      : `the kill-switch was left armed and cancels them in ${Math.max(0, Math.round((left.killSwitchDeadline - nowMs) / 1000))} s`;
  return `${left.market}: the cancel-all on stop did not go through${left.lastError ? ` (${left.lastError})` : ''}; orders that may rest: ${orders}; ${ks}`;
}
