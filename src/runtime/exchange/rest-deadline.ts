/**
 * The one rule for how long a REST call of the trading runtime may take in all (headers, body,
 * retries): the adapter's default, shortened to a sixth of the shortest kill-switch timeout.
 *
 * Why a sixth: the timer is refreshed every third of its timeout, and a refresh that fails is
 * retried `killSwitchRetrySec` later; with a hung refresh cut at a sixth, the retry still lands well
 * before the exchange cancels everything (a third + a sixth + 5 s < the whole from a 12 s timeout up;
 * below that the fixed 5 s retry alone is too slow, whatever the deadline).
 */
import { DEFAULT_REST_DEADLINE_MS } from '../../adapters/whitebit/index.js';

/** Returns the REST deadline in ms for markets whose kill-switch timeouts are `timeoutsSec`. */
export function restDeadlineMs(timeoutsSec: readonly number[]): number {
  return Math.min(DEFAULT_REST_DEADLINE_MS, ...timeoutsSec.map((t) => Math.floor((t * 1000) / 6)));
}
