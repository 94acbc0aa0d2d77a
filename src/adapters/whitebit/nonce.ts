/**
 * Nonces for signed requests, and the one place that decides the nonce mode.
 *
 * Invariant: {@link NonceSource.next} returns strictly increasing values within a process, even
 * for many calls in the same millisecond and for concurrent async callers (they all pass through
 * this one synchronous counter; JS runs them one at a time).
 */
import type { Clock } from './clock.js';

/**
 * Sign with `nonceWindow: true`.
 *
 * Why: in window mode WhiteBIT accepts any unique ms timestamp within ±5 s of its clock, in any
 * order. Our order path, kill-switch heartbeats and reconciliation send concurrently, and a restart
 * or a second process on the same key would race the strict "greater than the last nonce" mode,
 * which answers 429 on every clash. The cost: the local clock must be within 5 s of the server's
 * (see {@link NonceSource.setOffset}), and a burst of more than 1000 requests/s runs the counter
 * ahead of real time, far above what a grid sends.
 * @see whitebit-protocol.md §2.2
 */
export const NONCE_WINDOW = true;

/** A per-process strictly increasing millisecond counter: `max(now + offset, last + 1)`. */
export class NonceSource {
  private last = 0;
  private offsetMs = 0;

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** Returns the next nonce as a decimal string of milliseconds. */
  next(): string {
    const t = Math.floor(this.clock.now() + this.offsetMs);
    this.last = t > this.last ? t : this.last + 1;
    return String(this.last);
  }

  /**
   * Sets the server-minus-local clock offset (from /public/time), so window-mode nonces stay
   * within ±5 s of the server. It never makes nonces go backwards.
   */
  setOffset(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }
}
