/**
 * Fault injection for reliability tests, programmatic and (through cli.ts) by flag. All dice come
 * from one seeded stream, so a faulty run repeats under the same seed and the same traffic.
 *
 * - Sockets: `closeSockets('all' | index)` closes WS connections (index = order of connection
 *   among the open ones).
 * - Frames: rules per channel (`depth`, `deals`, `ordersPending`, `balanceSpot`, `lastprice`,
 *   `market`, `trades`, `candles`, `bookTicker`, `ordersExecuted`, `reply` for request replies, or `*`) that drop, duplicate, reorder (swap with the channel's
 *   next frame), delay, corrupt (cut to a seeded prefix: not JSON) or send as a binary frame, either
 *   with a probability or for the next N frames.
 * - Requests: the next N REST requests (optionally only on one path) answer 429 (gateway, non-JSON)
 *   or a 5xx; with `after: true` the request is processed first and only the answer is replaced, the
 *   "unknown outcome" case a client must reconcile.
 * - Latency: a fixed delay before each REST request is handled (through the simulator clock).
 * - Trickle: the next N REST requests (optionally on one path) are executed, then answered one body
 *   byte every `byteEveryMs` of the simulator clock: the stalled answer no byte-gap timeout catches.
 * - Prices: pause/resume the price process.
 * - WS order entry: order replies travel on their own channel `orderReply`, which `reply` rules
 *   match too (so every reply fault applies to them), while `orderReply` rules leave other replies
 *   alone: `dropOrderReplies` (order executed, reply lost), `duplicateOrderReplies`. Order rules:
 *   `dropConnectionAfterOrder` (the order executes, then the connection drops without a reply) and
 *   `pushesBeforeReply` (the pushes the order causes go out before its reply; reply first is the
 *   default) and `exhaustPlaceBudget` (placements answer error 7 unexecuted).
 */
import type { Rng } from './prng.js';

export type FrameChannel =
  | 'reply'
  | 'orderReply'
  | 'lastprice'
  | 'depth'
  | 'deals'
  | 'ordersPending'
  | 'balanceSpot'
  | 'market'
  | 'trades'
  | 'candles'
  | 'bookTicker'
  | 'ordersExecuted'
  | '*';
export type FrameAction = 'drop' | 'duplicate' | 'reorder' | 'delay' | 'corrupt' | 'binary';

export interface FrameRuleSpec {
  readonly channel: FrameChannel;
  readonly action: FrameAction;
  /** Chance per frame (default 1 when `next` is given, else required). */
  readonly probability?: number;
  /** Apply to the next N matching frames only, then expire. */
  readonly next?: number;
  /** For `delay`: how long, in ms of the simulator clock. */
  readonly delayMs?: number;
  /** Only frames to this connection index. */
  readonly connection?: number;
}

/** What may happen around one WS order request (see `decideOrder`). */
export type OrderFaultAction = 'dropConnection' | 'pushesFirst' | 'placeBudgetSpent' | 'regionRefused';

export interface OrderRuleSpec {
  readonly action: OrderFaultAction;
  /** Chance per order request (default 1 when `next` is given, else required). */
  readonly probability?: number;
  /** Apply to the next N order requests only, then expire. */
  readonly next?: number;
  /** Only order requests on this connection index. */
  readonly connection?: number;
}

export interface OrderFaultDecision {
  /** Execute the order, then drop the connection: no reply, no pushes on this socket. */
  readonly dropConnection: boolean;
  /** Send the pushes the order causes before its reply. */
  readonly pushesFirst: boolean;
  /** A placement is refused with error 7, not executed, as if the connection's place budget were spent. */
  readonly placeBudgetSpent: boolean;
  /** Refused with 10009, not executed, as WhiteBIT EU answers every order method on the socket (an authorized connection only). */
  readonly regionRefused: boolean;
}

export interface RequestFailureSpec {
  readonly status: 429 | 500 | 502 | 503 | 504;
  /** How many requests to fail. Default 1. */
  readonly count?: number;
  /** Only requests to this path (e.g. "/api/v4/order/new"). */
  readonly path?: string;
  /** Process the request, then replace the answer (the client cannot know whether it took effect). */
  readonly after?: boolean;
}

export interface TrickleSpec {
  /** Time between two bytes of the body, in ms of the simulator clock. */
  readonly byteEveryMs: number;
  /** How many requests to answer so. Default 1. */
  readonly count?: number;
  /** Only requests to this path (e.g. "/api/v4/order/kill-switch"). */
  readonly path?: string;
}

export interface FrameDecision {
  readonly action: 'send' | FrameAction;
  readonly delayMs: number;
  /** For `corrupt`: the fraction of the frame's text kept, in (0, 1). */
  readonly keep: number;
}

interface FrameRule extends FrameRuleSpec {
  remaining: number;
}

interface OrderRule extends OrderRuleSpec {
  remaining: number;
}

interface Trickle {
  readonly byteEveryMs: number;
  readonly path: string | undefined;
  remaining: number;
}

interface RequestFailure {
  readonly status: RequestFailureSpec['status'];
  readonly path: string | undefined;
  readonly after: boolean;
  remaining: number;
}

/** What the servers let the fault layer do to them. */
export interface FaultHooks {
  closeSockets(which: 'all' | number): number;
  setPricesPaused(paused: boolean): void;
}

export interface FaultStats {
  framesDropped: number;
  framesDuplicated: number;
  framesReordered: number;
  framesDelayed: number;
  framesCorrupted: number;
  framesBinary: number;
  requestsFailed: number;
  requestsTrickled: number;
  socketsClosed: number;
  socketsDroppedAfterOrder: number;
  pushesBeforeReply: number;
  placementsRefused: number;
  /** Order requests answered 10009 (`refuseOrderRegion`). */
  regionRefusals: number;
}

/** The counter each frame action adds to. */
const STAT_OF: Readonly<Record<FrameAction, keyof FaultStats>> = {
  drop: 'framesDropped',
  duplicate: 'framesDuplicated',
  reorder: 'framesReordered',
  delay: 'framesDelayed',
  corrupt: 'framesCorrupted',
  binary: 'framesBinary',
};

export class Faults {
  private frameRules: FrameRule[] = [];
  private orderRules: OrderRule[] = [];
  private failures: RequestFailure[] = [];
  private trickles: Trickle[] = [];
  private latency = 0;
  private paused = false;
  readonly stats: FaultStats = {
    framesDropped: 0,
    framesDuplicated: 0,
    framesReordered: 0,
    framesDelayed: 0,
    framesCorrupted: 0,
    framesBinary: 0,
    requestsFailed: 0,
    requestsTrickled: 0,
    socketsClosed: 0,
    socketsDroppedAfterOrder: 0,
    pushesBeforeReply: 0,
    placementsRefused: 0,
    regionRefusals: 0,
  };

  constructor(
    private readonly rng: Rng,
    private readonly hooks: FaultHooks,
  ) {}

  /** Closes open WebSocket connections: all, or the one at `index` (0 = oldest open). Returns how many. */
  closeSockets(which: 'all' | number = 'all'): number {
    const n = this.hooks.closeSockets(which);
    this.stats.socketsClosed += n;
    return n;
  }

  /** Adds a frame rule; returns a function that removes it. */
  addFrameRule(spec: FrameRuleSpec): () => void {
    if (spec.probability === undefined && spec.next === undefined) throw new Error('frame rule needs probability or next');
    const rule: FrameRule = { ...spec, remaining: spec.next ?? Infinity };
    this.frameRules.push(rule);
    return () => {
      this.frameRules = this.frameRules.filter((r) => r !== rule);
    };
  }

  dropFrames(channel: FrameChannel, opts: { probability?: number; next?: number; connection?: number }): () => void {
    return this.addFrameRule({ channel, action: 'drop', ...opts });
  }

  duplicateFrames(channel: FrameChannel, opts: { probability?: number; next?: number; connection?: number }): () => void {
    return this.addFrameRule({ channel, action: 'duplicate', ...opts });
  }

  reorderFrames(channel: FrameChannel, opts: { probability?: number; next?: number; connection?: number }): () => void {
    return this.addFrameRule({ channel, action: 'reorder', ...opts });
  }

  delayFrames(channel: FrameChannel, opts: { delayMs: number; probability?: number; next?: number; connection?: number }): () => void {
    return this.addFrameRule({ channel, action: 'delay', ...opts });
  }

  /** Cuts frames to a seeded prefix of their text (an unreadable frame: not JSON). */
  corruptFrames(channel: FrameChannel, opts: { probability?: number; next?: number; connection?: number }): () => void {
    return this.addFrameRule({ channel, action: 'corrupt', ...opts });
  }

  /** Sends frames as binary WebSocket frames (same bytes), which WhiteBIT never does. */
  binaryFrames(channel: FrameChannel, opts: { probability?: number; next?: number; connection?: number }): () => void {
    return this.addFrameRule({ channel, action: 'binary', ...opts });
  }

  /** Loses WS order replies only (the order executes; ping and subscription replies are untouched). */
  dropOrderReplies(opts: { probability?: number; next?: number; connection?: number }): () => void {
    return this.addFrameRule({ channel: 'orderReply', action: 'drop', ...opts });
  }

  /** Sends WS order replies twice. */
  duplicateOrderReplies(opts: { probability?: number; next?: number; connection?: number }): () => void {
    return this.addFrameRule({ channel: 'orderReply', action: 'duplicate', ...opts });
  }

  /** Adds an order rule; returns a function that removes it. */
  addOrderRule(spec: OrderRuleSpec): () => void {
    if (spec.probability === undefined && spec.next === undefined) throw new Error('order rule needs probability or next');
    const rule: OrderRule = { ...spec, remaining: spec.next ?? Infinity };
    this.orderRules.push(rule);
    return () => {
      this.orderRules = this.orderRules.filter((r) => r !== rule);
    };
  }

  /** The order executes, then its connection drops (no close handshake) before any reply or push. */
  dropConnectionAfterOrder(opts: { probability?: number; next?: number; connection?: number }): () => void {
    return this.addOrderRule({ action: 'dropConnection', ...opts });
  }

  /** The pushes an order causes go out before its reply (reply first is the default). */
  pushesBeforeReply(opts: { probability?: number; next?: number; connection?: number }): () => void {
    return this.addOrderRule({ action: 'pushesFirst', ...opts });
  }

  /**
   * WS placements (`*_place`) answer 7 `too many requests` and do not execute, as when the
   * connection's place budget is spent; cancels and other requests are untouched. For a run that
   * is already going (the budgets themselves are start options: `wsPlaceBudget`).
   */
  exhaustPlaceBudget(opts: { probability?: number; next?: number; connection?: number }): () => void {
    return this.addOrderRule({ action: 'placeBudgetSpent', ...opts });
  }

  /**
   * Every WS order method (not only placements) answers 10009 `spot trading is not available in
   * your region` and does not execute, as on WhiteBIT EU, whose accounts have no WebSocket order
   * entry; the region comes with the account's token, so an unauthorized socket still gets 6.
   */
  refuseOrderRegion(opts: { probability?: number; next?: number; connection?: number }): () => void {
    return this.addOrderRule({ action: 'regionRefused', ...opts });
  }

  /** Makes the next `count` requests (optionally on one path) fail with `status`. */
  failRequests(spec: RequestFailureSpec): void {
    this.failures.push({ status: spec.status, path: spec.path, after: spec.after ?? false, remaining: spec.count ?? 1 });
  }

  /** Makes the next `count` requests (optionally on one path) answer their body one byte at a time. */
  trickleResponses(spec: TrickleSpec): void {
    if (!(spec.byteEveryMs > 0)) throw new Error('trickle needs byteEveryMs > 0');
    this.trickles.push({ byteEveryMs: spec.byteEveryMs, path: spec.path, remaining: spec.count ?? 1 });
  }

  /** Delays every REST request by `ms` (0 turns it off). */
  setRestLatency(ms: number): void {
    this.latency = Math.max(0, ms);
  }

  get restLatencyMs(): number {
    return this.latency;
  }

  pausePrices(): void {
    this.paused = true;
    this.hooks.setPricesPaused(true);
  }

  resumePrices(): void {
    this.paused = false;
    this.hooks.setPricesPaused(false);
  }

  get pricesPaused(): boolean {
    return this.paused;
  }

  /** Removes every rule, failure and latency (prices stay as they are). */
  clear(): void {
    this.frameRules = [];
    this.orderRules = [];
    this.failures = [];
    this.trickles = [];
    this.latency = 0;
  }

  // ---- used by the servers -------------------------------------------------------------------

  /** Decides the fate of one outgoing frame; the first matching rule wins. */
  decideFrame(channel: Exclude<FrameChannel, '*'>, connection: number): FrameDecision {
    for (const rule of this.frameRules) {
      if (rule.remaining <= 0) continue;
      if (!channelMatches(rule.channel, channel)) continue;
      if (rule.connection !== undefined && rule.connection !== connection) continue;
      if (!this.rng.chance(rule.probability ?? 1)) continue;
      rule.remaining--;
      if (rule.remaining <= 0) this.frameRules = this.frameRules.filter((r) => r !== rule);
      this.stats[STAT_OF[rule.action]]++;
      const keep = rule.action === 'corrupt' ? 0.05 + 0.9 * this.rng.next() : 1;
      return { action: rule.action, delayMs: rule.delayMs ?? 0, keep };
    }
    return { action: 'send', delayMs: 0, keep: 1 };
  }

  /**
   * Decides what happens around one WS order request (`placement`: a `*_place` method); per action,
   * the first matching rule wins. A refused placement neither executes nor drops the connection.
   */
  decideOrder(connection: number, placement: boolean, authorized = true): OrderFaultDecision {
    // The region check runs before anything else (whitebit-protocol-2.md §1.1).
    if (authorized && this.takeOrderRule('regionRefused', connection)) {
      this.stats.regionRefusals++;
      return { dropConnection: false, pushesFirst: false, placeBudgetSpent: false, regionRefused: true };
    }
    if (placement && this.takeOrderRule('placeBudgetSpent', connection)) {
      this.stats.placementsRefused++;
      return { dropConnection: false, pushesFirst: false, placeBudgetSpent: true, regionRefused: false };
    }
    const dropConnection = this.takeOrderRule('dropConnection', connection);
    const pushesFirst = this.takeOrderRule('pushesFirst', connection);
    if (dropConnection) this.stats.socketsDroppedAfterOrder++;
    else if (pushesFirst) this.stats.pushesBeforeReply++;
    return { dropConnection, pushesFirst, placeBudgetSpent: false, regionRefused: false };
  }

  /** Consumes the first order rule of `action` that applies (and whose dice say yes). */
  private takeOrderRule(action: OrderFaultAction, connection: number): boolean {
    const rule = this.orderRules.find(
      (r) => r.action === action && r.remaining > 0 && (r.connection === undefined || r.connection === connection) && this.rng.chance(r.probability ?? 1),
    );
    if (!rule) return false;
    rule.remaining--;
    if (rule.remaining <= 0) this.orderRules = this.orderRules.filter((r) => r !== rule);
    return true;
  }

  /** Consumes the trickle that applies to a request on `path`; returns its byte interval, or null. */
  takeTrickle(path: string): number | null {
    const t = this.trickles.find((x) => x.remaining > 0 && (x.path === undefined || x.path === path));
    if (!t) return null;
    t.remaining--;
    if (t.remaining <= 0) this.trickles = this.trickles.filter((x) => x !== t);
    this.stats.requestsTrickled++;
    return t.byteEveryMs;
  }

  /** Consumes and returns the failure that applies to a request on `path`, if any. */
  takeRequestFailure(path: string): { status: RequestFailureSpec['status']; after: boolean } | null {
    const f = this.failures.find((x) => x.remaining > 0 && (x.path === undefined || x.path === path));
    if (!f) return null;
    f.remaining--;
    if (f.remaining <= 0) this.failures = this.failures.filter((x) => x !== f);
    this.stats.requestsFailed++;
    return { status: f.status, after: f.after };
  }
}

/** A `reply` rule covers order replies too; an `orderReply` rule covers nothing else. */
function channelMatches(rule: FrameChannel, frame: Exclude<FrameChannel, '*'>): boolean {
  return rule === '*' || rule === frame || (rule === 'reply' && frame === 'orderReply');
}
