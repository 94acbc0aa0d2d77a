/**
 * How long each market's kill-switch is known to protect its orders, on the local clock, so the
 * order desk never places an order that would rest unprotected.
 *
 * Why: the kill-switch is refreshed over REST, orders may go over the socket (issue 15). When REST
 * is slow or down the refresh fails, the exchange's timer fires and cancels the market's orders;
 * the desk must not then re-place levels over a socket that still works, or they rest with no
 * kill-switch armed (chaos `slow-responses` over `orderEntry: ws`). The lease is the time the arm
 * request was sent plus the timeout: the exchange starts its timer only once it has the request, so
 * the lease ends no later than the real timer, whatever the skew between our clock and the
 * exchange's. Placements stop `marginMs` before the lease ends (an order in flight must land in
 * time), answer `notSent`, and the market retries them after the next successful refresh.
 */

export interface KillSwitchLeaseOptions {
  /** The local clock (ms since the epoch). */
  readonly now?: () => number;
  /** How long before the lease ends placements stop: at least the slowest way an order can take. */
  readonly marginMs: number;
}

export class KillSwitchLeases {
  private readonly until = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: KillSwitchLeaseOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The local time now, for the caller to note when an arm request leaves. */
  stamp(): number {
    return this.now();
  }

  /** The arm request of `market` sent at `sentAtMs` with `timeoutSec` succeeded. */
  armed(market: string, sentAtMs: number, timeoutSec: number): void {
    this.until.set(market, sentAtMs + timeoutSec * 1000);
  }

  /** The kill-switch of `market` was disarmed: its orders are being cancelled, no lease applies. */
  disarmed(market: string): void {
    this.until.delete(market);
  }

  /**
   * Returns why an order of `market` must not be placed now, or null when it may. A market never
   * armed has no lease (its own machine arms before it places).
   */
  refusal(market: string): string | null {
    const until = this.until.get(market);
    if (until === undefined) return null;
    const left = until - this.now();
    if (left > this.options.marginMs) return null;
    return left > 0
      ? `kill-switch lapses in ${Math.ceil(left / 1000)} s and was not refreshed: not placing until it is`
      : 'kill-switch lapsed (not refreshed): not placing until it is armed again';
  }
}
