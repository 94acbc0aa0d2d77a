/**
 * The logging surface the exchange providers need, and a per-key rate limiter for it.
 *
 * Structural on purpose: a pino `Logger` satisfies {@link LogSink}, and tests pass a recorder. A
 * broken or hostile peer can send thousands of bad frames a second; logging each one would cost a
 * syscall-sized line per frame on the hot path (PERF.md), so repeated warnings of one key are
 * collapsed into one line per interval carrying the count of those suppressed.
 */
import type { Clock } from '../../adapters/whitebit/index.js';

export interface LogSink {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Drops everything: the default when no logger is given. */
export const silentLog: LogSink = {
  warn: () => {},
  debug: () => {},
};

interface KeyState {
  lastAt: number;
  suppressed: number;
}

export class RateLimitedLog {
  private readonly keys = new Map<string, KeyState>();

  constructor(
    private readonly sink: LogSink,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly intervalMs = 10_000,
  ) {}

  /** Logs the first `key` warning at once, then at most one per interval with the suppressed count. */
  warn(key: string, obj: object, msg: string): void {
    const now = this.clock.now();
    const s = this.keys.get(key);
    if (s !== undefined && now - s.lastAt < this.intervalMs) {
      s.suppressed += 1;
      return;
    }
    const suppressed = s?.suppressed ?? 0;
    this.keys.set(key, { lastAt: now, suppressed: 0 });
    this.sink.warn(suppressed > 0 ? { ...obj, suppressed } : obj, msg);
  }
}
