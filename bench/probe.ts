/**
 * Reaction-latency probe: frame in → counter-order bytes out, in this process.
 *
 * - t0: `process.hrtime.bigint()` at the `ws` `message` event. `ws` emits it through
 *   `WebSocket.prototype.emit`; the probe wraps that once, so every socket in the process (ours and
 *   the baseline's) is stamped the same way before any listener runs. The hook only stores
 *   (t, raw frame) while armed; nothing is parsed on the hot path.
 * - t1: `process.hrtime.bigint()` in undici's `undici:request:bodySent` diagnostics channel (the
 *   request body was handed to the socket). Node's bundled undici (global fetch) publishes the same
 *   channels, so both bots are timed by the same hook. `undici:request:create` gives the moment the
 *   request was handed to undici (`tc`), to split the time into "ours" and "undici's".
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
 * one frame → its own request, whichever way the bot got there (synchronously or not).
 */
import dc from 'node:diagnostics_channel';
import WebSocket from 'ws';
import { FrameTape } from './frame-tape.js';
import type { FillRecord } from './protocol.js';

interface Stamped {
  readonly t: bigint;
  readonly data: unknown;
}

interface SentRequest {
  readonly t1: bigint;
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
  /** Frame in → request body handed to the socket, µs, in fill order. */
  readonly latencyUs: number[];
  /** Frame in → request handed to undici (`undici:request:create`), µs. */
  readonly dispatchUs: number[];
  /** Frame in → undici starts writing the request (`undici:client:sendHeaders`), µs. */
  readonly headersUs: number[];
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
  /** Each sample's frame time (t0) and body-sent time (t1), `process.hrtime.bigint()`, in fill order. */
  readonly pairs: readonly { readonly t0: bigint; readonly t1: bigint }[];
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

/** Adds `delta` (a decimal string) to a decimal string price, exactly (two-decimal grid prices). */
function shift(price: string, delta: string, sign: 1 | -1): string {
  const scale = 1e8;
  const v = Math.round(Number(price) * scale) + sign * Math.round(Number(delta) * scale);
  return String(v / scale);
}

const norm = (p: string): string => String(Number(p));

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
        probe.sent.push({ t1, via: 'ws', frameAt: probe.sentFrames.length, tc: t1, th: t1, headers: undefined });
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
      const t1 = process.hrtime.bigint();
      const request = (m as { request: UndiciRequestLike }).request;
      if (request.method !== 'POST' || request.path === undefined || !ORDER_PATHS.has(request.path)) return;
      this.sent.push({ t1, via: 'rest', tc: this.created.get(request), th: this.headersAt.get(request), headers: request.headers });
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
        if (msg.params[0] === 1 || Number(msg.params[1].deal_stock) === 0) continue;
        orderId = msg.params[1].id;
        kind = 'ordersPending';
      } else continue;
      fillOf[fillOf.length - 1] = orderId;
      if (orderId !== undefined && !firstSeen.has(orderId)) firstSeen.set(orderId, { t: m.t, kind });
    }
    // 2. Every order that left, by (market, side, price), in send order.
    const byKey = new Map<string, { t1: bigint; tc: bigint | undefined; th: bigint | undefined; via: 'rest' | 'ws'; claimed: boolean }[]>();
    let requests = 0;
    // Both ways in one send order: an order re-sent over REST after the socket refused it comes later.
    const sent = [...this.sent].sort((a, b) => (a.t1 < b.t1 ? -1 : a.t1 > b.t1 ? 1 : 0));
    for (const s of sent) {
      const frame = s.frameAt === undefined ? undefined : sentFrames[s.frameAt]?.data;
      for (const o of frame === undefined ? ordersOf(s.headers) : wsOrdersOf(textOf(frame))) {
        const key = `${o.market}|${o.side}|${norm(o.price)}`;
        const list = byKey.get(key) ?? [];
        list.push({ t1: s.t1, tc: s.tc, th: s.th, via: s.via, claimed: false });
        byKey.set(key, list);
        requests += 1;
      }
    }
    // 3. Each fill → the first unclaimed counter-order after its frame.
    const latencyUs: number[] = [];
    const dispatchUs: number[] = [];
    const headersUs: number[] = [];
    const pairs: { t0: bigint; t1: bigint }[] = [];
    const firstFrame = { deals: 0, ordersPending: 0 };
    const trigger = { firstFrame: 0, otherFrameOfFill: 0, unrelated: 0 };
    const via = { rest: 0, ws: 0 };
    const lastMessageBefore = (t: bigint): number => {
      let lo = 0;
      let hi = messages.length - 1;
      let at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if ((messages[mid]?.t ?? 0n) <= t) {
          at = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return at;
    };
    let unmatched = 0;
    let claimed = 0;
    for (const f of fills) {
      const seen = firstSeen.get(f.orderId);
      if (seen === undefined) {
        unmatched += 1;
        continue;
      }
      const counterSide = f.side === 'buy' ? 'sell' : 'buy';
      const counterPrice = shift(f.price, step, f.side === 'buy' ? 1 : -1);
      const list = byKey.get(`${f.market}|${counterSide}|${norm(counterPrice)}`) ?? [];
      const hit = list.find((r) => !r.claimed && r.t1 > seen.t);
      if (hit === undefined) {
        unmatched += 1;
        continue;
      }
      hit.claimed = true;
      claimed += 1;
      via[hit.via] += 1;
      firstFrame[seen.kind] += 1;
      latencyUs.push(Number(hit.t1 - seen.t) / 1000);
      pairs.push({ t0: seen.t, t1: hit.t1 });
      if (hit.th !== undefined) headersUs.push(Number(hit.th - seen.t) / 1000);
      if (hit.tc !== undefined) {
        dispatchUs.push(Number(hit.tc - seen.t) / 1000);
        const at = lastMessageBefore(hit.tc);
        if (at >= 0 && fillOf[at] === f.orderId) {
          if (messages[at]?.t === seen.t) trigger.firstFrame += 1;
          else trigger.otherFrameOfFill += 1;
        } else trigger.unrelated += 1;
      }
    }
    return {
      latencyUs,
      dispatchUs,
      headersUs,
      fills: fills.length,
      unmatchedFills: unmatched,
      strayRequests: requests - claimed,
      firstFrame,
      trigger,
      via,
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
