/**
 * The WebSocket `authorize` token, fetched over REST and reused while young.
 *
 * Why: `profile/websocket_token` allows 10 requests a minute (whitebit-protocol.md §4.13, §6) and a
 * reconnect storm (flapping network, a sim fault dropping every socket) would spend that in
 * seconds, then every reconnect fails on 429. A token younger than `maxAgeMs` (default 50 s, under
 * the 60 s JKorf reuses it for) is handed out again, and concurrent requests share one fetch.
 * A token the server refused is dropped with {@link WsTokenCache.invalidate} so the next attempt
 * fetches a fresh one instead of repeating the refusal for the rest of its age.
 */
import type { Clock } from '../../adapters/whitebit/index.js';

/** The one REST call the cache needs (a `WhitebitRestClient` fits). */
export interface WsTokenSource {
  websocketToken(): Promise<string>;
}

export interface WsTokenCacheOptions {
  readonly clock?: Pick<Clock, 'now'>;
  readonly maxAgeMs?: number;
}

export const DEFAULT_TOKEN_MAX_AGE_MS = 50_000;

export class WsTokenCache {
  private cached: { readonly token: string; readonly at: number } | null = null;
  private inflight: Promise<string> | null = null;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly maxAgeMs: number;
  /** REST fetches made so far (for tests and metrics). */
  fetches = 0;

  constructor(
    private readonly source: WsTokenSource,
    options: WsTokenCacheOptions = {},
  ) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_TOKEN_MAX_AGE_MS;
  }

  /**
   * Returns a token no older than `maxAgeMs`, fetching one when needed.
   * @throws WhitebitError from `websocketToken()` (nothing is cached then)
   */
  get(): Promise<string> {
    const c = this.cached;
    if (c !== null && this.clock.now() - c.at < this.maxAgeMs) return Promise.resolve(c.token);
    if (this.inflight !== null) return this.inflight;
    // The age counts from the request, not the answer: the server's clock started no later.
    const at = this.clock.now();
    this.fetches += 1;
    const p = this.source.websocketToken().then(
      (token) => {
        if (this.inflight === p) {
          this.cached = { token, at };
          this.inflight = null;
        }
        return token;
      },
      (error: unknown) => {
        if (this.inflight === p) this.inflight = null;
        throw error;
      },
    );
    this.inflight = p;
    return p;
  }

  /** Forgets the cached token (and any fetch in flight): the server refused it. */
  invalidate(): void {
    this.cached = null;
    this.inflight = null;
  }
}
