/**
 * Refuses to start a market another client is already guarding with a kill-switch timer: the sign
 * of a second bot on the same account and market (with another journal, or none), which would
 * otherwise be discovered through duplicate orders, or through our start-up cancel-all wiping its
 * grid.
 *
 * Why the kill-switch: it is the one piece of state a live bot keeps refreshing on the exchange
 * (one timer per market, re-armed every `refresh` seconds), and every gridbot stop deletes its
 * timer (`onStop: cancel` and `leave` both disarm). So an active timer on a market we are about to
 * trade was set by someone else, or by a run of ours that died. The journal tells the two apart: a
 * timer whose cancellation time is the one our last journaled run received is ours, and the start
 * goes on (reconciling or cancelling adopts what that run left). Without a journal a crashed run's
 * timer cannot be told from another bot's, and the start waits until it fires (the message says
 * when) rather than guess.
 */
import type { WbKillSwitch } from '../adapters/whitebit/index.js';

export interface ForeignTimer {
  readonly market: string;
  /** Seconds since the timer was last (re-)armed, by the exchange's clock. */
  readonly armedSecAgo: number;
  /** Seconds until it fires and cancels the market's orders. */
  readonly firesInSec: number;
}

/**
 * Returns the active timers on `markets` that are not ours. `ourLastMs(market)` is the cancellation
 * time (epoch ms) our last journaled run received for the market, or null.
 */
export function foreignTimers(
  timers: readonly WbKillSwitch[],
  markets: readonly string[],
  ourLastMs: (market: string) => number | null,
  nowSec: number,
): ForeignTimer[] {
  const wanted = new Set(markets);
  const out: ForeignTimer[] = [];
  for (const t of timers) {
    if (!wanted.has(t.market) || t.cancellationTime <= nowSec) continue;
    const ours = ourLastMs(t.market);
    if (ours !== null && Math.round(ours / 1000) === t.cancellationTime) continue;
    out.push({
      market: t.market,
      armedSecAgo: Math.max(0, Math.round(nowSec - t.startTime)),
      firesInSec: Math.max(0, Math.round(t.cancellationTime - nowSec)),
    });
  }
  return out.sort((a, b) => a.market.localeCompare(b.market));
}

/** The refusal, one line per market. */
export function foreignTimersMessage(found: readonly ForeignTimer[]): string {
  const lines = found.map(
    (f) => `${f.market}: a kill-switch timer this bot did not set is active (re-armed ${f.armedSecAgo} s ago, fires in ${f.firesInSec} s)`,
  );
  return [
    `another client seems to trade ${found.length === 1 ? 'this market' : 'these markets'} on this account:`,
    ...lines.map((l) => `  ${l}`),
    '  stop the other bot first; if it was this bot that crashed, start it with the journal of that run, or after the timer fires',
  ].join('\n');
}
