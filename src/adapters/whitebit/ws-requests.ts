/**
 * Correlation of WS order requests with their replies, and a deadline per request.
 *
 * Ids come from a range of their own ({@link WS_ORDER_ID_BASE} and up) so they never collide with
 * the connection machine's subscribe/authorize/ping ids (which count up from 1): {@link WsRequests.owns}
 * tells the socket actor which replies are ours before the machine sees them.
 *
 * Every pending entry leaves the map on its reply, its deadline, its signal's abort or the socket's
 * close, so the map never grows without bound. A reply that finds no entry (a duplicate, or one that
 * came after its deadline) is counted and dropped. Outcomes follow the REST client's: written and
 * unanswered (deadline, close, abort) is `unknownOutcome`/`aborted` with `sent: true`; not written
 * is `transport` with `sent: false`.
 *
 * Hot path (PERF.md): {@link WsRequests.issue} writes synchronously in the caller's tick, and
 * {@link WsRequests.settle} resolves in the tick the reply frame is decoded.
 *
 * Deadlines: one timer for all pending requests, not one per request. Every request waits the same
 * `deadlineMs`, so the map's insertion order is deadline order: the timer is armed for the oldest
 * entry's deadline, and when it fires it rejects the expired entries from the front and re-arms for
 * the next. A reply does not touch the timer, so a steady stream of answered requests costs one timer
 * per `deadlineMs` instead of a `setTimeout` and a `clearTimeout` per request (~1 % of a fill's CPU in
 * the bench profile). The timer is unref'd: a pending request implies an open socket, which keeps the
 * process alive, and a timer left armed after the last reply must not hold the exit.
 * @see whitebit-protocol-2.md §1.2
 */
import type { Clock } from './clock.js';
import { WhitebitError } from './codec/errors.js';
import type { WbWsCall } from './codec/ws-channels.js';
import { encodeRequest } from './codec/ws-codec.js';
import type { WbWsReply, WbWsReplyError } from './codec/ws-frames.js';
import { wsOrderError } from './codec/ws-order-errors.js';

/** First id of the order range; the connection machine's ids (from 1) never get near it. */
export const WS_ORDER_ID_BASE = 2 ** 40;
/** Ids wrap after this many requests, staying below 2^53 (safe JSON integers). */
const ID_SPAN = 2 ** 40;
/** How long a written request waits for its reply before it is an unknown outcome. */
export const DEFAULT_WS_ORDER_DEADLINE_MS = 5_000;

export interface WsRequestsOptions {
  readonly clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
  readonly deadlineMs?: number;
  /** Told of each reply whose result did not decode (to log it); must not throw. */
  readonly onDecodeError?: (method: string, reason: string) => void;
}

/** What one request needs besides its call. */
export interface WsRequestSpec<T> {
  readonly call: WbWsCall;
  /** Whether repeating it has no second effect (cancel by order id); decides the errors' retry class. */
  readonly idempotent: boolean;
  /** The reply's `result` → value, or a string saying why it is unreadable. */
  readonly decode: (result: unknown) => T | string;
  readonly signal?: AbortSignal | undefined;
}

/** Counters, for metrics and tests. */
export interface WsRequestStats {
  sent: number;
  replies: number;
  timeouts: number;
  /** Replies with no pending request: duplicates, or answers after the deadline. */
  stray: number;
  /** Replies whose result did not decode (the request failed `decode`). */
  decodeErrors: number;
  /** Requests rejected `unknownOutcome` because the socket closed first. */
  closed: number;
}

interface Pending {
  readonly method: string;
  readonly idempotent: boolean;
  readonly decode: (result: unknown) => unknown;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: WhitebitError) => void;
  /** `clock.now()` at which it becomes an unknown outcome. */
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

export class WsRequests {
  readonly stats: WsRequestStats = { sent: 0, replies: 0, timeouts: 0, stray: 0, decodeErrors: 0, closed: 0 };
  private readonly pending = new Map<number, Pending>();
  private readonly deadlineMs: number;
  private seq = 0;
  /** The one deadline timer, armed while requests may be pending (see the module doc). */
  private sweepTimer: unknown = null;

  constructor(private readonly options: WsRequestsOptions) {
    this.deadlineMs = options.deadlineMs ?? DEFAULT_WS_ORDER_DEADLINE_MS;
  }

  /** Whether reply `id` belongs to the order range (whether or not it is still pending). */
  static owns(id: number): boolean {
    return id >= WS_ORDER_ID_BASE;
  }

  /** Requests written and not yet settled. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Writes the request with `write` (synchronously) and resolves with its decoded reply.
   * Rejects `transport` (`sent: false`) when `write` returns false, `aborted` when the signal aborts
   * (`sent` says whether it was written), `unknownOutcome` past the deadline or on {@link closeAll}.
   */
  issue<T>(spec: WsRequestSpec<T>, write: (text: string) => boolean): Promise<T> {
    const { call, idempotent } = spec;
    const signal = spec.signal;
    if (signal?.aborted)
      return Promise.reject(new WhitebitError({ kind: 'aborted', message: `ws ${call.method} aborted before sending`, endpoint: call.method, idempotent }));
    const id = WS_ORDER_ID_BASE + (this.seq++ % ID_SPAN);
    const deadline = this.options.clock.now() + this.deadlineMs;
    return new Promise<T>((resolve, reject) => {
      // Registered before the write, so a reply can never find its entry missing.
      const onAbort =
        signal === undefined
          ? undefined
          : (): void => {
              if (!this.drop(id)) return;
              reject(
                new WhitebitError({
                  kind: 'aborted',
                  message: `ws ${call.method} aborted after sending`,
                  endpoint: call.method,
                  idempotent,
                  sent: true,
                  cause: signal.reason,
                }),
              );
            };
      if (onAbort) signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        method: call.method,
        idempotent,
        decode: spec.decode,
        resolve: resolve as (v: unknown) => void,
        reject,
        deadline,
        signal,
        onAbort,
      });
      let written: boolean;
      try {
        written = write(encodeRequest(id, call.method, call.params));
      } catch (error) {
        // The frame may be partly on the wire: as for a REST request that failed mid-send.
        this.drop(id);
        reject(
          new WhitebitError({ kind: 'unknownOutcome', message: `ws ${call.method}: send failed`, endpoint: call.method, idempotent, sent: true, cause: error }),
        );
        return;
      }
      if (!written) {
        this.drop(id);
        reject(
          new WhitebitError({ kind: 'transport', message: `ws ${call.method} not sent: socket not open`, endpoint: call.method, idempotent, sent: false }),
        );
        return;
      }
      this.stats.sent += 1;
      if (this.sweepTimer === null) this.arm(deadline);
    });
  }

  /**
   * Settles the request a reply answers. Returns false when `m` is not in the order range (the
   * caller passes it on); a reply in the range with no pending request is counted and dropped.
   */
  settle(m: WbWsReply | WbWsReplyError): boolean {
    if (!WsRequests.owns(m.id)) return false;
    const p = this.pending.get(m.id);
    if (p === undefined || !this.drop(m.id)) {
      this.stats.stray += 1;
      return true;
    }
    this.stats.replies += 1;
    if (m.kind === 'replyError') {
      p.reject(wsOrderError(m.code, m.message, { method: p.method, idempotent: p.idempotent }));
      return true;
    }
    const v = p.decode(m.result);
    if (typeof v === 'string') {
      this.stats.decodeErrors += 1;
      this.options.onDecodeError?.(p.method, v);
      // Answered, but unreadable: for a placement that is an order that may exist (retryClass unknownOutcome).
      p.reject(
        new WhitebitError({
          kind: 'decode',
          message: `ws ${p.method} reply unreadable: ${v}`,
          endpoint: p.method,
          idempotent: p.idempotent,
          sent: true,
          body: safeJson(m.result),
        }),
      );
      return true;
    }
    p.resolve(v);
    return true;
  }

  /** Rejects every pending request `unknownOutcome`: the socket closed before they were answered. */
  closeAll(reason: string): void {
    this.disarm();
    if (this.pending.size === 0) return;
    const all = [...this.pending.entries()];
    for (const [id, p] of all) {
      this.drop(id);
      this.stats.closed += 1;
      p.reject(this.unanswered(p.method, p.idempotent, `socket closed before the reply (${reason})`));
    }
  }

  /** Arms the deadline timer for `deadline` (the oldest pending entry's). */
  private arm(deadline: number): void {
    const clock = this.options.clock;
    const timer = clock.setTimeout(() => this.sweep(), Math.max(0, deadline - clock.now()));
    (timer as { unref?: () => void } | null)?.unref?.();
    this.sweepTimer = timer;
  }

  private disarm(): void {
    if (this.sweepTimer === null) return;
    this.options.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
  }

  /** Rejects every expired entry (they are at the front), then re-arms for the oldest left. */
  private sweep(): void {
    this.sweepTimer = null;
    const now = this.options.clock.now();
    for (const [id, p] of this.pending) {
      if (p.deadline > now) {
        this.arm(p.deadline);
        return;
      }
      this.drop(id);
      this.stats.timeouts += 1;
      p.reject(this.unanswered(p.method, p.idempotent, `no reply within ${this.deadlineMs} ms`));
    }
  }

  /** Removes a pending entry and its abort listener; false if it was already gone. */
  private drop(id: number): boolean {
    const p = this.pending.get(id);
    if (p === undefined) return false;
    this.pending.delete(id);
    if (p.onAbort) p.signal?.removeEventListener('abort', p.onAbort);
    return true;
  }

  private unanswered(method: string, idempotent: boolean, why: string): WhitebitError {
    return new WhitebitError({ kind: 'unknownOutcome', message: `ws ${method}: ${why}`, endpoint: method, idempotent, sent: true });
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
