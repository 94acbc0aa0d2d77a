/**
 * What one depth subscription sees: the top `limit` levels per side, optionally grouped by a price
 * interval, and the delta between two such views. Deltas are computed as a diff of views rather
 * than forwarded from the engine so that truncation is right: a level sliding into the top N from
 * below appears, one pushed out disappears ("0"), and nothing outside the view leaks in.
 *
 * @see whitebit-protocol.md §7.7
 */
import { D, ZERO, fmt, type Dec } from './decimal.js';
import type { Exchange } from './exchange.js';

export const DEPTH_LIMITS: readonly number[] = [1, 5, 10, 20, 30, 50, 100];
export const DEPTH_INTERVALS: readonly string[] = ['0', '0.00000001', '0.0000001', '0.000001', '0.00001', '0.0001', '0.001', '0.01', '0.1'];

export interface DepthView {
  readonly asks: [string, string][];
  readonly bids: [string, string][];
}

function group(levels: [string, string][], interval: Dec, side: 'asks' | 'bids', limit: number): [string, string][] {
  const out = new Map<string, Dec>();
  for (const [p, a] of levels) {
    const steps = new D(p).div(interval);
    const key = fmt((side === 'bids' ? steps.floor() : steps.ceil()).times(interval));
    if (!out.has(key) && out.size >= limit) break;
    out.set(key, (out.get(key) ?? ZERO).plus(a));
  }
  return [...out.entries()].map(([p, a]) => [p, fmt(a)]);
}

/** Returns the current view of `market` for a subscription's limit and interval. */
export function depthView(exchange: Exchange, market: string, limit: number, interval: string): DepthView {
  if (interval === '0') return exchange.depth(market, limit);
  const raw = exchange.depth(market, 10_000);
  const step = new D(interval);
  return { asks: group(raw.asks, step, 'asks', limit), bids: group(raw.bids, step, 'bids', limit) };
}

/** Levels that differ between two views of one side: changed or new levels with their amount, gone ones with "0". */
function diffSide(before: readonly [string, string][], after: readonly [string, string][]): [string, string][] {
  const old = new Map(before);
  const now = new Map(after);
  const out: [string, string][] = [];
  for (const [p, a] of after) if (old.get(p) !== a) out.push([p, a]);
  for (const [p] of before) if (!now.has(p)) out.push([p, '0']);
  return out;
}

export function diffViews(before: DepthView, after: DepthView): DepthView {
  return { asks: diffSide(before.asks, after.asks), bids: diffSide(before.bids, after.bids) };
}
