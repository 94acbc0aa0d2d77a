/**
 * Reaction-latency probe: frame in → counter-order bytes out, in this process.
 *
 * - t0: `process.hrtime.bigint()` at the `ws` `message` event. `ws` emits it through
 *   `WebSocket.prototype.emit`; the probe wraps that once, so every socket in the process (ours and
 *   the baseline's) is stamped the same way before any listener runs. The hook only stores
 *   (t, raw frame) while armed; nothing is parsed on the hot path.
 * - t1: `process.hrtime.bigint()` when the counter-order's write starts, the same point for both ways:
 *   undici's `undici:client:sendHeaders` diagnostics channel for a request (Node's bundled undici behind
 *   global fetch publishes the same channels, so both bots are timed by the same hook). Not
 *   `undici:request:bodySent`, after the write returned: a frame's stamp is before its write, and on
 *   loopback the write runs the exchange's side too (bench/README.md, "Reaction latency"); `tb` keeps
 *   it. `undici:request:create` gives the moment the request was handed to undici (`tc`), to split the
 *   time into "ours" and "undici's".
 *
 * - t1 of an order sent over WebSocket order entry (`orderEntry: ws`, issue 15): the moment the
 *   `order_limit_place` frame is handed to `ws` (`WebSocket.prototype.send`, wrapped once like
 *   `emit`; `ws` frames and writes it to the socket in that call, except for the counter-orders a
 *   group commit releases together: the socket is corked around them and written at the uncork, a few
 *   µs later, so those samples read that much low). The same moment stands for its `request()` and
 *   write start, so those columns carry no split for socket orders.
 *
 * Correlation, after the measured window (off the hot path): the server reports each fill it made
 * (market, maker order id, side, price). t0 of a fill is the first frame that carried it (a
 * `deals_update` with that order id, or an `ordersPending_update` of that order with a fill); its
 * counter-order is the first request, sent after t0, on the same market with the opposite side at
 * the adjacent level (price ± step), read from the signed payload (`X-TXC-PAYLOAD`). So a sample is
 * one frame → its own request, whichever way the bot got there (synchronously or not). Each sample is
 * then a reaction or a level wait (bench/level-wait.ts), from the same fills and frames: nothing more
 * is recorded while the bot runs.
 */
import dc from 'node:diagnostics_channel';
import { Decimal } from 'decimal.js';
import WebSocket from 'ws';
import { FrameTape } from './frame-tape.js';
import { type FillLevel, type SampleSpan, type SeenFill, holderOf, levelWaits } from './level-wait.js';
import type { FillRecord } from './protocol.js';
import { lastAtOrBefore } from './time-search.js';

interface Stamped {
  readonly t: bigint;
  readonly data: unknown;
}

interface SentRequest {
  /** The counter-order's write starts: `sendHeaders` for a request, the `send` call for a frame. */
  readonly t1: bigint;
  /** A request's `undici:request:bodySent`: its write returned (undefined for a frame). */
  readonly tb: bigint | undefined;
  /** The way the order went: an HTTP request (signed payload in `headers`) or a WS `order_limit_place` frame (`frameAt`). */
  readonly via: 'rest' | 'ws';
  /** The frame's index in the probe's tape of sent frames. */
  readonly frameAt?: number;
  readonly tc: bigint | undefined;
  /** `undici:client:sendHeaders`: undici starts writing (after its idle-socket check). */
  readonly th: bigint | undefined;
  readonly headers: unknown;
}

interface UndiciRequestLike {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: unknown;
}

export interface LatencyResult {
  /** Frame in → the counter-order's write starts, µs, in fill order (see the module comment). */
  readonly latencyUs: number[];
  /** Frame in → request handed to undici (`undici:request:create`), µs. */
  readonly dispatchUs: number[];
  /** Frame in → undici starts writing the request (`undici:client:sendHeaders`), µs. */
  readonly headersUs: number[];
  /** Frame in → a request's write returned (`undici:request:bodySent`), µs; REST samples only. */
  readonly bodySentUs: number[];
  /** Fills the server made in the window. */
  readonly fills: number;
  /** Fills with no frame seen or no counter-order found. */
  readonly unmatchedFills: number;
  /** Order requests in the window that no fill claimed. */
  readonly strayRequests: number;
  /** Which frame kind announced fills first (counts). */
  readonly firstFrame: { deals: number; ordersPending: number };
  /**
   * What the last frame before each counter-order's `request()` was: the fill's own first frame
   * (the path is synchronous from it), the fill's other frame (the bot waited for the second report
   * of the same fill), or some other frame / none (an asynchronous hop in between).
   */
  readonly trigger: { firstFrame: number; otherFrameOfFill: number; unrelated: number };
  /** Samples whose counter-order went over REST / over the WebSocket (`order_limit_place`). */
  readonly via: { readonly rest: number; readonly ws: number };
  /**
   * Samples whose filled order's answer came after the fill's frame: a counter-order sent on a deal
   * whose order's answer had not come (WebSocket order entry only: a REST answer is no frame). Seen
   * with the server's `--order-reply-delay`.
   */
  readonly dealsBeforeAnswer: number;
  /** Each sample's frame time (t0) and body-sent time (t1), `process.hrtime.bigint()`, in fill order; `levelWait` as below. */
  readonly pairs: readonly { readonly t0: bigint; readonly t1: bigint; readonly levelWait: boolean }[];
  /**
   * `latencyUs` without the level waits (bench/level-wait.ts: the counter-order's level was held by
   * another order of the bot and freed by its fill within the sample): the reaction times proper.
   */
  readonly reactionUs: number[];
  /** Samples that are level waits (`latencyUs.length - reactionUs.length`). */
  readonly levelWaits: number;
  /**
   * What held each level wait's level (bench/level-wait.ts `holderOf`: the counter-order of an earlier
   * fill of the market): `reaction`, that fill's sample is a reaction sample (whatever made its
   * counter-order late on our side is counted there), of which `leftBeforeFill` had left this process
   * before the waiting fill's frame came (the exchange took that fill before it rested: nothing of ours
   * was late); `levelWait`, that fill was a level wait itself (a chain); `none`, no such fill with a
   * sample in the window.
   */
  readonly levelWaitHolders: LevelWaitHolders;
}

export interface LevelWaitHolders {
  readonly reaction: number;
  readonly leftBeforeFill: number;
  readonly levelWait: number;
  readonly none: number;
}

const ORDER_PATHS = new Set(['/api/v4/order/new', '/api/v4/order/bulk']);

function headerValue(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    // undici 6/7: [k, v, k, v, …] (strings or Buffers), or [[k, v], …].
    if (headers.length > 0 && Array.isArray(headers[0])) {
      for (const [k, v] of headers as [unknown, unknown][]) if (String(k).toLowerCase() === name) return String(v);
      return undefined;
    }
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    return undefined;
  }
  if (typeof headers === 'string') {
    for (const line of headers.split('\r\n')) {
      const at = line.indexOf(':');
      if (at > 0 && line.slice(0, at).trim().toLowerCase() === name) return line.slice(at + 1).trim();
    }
  }
  return undefined;
}

function textOf(data: unknown): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return String(data);
}

interface OrderOut {
  readonly market: string;
  readonly side: string;
  readonly price: string;
}

/** The order of a WS `order_limit_place` frame (issue 15), or none. */
function wsOrdersOf(frame: string): OrderOut[] {
  const msg = JSON.parse(frame) as { method?: string; params?: Partial<OrderOut>[] };
  const o = msg.method === 'order_limit_place' ? msg.params?.[0] : undefined;
  return o !== undefined && typeof o.market === 'string' ? [o as OrderOut] : [];
}

function ordersOf(headers: unknown): OrderOut[] {
  const payload = headerValue(headers, 'x-txc-payload');
  if (payload === undefined) return [];
  const body = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { orders?: OrderOut[] } & Partial<OrderOut>;
  if (Array.isArray(body.orders)) return body.orders;
  return typeof body.market === 'string' ? [body as OrderOut] : [];
}

/** A price in one canonical form (`100.00` and `100` are one level), exactly. */
const norm = (p: string): string => new Decimal(p).toFixed();

/** `price` ± `delta` (decimal strings), exactly, in `norm`'s form. */
const shift = (price: string, delta: string, sign: 1 | -1): string => new Decimal(price).plus(new Decimal(delta).times(sign)).toFixed();

export class LatencyProbe {
  private armed = false;
  // The window's frames in and order frames out, copied off the heap (frame-tape.ts: why).
  private readonly received = new FrameTape();
  private readonly sentFrames = new FrameTape();
  private sent: SentRequest[] = [];
  private readonly created = new WeakMap<object, bigint>();
  private readonly headersAt = new WeakMap<object, bigint>();
  private installed = false;

  install(): void {
    if (this.installed) return;
    this.installed = true;
    const emit = WebSocket.prototype.emit;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapper needs both `this`es
    const probe = this;
    WebSocket.prototype.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message' && probe.armed) probe.received.push(process.hrtime.bigint(), args[0]);
      return emit.apply(this, [event, ...args]);
    };
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]): void {
      // Only order frames are kept; the string test is all the hot path pays (parsed after the window).
      // WsTransport hands `ws` a Buffer (one write per frame); a string is still read for other senders.
      if (probe.armed && (typeof data === 'string' || Buffer.isBuffer(data)) && data.includes('"order_limit_place"')) {
        const t1 = process.hrtime.bigint();
        probe.sent.push({ t1, tb: undefined, via: 'ws', frameAt: probe.sentFrames.length, tc: t1, th: t1, headers: undefined });
        probe.sentFrames.push(t1, data);
      }
      (send as (this: WebSocket, ...a: unknown[]) => void).apply(this, [data, ...rest]);
    };
    dc.subscribe('undici:request:create', (m) => {
      if (!this.armed) return;
      const request = (m as { request: UndiciRequestLike }).request;
      this.created.set(request, process.hrtime.bigint());
    });
    dc.subscribe('undici:client:sendHeaders', (m) => {
      if (!this.armed) return;
      const request = (m as { request: UndiciRequestLike }).request;
      this.headersAt.set(request, process.hrtime.bigint());
    });
    dc.subscribe('undici:request:bodySent', (m) => {
      if (!this.armed) return;
      const tb = process.hrtime.bigint();
      const request = (m as { request: UndiciRequestLike }).request;
      if (request.method !== 'POST' || request.path === undefined || !ORDER_PATHS.has(request.path)) return;
      const th = this.headersAt.get(request);
      this.sent.push({ t1: th ?? tb, tb, via: 'rest', tc: this.created.get(request), th, headers: request.headers });
    });
  }

  /** Starts a measured window (clears what the previous one stored). */
  arm(): void {
    this.received.clear();
    this.sentFrames.clear();
    this.sent = [];
    this.armed = true;
  }

  /** Order requests seen in the current window so far. */
  get sentCount(): number {
    return this.sent.length;
  }

  disarm(): void {
    this.armed = false;
  }

  /** The frames received in the window, stamped (views valid until the next `arm`). */
  get messages(): Stamped[] {
    return this.received.entries();
  }

  /** Pairs the window's fills with their frames and counter-orders (see the module comment). */
  analyze(fills: readonly FillRecord[], step: string): LatencyResult {
    // 1. When each maker order's fill first reached the process.
    const firstSeen = new Map<number, { t: bigint; kind: 'deals' | 'ordersPending' }>();
    /** The maker order whose fill each message carried (undefined: not a fill frame). */
    const fillOf: (number | undefined)[] = [];
    /** When the answer to each order placed over the WebSocket arrived (its reply frame carries the order). */
    const answerAt = new Map<number, bigint>();
    const messages = this.messages;
    const sentFrames = this.sentFrames.entries();
    for (const m of messages) {
      fillOf.push(undefined);
      const text = textOf(m.data);
      let orderId: number | undefined;
      let kind: 'deals' | 'ordersPending';
      if (text.includes('"deals_update"')) {
        const msg = JSON.parse(text) as { params: unknown[] };
        orderId = msg.params[3] as number;
        kind = 'deals';
      } else if (text.includes('"ordersPending_update"')) {
        const msg = JSON.parse(text) as { params: [number, { id: number; deal_stock: string }] };
        // Event 1 is a new order; 2 (update) and 3 (finish) with a traded amount carry a fill.
        if (msg.params[0] === 1 || new Decimal(msg.params[1].deal_stock).isZero()) continue;
        orderId = msg.params[1].id;
        kind = 'ordersPending';
      } else {
        if (text.includes('"result":{"id":')) {
          const id = (JSON.parse(text) as { result?: { id?: unknown } }).result?.id;
          if (typeof id === 'number' && !answerAt.has(id)) answerAt.set(id, m.t);
        }
        continue;
      }
      fillOf[fillOf.length - 1] = orderId;
      if (orderId !== undefined && !firstSeen.has(orderId)) firstSeen.set(orderId, { t: m.t, kind });
    }
    // 2. Every order that left, by (market, side, price), in send order.
    const byKey = new Map<
      string,
      { t1: bigint; tb: bigint | undefined; tc: bigint | undefined; th: bigint | undefined; via: 'rest' | 'ws'; claimed: boolean }[]
    >();
    let requests = 0;
    // Both ways in one send order: an order re-sent over REST after the socket refused it comes later.
    const sent = [...this.sent].sort((a, b) => (a.t1 < b.t1 ? -1 : a.t1 > b.t1 ? 1 : 0));
    for (const s of sent) {
      const frame = s.frameAt === undefined ? undefined : sentFrames[s.frameAt]?.data;
      for (const o of frame === undefined ? ordersOf(s.headers) : wsOrdersOf(textOf(frame))) {
        const key = `${o.market}|${o.side}|${norm(o.price)}`;
        const list = byKey.get(key) ?? [];
        list.push({ t1: s.t1, tb: s.tb, tc: s.tc, th: s.th, via: s.via, claimed: false });
        byKey.set(key, list);
        requests += 1;
      }
    }
    // 3. Each fill → the first unclaimed counter-order after its frame.
    const latencyUs: number[] = [];
    const dispatchUs: number[] = [];
    const headersUs: number[] = [];
    const bodySentUs: number[] = [];
    const pairs: { t0: bigint; t1: bigint; levelWait: boolean }[] = [];
    /** Per sample (same order as `latencyUs`): its market, counter-order level and fill index, for the level-wait rule. */
    const spans: (SampleSpan & { readonly fill: number })[] = [];
    /** Per fill of the window (server order): its sample's index, or -1. */
    const sampleOf: number[] = [];
    const firstFrame = { deals: 0, ordersPending: 0 };
    const trigger = { firstFrame: 0, otherFrameOfFill: 0, unrelated: 0 };
    const via = { rest: 0, ws: 0 };
    const lastMessageBefore = (t: bigint): number => lastAtOrBefore(messages, t, (m) => m.t);
    let unmatched = 0;
    let claimed = 0;
    let dealsBeforeAnswer = 0;
    /** Per fill of the window: its side and its counter-order's level. */
    const fillLevels: FillLevel[] = [];
    for (const [fi, f] of fills.entries()) {
      sampleOf.push(-1);
      const counterSide = f.side === 'buy' ? 'sell' : 'buy';
      const counterPrice = shift(f.price, step, f.side === 'buy' ? 1 : -1);
      fillLevels.push({ market: f.market, side: f.side, level: counterPrice });
      const seen = firstSeen.get(f.orderId);
      if (seen === undefined) {
        unmatched += 1;
        continue;
      }
      const list = byKey.get(`${f.market}|${counterSide}|${counterPrice}`) ?? [];
      const hit = list.find((r) => !r.claimed && r.t1 > seen.t);
      if (hit === undefined) {
        unmatched += 1;
        continue;
      }
      hit.claimed = true;
      claimed += 1;
      via[hit.via] += 1;
      const answered = answerAt.get(f.orderId);
      if (answered !== undefined && answered > seen.t) dealsBeforeAnswer += 1;
      firstFrame[seen.kind] += 1;
      sampleOf[fi] = latencyUs.length;
      spans.push({ market: f.market, level: counterPrice, t0: seen.t, t1: hit.t1, fill: fi });
      latencyUs.push(Number(hit.t1 - seen.t) / 1000);
      pairs.push({ t0: seen.t, t1: hit.t1, levelWait: false });
      if (hit.th !== undefined) headersUs.push(Number(hit.th - seen.t) / 1000);
      if (hit.tb !== undefined) bodySentUs.push(Number(hit.tb - seen.t) / 1000);
      if (hit.tc !== undefined) {
        dispatchUs.push(Number(hit.tc - seen.t) / 1000);
        const at = lastMessageBefore(hit.tc);
        if (at >= 0 && fillOf[at] === f.orderId) {
          if (messages[at]?.t === seen.t) trigger.firstFrame += 1;
          else trigger.otherFrameOfFill += 1;
        } else trigger.unrelated += 1;
      }
    }
    // 4. Level waits (bench/level-wait.ts), from the fills' first frames: the same rule for every bot.
    const seenFills: SeenFill[] = [];
    for (const f of fills) {
      const seen = firstSeen.get(f.orderId);
      if (seen !== undefined) seenFills.push({ market: f.market, price: norm(f.price), t: seen.t });
    }
    const waits = levelWaits(spans, seenFills);
    const reactionUs: number[] = [];
    const holders = { reaction: 0, leftBeforeFill: 0, levelWait: 0, none: 0 };
    for (const [i, s] of spans.entries()) {
      const pair = pairs[i] as { levelWait: boolean };
      if (!waits[i]) {
        reactionUs.push(latencyUs[i] as number);
        continue;
      }
      pair.levelWait = true;
      const h = holderOf(fillLevels, s.fill);
      const j = h < 0 ? -1 : (sampleOf[h] as number);
      const held = spans[j];
      if (held === undefined) holders.none += 1;
      else if (waits[j]) holders.levelWait += 1;
      else {
        holders.reaction += 1;
        if (held.t1 < s.t0) holders.leftBeforeFill += 1;
      }
    }
    return {
      reactionUs,
      levelWaits: spans.length - reactionUs.length,
      levelWaitHolders: holders,
      latencyUs,
      dispatchUs,
      headersUs,
      bodySentUs,
      fills: fills.length,
      unmatchedFills: unmatched,
      strayRequests: requests - claimed,
      firstFrame,
      trigger,
      via,
      dealsBeforeAnswer,
      pairs,
    };
  }
}

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** p50/p90/p99/max/mean of raw samples (nearest-rank percentiles). */
export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { n: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const at = (q: number): number => s[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))] ?? NaN;
  return { n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[n - 1] ?? NaN, mean: s.reduce((a, b) => a + b, 0) / n };
}
