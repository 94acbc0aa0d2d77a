/**
 * Which reaction samples are a *level wait* rather than a reaction time (issues 13 and 15).
 *
 * A sample is one fill → its counter-order (bench/probe.ts). Its counter-order goes to one level of
 * the grid, the fill's price ± one step. With one order per level, the counter-order cannot leave
 * while another order of the bot holds that level; it leaves once that order has left, i.e. when the
 * price comes back and fills it. Such a sample measures the market, not the bot.
 *
 * Rule: a sample is a level wait when a fill of another order of the bot **at the counter-order's
 * level, on the same market**, reached the process (its first frame) after the sample's fill frame
 * and before its counter-order left. Nothing but an order resting at that level can fill there, so
 * the level was held at the fill's frame and the wait ended with that fill.
 *
 * Deliberately not "any later fill of the same market in the span" (the tail probe's first rule): a
 * counter-order delayed by a pause of ours lets the market's next fill arrive in its span too, and
 * that rule would set the pause aside with it. Here that sample stays a reaction sample with the
 * pause in it; only the next fill, whose level the late counter-order now holds, is a level wait.
 *
 * Entry point: `levelWaits` (pure; prices compared as the caller's canonical strings).
 */

/** One sample: the fill's market, the counter-order's level, fill frame in (t0) → counter-order out (t1). */
export interface SampleSpan {
  readonly market: string;
  /** The counter-order's price, in the same canonical form as `SeenFill.price`. */
  readonly level: string;
  readonly t0: bigint;
  readonly t1: bigint;
}

/** A fill of one of the bot's orders and when its first frame reached the process. */
export interface SeenFill {
  readonly market: string;
  readonly price: string;
  readonly t: bigint;
}

import { lastAtOrBefore } from './time-search.js';

const keyOf = (market: string, price: string): string => `${market}|${price}`;

/** For each sample, in order: true when it is a level wait (see the module comment). */
export function levelWaits(samples: readonly SampleSpan[], fills: readonly SeenFill[]): boolean[] {
  const byLevel = new Map<string, bigint[]>();
  for (const f of fills) {
    const k = keyOf(f.market, f.price);
    const list = byLevel.get(k);
    if (list === undefined) byLevel.set(k, [f.t]);
    else list.push(f.t);
  }
  for (const list of byLevel.values()) list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return samples.map((s) => {
    const list = byLevel.get(keyOf(s.market, s.level));
    if (list === undefined) return false;
    // The first fill at that level after the sample's frame: a wait if it came before the counter-order.
    const next = list[lastAtOrBefore(list, s.t0, (t) => t) + 1];
    return next !== undefined && next < s.t1;
  });
}

/**
 * Fewest reaction samples a row needs for its p99 to be read: below 100, the nearest-rank p99 is the
 * maximum, one sample.
 */
export const MIN_REACTION_SAMPLES = 100;

/** Why a row's reaction p99 cannot be read (too few reaction samples), or null when it can. */
export function tooFewReactions(reactions: number, samples: number): string | null {
  return reactions >= MIN_REACTION_SAMPLES
    ? null
    : `too few reaction samples for a p99: ${reactions} of ${samples} (${samples - reactions} level waits), at least ${MIN_REACTION_SAMPLES} needed`;
}

/** A fill of the window (server order) and its counter-order's level (`SampleSpan.level`'s form). */
export interface FillLevel {
  readonly market: string;
  readonly side: 'buy' | 'sell';
  readonly level: string;
}

/**
 * The fill whose counter-order held the level fill `at` waited for: the latest earlier fill of the same
 * market, of the other side, whose counter-order went to that level (an order of the other side than
 * `at`'s counter-order, at its level). -1 when none in the window (the level held since before it).
 */
export function holderOf(fills: readonly FillLevel[], at: number): number {
  const f = fills[at];
  if (f === undefined) return -1;
  for (let i = at - 1; i >= 0; i -= 1) {
    const g = fills[i] as FillLevel;
    if (g.market === f.market && g.side !== f.side && g.level === f.level) return i;
  }
  return -1;
}
