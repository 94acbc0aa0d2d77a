/**
 * Client-side token buckets per endpoint group, so that a bot in normal operation never meets a
 * WhiteBIT 429 (which, repeated, can lead to IP or key restrictions, §6).
 *
 * Entry points: {@link RateLimiter.tryTake} (synchronous: the hot path sends without an await hop
 * when a token is there) and {@link RateLimiter.take} (waits its turn, FIFO, abortable).
 *
 * Sizing: a bucket of capacity C refilled at R per ms admits at most C + R·W requests in any
 * window of W ms. We pick C + R·W = ⌊safety · limit⌋, so neither a sliding nor a fixed server
 * window can count `limit` requests, while a burst of C still goes out at once.
 *
 * Ordering: once anyone waits in a group, `tryTake` fails for newcomers until the queue drains;
 * otherwise a steady stream of fresh callers could starve an early waiter.
 */
import { type Clock, systemClock } from './clock.js';
import { WhitebitError } from './codec/errors.js';
import type { RateLimit } from './endpoints.js';

export interface RateLimiterOptions {
  readonly clock?: Clock;
  /** Fraction of the published limit we allow ourselves (default 0.9). */
  readonly safety?: number;
  /** Fraction of the allowance available as an immediate burst (default 0.5). */
  readonly burst?: number;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/** One token bucket with a FIFO queue of waiters. */
export class TokenBucket {
  readonly capacity: number;
  /** Tokens per millisecond. */
  readonly refillPerMs: number;
  private tokens: number;
  private last: number;
  private readonly queue: Waiter[] = [];
  private timer: unknown = undefined;

  constructor(
    readonly name: string,
    limit: RateLimit,
    private readonly clock: Clock,
    safety: number,
    burst: number,
  ) {
    const allowance = Math.max(1, Math.floor(limit.limit * safety));
    this.capacity = Math.max(1, Math.floor(allowance * burst));
    this.refillPerMs = Math.max(1, allowance - this.capacity) / limit.windowMs;
    this.tokens = this.capacity;
    this.last = clock.now();
  }

  /** Returns how many whole tokens are available now (for tests and metrics). */
  available(): number {
    this.refill();
    return Math.floor(this.tokens);
  }

  /** Number of callers waiting. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Takes a token if one is there and nobody is waiting. Synchronous. */
  tryTake(): boolean {
    if (this.queue.length > 0) return false;
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /**
   * Resolves when this caller holds a token; callers are served in arrival order. Rejects with a
   * `WhitebitError` of kind `aborted` (nothing sent) when `signal` aborts first.
   */
  take(signal?: AbortSignal): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(abortedWhileQueued(this.name, signal));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          if (this.queue.length === 0) this.cancelTimer();
          reject(abortedWhileQueued(this.name, signal));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.schedule();
    });
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.refillPerMs);
      this.last = now;
    }
  }

  private schedule(): void {
    if (this.timer !== undefined || this.queue.length === 0) return;
    this.refill();
    const wait = Math.max(1, Math.ceil((1 - this.tokens) / this.refillPerMs));
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, wait);
  }

  private drain(): void {
    this.refill();
    while (this.queue.length > 0 && this.tokens >= 1) {
      const w = this.queue.shift() as Waiter;
      this.tokens -= 1;
      w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
    this.schedule();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

function abortedWhileQueued(group: string, signal: AbortSignal | undefined): WhitebitError {
  return new WhitebitError({
    kind: 'aborted',
    message: `aborted while waiting for a ${group} rate-limit token`,
    sent: false,
    cause: signal?.reason,
  });
}

/** One {@link TokenBucket} per group. */
export class RateLimiter<G extends string = string> {
  private readonly buckets = new Map<G, TokenBucket>();

  constructor(limits: Readonly<Record<G, RateLimit>>, options: RateLimiterOptions = {}) {
    const clock = options.clock ?? systemClock;
    const safety = options.safety ?? 0.9;
    const burst = options.burst ?? 0.5;
    for (const [group, limit] of Object.entries(limits) as [G, RateLimit][]) {
      this.buckets.set(group, new TokenBucket(group, limit, clock, safety, burst));
    }
  }

  /** Returns the bucket of `group`; an unknown group is a programming error. */
  bucket(group: G): TokenBucket {
    const b = this.buckets.get(group);
    if (!b) throw new Error(`no rate-limit bucket for ${group}`);
    return b;
  }

  tryTake(group: G): boolean {
    return this.bucket(group).tryTake();
  }

  take(group: G, signal?: AbortSignal): Promise<void> {
    return this.bucket(group).take(signal);
  }
}
