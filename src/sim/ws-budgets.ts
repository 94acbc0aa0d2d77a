/**
 * Per-connection WebSocket request budgets. Post-launch WhiteBIT (protocol-2 §1.14) gives every
 * connection two separate budgets: 10 000 `*_place` requests per 10 s and 12 000 other requests per
 * 10 s; a request beyond its budget is answered with error 7 and not executed. The older documents'
 * single 200-per-minute budget for everything stays available (`legacyPerMinute`), because the
 * existing tests and scenarios were written against it.
 *
 * Token buckets on the simulator clock: a test empties one with a tiny budget and refills it by
 * advancing the clock, without sleeping.
 *
 * @see whitebit-protocol-2.md §1.14
 */
import { WsRequestBudget } from './rate-limit.js';

export interface WsBudgetLimit {
  /** Requests the bucket holds (its burst). */
  readonly limit: number;
  /** Time in which an empty bucket refills completely, in ms of the simulator clock. */
  readonly windowMs: number;
}

export const WS_PLACE_BUDGET: WsBudgetLimit = { limit: 10_000, windowMs: 10_000 };
export const WS_REQUEST_BUDGET: WsBudgetLimit = { limit: 12_000, windowMs: 10_000 };

export interface WsBudgetOptions {
  readonly place: WsBudgetLimit;
  readonly other: WsBudgetLimit;
  /** When set, one sliding budget of this many requests per minute for every request instead. */
  readonly legacyPerMinute?: number;
}

/** A token bucket that refills continuously at `limit` tokens per `windowMs`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly spec: WsBudgetLimit,
    nowMs: number,
  ) {
    if (!(spec.limit > 0) || !(spec.windowMs > 0)) throw new Error(`a WS budget needs limit > 0 and windowMs > 0, got ${spec.limit}/${spec.windowMs}`);
    this.tokens = spec.limit;
    this.last = nowMs;
  }

  /** Takes one token and returns true, or returns false (taking nothing) when the bucket is empty. */
  take(nowMs: number): boolean {
    const elapsed = Math.max(0, nowMs - this.last);
    this.last = Math.max(this.last, nowMs);
    this.tokens = Math.min(this.spec.limit, this.tokens + (elapsed * this.spec.limit) / this.spec.windowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The budgets of one connection; `take` says whether a request to `method` may run. */
export class WsBudgets {
  private readonly place: TokenBucket | null;
  private readonly other: TokenBucket | null;
  private readonly legacy: WsRequestBudget | null;

  constructor(options: WsBudgetOptions, nowMs: number) {
    const legacy = options.legacyPerMinute !== undefined;
    this.legacy = legacy ? new WsRequestBudget(options.legacyPerMinute ?? 0) : null;
    this.place = legacy ? null : new TokenBucket(options.place, nowMs);
    this.other = legacy ? null : new TokenBucket(options.other, nowMs);
  }

  take(method: unknown, nowMs: number): boolean {
    if (this.legacy) return this.legacy.take(nowMs);
    const bucket = typeof method === 'string' && method.endsWith('_place') ? this.place : this.other;
    return bucket?.take(nowMs) ?? true;
  }
}
