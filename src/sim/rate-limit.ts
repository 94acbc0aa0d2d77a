/**
 * REST rate limits per IP, as WhiteBIT's gateway applies them (protocol §6): fixed windows per
 * bucket; a request counts against its endpoint bucket and its scope bucket, and is rejected (not
 * queued) when any of them is full. The HTTP layer answers a rejection with a non-JSON 429, which is
 * how a client tells a rate limit apart from a nonce clash (JSON 429).
 */

export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** Bucket names a caller may override through the simulator options. */
export type RateBucket = 'public-v1' | 'public' | 'public-endpoint' | 'public-orderbook' | 'trade-account' | 'order' | 'orders' | 'websocket-token' | 'default';

export const WHITEBIT_RATE_LIMITS: Readonly<Record<RateBucket, RateLimit>> = {
  /** Every /api/v1/* endpoint together (whitebit-protocol-2.md §3). */
  'public-v1': { limit: 1_000, windowMs: 10_000 },
  public: { limit: 20_000, windowMs: 10_000 },
  'public-endpoint': { limit: 2_000, windowMs: 10_000 },
  'public-orderbook': { limit: 600, windowMs: 10_000 },
  'trade-account': { limit: 12_000, windowMs: 10_000 },
  order: { limit: 10_000, windowMs: 10_000 },
  orders: { limit: 12_000, windowMs: 10_000 },
  'websocket-token': { limit: 10, windowMs: 60_000 },
  default: { limit: 10_000, windowMs: 10_000 },
};

/** Returns [bucket kind, bucket key] pairs a request to `path` counts against. */
export function bucketsFor(path: string): [RateBucket, string][] {
  if (path.startsWith('/api/v1/')) return [['public-v1', 'v1']];
  if (path.startsWith('/api/v4/public/')) {
    const rest = path.slice('/api/v4/public/'.length);
    const out: [RateBucket, string][] = [['public', 'public']];
    if (rest.startsWith('orderbook/depth/')) out.push(['public-endpoint', 'orderbook/depth']);
    else if (rest.startsWith('orderbook/')) out.push(['public-orderbook', 'orderbook']);
    else if (rest.startsWith('trades/')) out.push(['public-endpoint', 'trades']);
    else if (['markets', 'ticker', 'time', 'ping', 'assets'].includes(rest)) out.push(['public-endpoint', rest]);
    return out;
  }
  if (path.startsWith('/api/v4/trade-account/')) return [['trade-account', 'trade-account']];
  if (path.startsWith('/api/v4/order/')) return [['order', path]];
  if (path === '/api/v4/orders') return [['orders', path]];
  if (path === '/api/v4/profile/websocket_token') return [['websocket-token', path]];
  return [['default', path]];
}

interface Window {
  start: number;
  count: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly limits: Record<RateBucket, RateLimit>;

  constructor(
    private readonly now: () => number,
    overrides: Partial<Record<RateBucket, RateLimit>> = {},
  ) {
    this.limits = { ...WHITEBIT_RATE_LIMITS, ...overrides };
  }

  /** Counts the request and returns true, or returns false (and counts nothing) when a bucket is full. */
  allow(clientKey: string, path: string): boolean {
    const now = this.now();
    const windows: [Window, RateLimit][] = [];
    for (const [kind, bucket] of bucketsFor(path)) {
      const limit = this.limits[kind];
      const key = `${clientKey}\u0000${bucket}`;
      let w = this.windows.get(key);
      if (!w || now - w.start >= limit.windowMs) {
        w = { start: now, count: 0 };
        this.windows.set(key, w);
      }
      if (w.count >= limit.limit) return false;
      windows.push([w, limit]);
    }
    for (const [w] of windows) w.count++;
    return true;
  }
}

/** Sliding one-minute request budget of one WebSocket connection (200/min; error 7 when exceeded). */
export class WsRequestBudget {
  private readonly stamps: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  take(nowMs: number): boolean {
    while (this.stamps.length > 0 && (this.stamps[0] ?? nowMs) <= nowMs - this.windowMs) this.stamps.shift();
    if (this.stamps.length >= this.limit) return false;
    this.stamps.push(nowMs);
    return true;
  }
}
