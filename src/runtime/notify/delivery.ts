/**
 * Delivery to one target: a bounded queue, a rate limit, retries with backoff, a bounded flush.
 * Never fatal: every failure ends as a log line (no secret in it, targets.ts `redact`), and no
 * promise of this module rejects.
 *
 * - Rate limit: at least `minIntervalMs` between two requests to the target.
 * - Retry: a network error, a timeout, 429 or 5xx is tried again after `baseMs`, doubling up to
 *   `maxMs` (a 429's `Retry-After` seconds when longer), at most `maxAttempts` tries; any other
 *   status (400, 401, 404: the request or its secret is wrong) gives up at once.
 * - Queue: at most `maxQueue` messages; a new one beyond that drops the oldest, counted, with a warning.
 * - `close(withinMs)`: no waiting for the rate limit or a backoff any more; what is queued is tried
 *   once each until `withinMs` runs out, and the rest is dropped with a warning.
 *
 * Time comes from a SimClock (sim/clock.ts): tests step it instead of sleeping.
 */
import { request } from 'undici';
import type { SimClock } from '../../sim/clock.js';
import type { MarketLogSink } from '../market-log.js';
import { type HttpRequest, type ResolvedTarget, redact } from './targets.js';

export const DELIVERY_DEFAULTS = {
  maxQueue: 100,
  maxAttempts: 5,
  baseMs: 2_000,
  maxMs: 120_000,
  /** One request's deadline (headers and body). */
  requestTimeoutMs: 10_000,
} as const;

export interface DeliveryOptions {
  readonly clock: SimClock;
  readonly log: MarketLogSink;
  readonly minIntervalMs: number;
  readonly maxQueue?: number;
  readonly maxAttempts?: number;
  readonly baseMs?: number;
  readonly maxMs?: number;
  readonly requestTimeoutMs?: number;
  /** Sends one request; default undici's `request`. */
  readonly send?: (req: HttpRequest, timeoutMs: number) => Promise<SendResult>;
}

/** How one request went: a status, or an error before any status (network, timeout). */
export type SendResult = { readonly status: number; readonly retryAfterSec: number | null } | { readonly error: string };

interface Queued {
  readonly req: HttpRequest;
  readonly what: string;
  attempts: number;
}

/** Sends one request with undici, reading (and discarding) the body so the socket is reused. */
export async function undiciSend(req: HttpRequest, timeoutMs: number): Promise<SendResult> {
  try {
    const res = await request(req.url, { method: 'POST', headers: req.headers, body: req.body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    await res.body.dump();
    const ra = res.headers['retry-after'];
    const retryAfterSec = typeof ra === 'string' && /^\d+$/.test(ra) ? Number(ra) : null;
    return { status: res.statusCode, retryAfterSec };
  } catch (e) {
    // The code and name only: an error's message may quote the URL, and some URLs carry the secret.
    const err = e as { code?: unknown; name?: unknown };
    return { error: typeof err.code === 'string' ? err.code : typeof err.name === 'string' ? err.name : 'request failed' };
  }
}

const retryable = (r: SendResult): boolean => 'error' in r || r.status === 429 || r.status >= 500;
const ok = (r: SendResult): boolean => !('error' in r) && r.status >= 200 && r.status < 300;

/** One target's queue. */
export class TargetDelivery {
  private readonly queue: Queued[] = [];
  private readonly opts: Required<Omit<DeliveryOptions, 'clock' | 'log'>> & Pick<DeliveryOptions, 'clock' | 'log'>;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private busy = false;
  private closing = false;
  private wake: (() => void) | null = null;
  private cancelTimer: (() => void) | null = null;
  private idle: Promise<void> = Promise.resolve();
  /** Messages dropped because the queue was full (counted for the warning). */
  dropped = 0;
  /** Messages delivered (2xx). */
  delivered = 0;

  constructor(
    readonly target: ResolvedTarget,
    options: DeliveryOptions,
  ) {
    this.opts = {
      maxQueue: DELIVERY_DEFAULTS.maxQueue,
      maxAttempts: DELIVERY_DEFAULTS.maxAttempts,
      baseMs: DELIVERY_DEFAULTS.baseMs,
      maxMs: DELIVERY_DEFAULTS.maxMs,
      requestTimeoutMs: DELIVERY_DEFAULTS.requestTimeoutMs,
      send: undiciSend,
      ...options,
    };
  }

  /** Number of messages waiting (the one being sent included). */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues a message (`what`: the event kind and market, for log lines). */
  push(req: HttpRequest, what: string): void {
    if (this.closing) return;
    if (this.queue.length >= this.opts.maxQueue) {
      // The head may be in flight: drop the oldest one that is not.
      const at = this.busy ? 1 : 0;
      const [old] = this.queue.splice(at, 1);
      this.dropped++;
      this.opts.log.warn(
        { target: this.target.label, dropped: this.dropped, message: old?.what ?? null },
        `notify ${this.target.label}: queue full (${this.opts.maxQueue}), oldest message dropped (${this.dropped} so far)`,
      );
    }
    this.queue.push({ req, what, attempts: 0 });
    if (!this.busy) this.idle = this.pump();
  }

  /** Stops waiting; tries what is queued once each within `withinMs`; drops the rest. Never rejects. */
  async close(withinMs: number): Promise<void> {
    this.closing = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    const wake = this.wake;
    this.wake = null;
    wake?.();
    const deadline = this.opts.clock.now() + withinMs;
    await this.idle;
    while (this.queue.length > 0 && this.opts.clock.now() < deadline) {
      const head = this.queue[0] as Queued;
      await this.attempt(head, Math.max(1, Math.min(this.opts.requestTimeoutMs, deadline - this.opts.clock.now())));
      this.queue.shift();
    }
    if (this.queue.length > 0) {
      this.opts.log.warn(
        { target: this.target.label, left: this.queue.length },
        `notify ${this.target.label}: ${this.queue.length} message(s) not sent at stop`,
      );
      this.queue.length = 0;
    }
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closing) {
        const waitMs = this.lastSentAt + this.opts.minIntervalMs - this.opts.clock.now();
        if (waitMs > 0) await this.pause(waitMs);
        if (this.closing) return;
        const head = this.queue[0] as Queued;
        const r = await this.attempt(head, this.opts.requestTimeoutMs);
        if (r === 'done') this.queue.shift();
        else if (!this.closing) {
          const backoff = Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** (head.attempts - 1));
          await this.pause(Math.max(backoff, this.retryAfterMs));
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private retryAfterMs = 0;

  /** One try of `q`: 'done' (delivered or given up) or 'retry'. Logs failures. */
  private async attempt(q: Queued, timeoutMs: number): Promise<'done' | 'retry'> {
    q.attempts++;
    this.lastSentAt = this.opts.clock.now();
    let r: SendResult;
    try {
      r = await this.opts.send(q.req, timeoutMs);
    } catch (e) {
      // A sender that throws is a failed try, never a crash (its message may quote the URL: the name only).
      r = { error: e instanceof Error ? e.name : 'request failed' };
    }
    this.retryAfterMs = !('error' in r) && r.retryAfterSec !== null ? r.retryAfterSec * 1000 : 0;
    if (ok(r)) {
      this.delivered++;
      return 'done';
    }
    const why = 'error' in r ? redact(this.target, r.error) : `HTTP ${r.status}`;
    const last = !retryable(r) || q.attempts >= this.opts.maxAttempts || this.closing;
    const fields = { target: this.target.label, message: q.what, attempt: q.attempts, reason: why };
    if (last) {
      this.opts.log.warn(
        fields,
        `notify ${this.target.label}: ${q.what} not delivered (${why}); giving up after ${q.attempts} attempt${q.attempts === 1 ? '' : 's'}`,
      );
      return 'done';
    }
    this.opts.log.warn(fields, `notify ${this.target.label}: ${q.what} failed (${why}); retrying`);
    return 'retry';
  }

  /** Waits `ms` on the clock, or until `close` wakes it. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.cancelTimer = this.opts.clock.setTimer(ms, () => {
        this.wake = null;
        this.cancelTimer = null;
        resolve();
      });
    });
  }
}
