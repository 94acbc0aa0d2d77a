/**
 * The public market list and tickers, fetched once for every market that loads at the same time.
 *
 * Why: `loadMarket` needs one market's rules and last price, but WhiteBIT serves them only as whole
 * lists (`/public/markets`, `/public/ticker`: every market, hundreds of KB). Fetched per market, a
 * bot starting 500 grids downloaded and parsed both lists 500 times and spent its public rate limit
 * on copies. Concurrent callers now share one request, and a result is reused for `ttlMs` (rules
 * and prices at start-up are read within the same second; a market restarted later fetches afresh).
 * A failure is never cached. A caller's abort signal is not passed on: one caller giving up must not
 * fail the others; it simply stops waiting.
 */
import type { PublicMarketRest } from './market-io-actors.js';

type Lists = Pick<PublicMarketRest, 'publicMarkets' | 'publicTicker'>;

interface Entry<T> {
  readonly promise: Promise<T>;
  /** When the result arrived (ms); null while in flight. */
  at: number | null;
}

function shared<T>(fetch: () => Promise<T>, ttlMs: number, now: () => number): (o?: { signal?: AbortSignal }) => Promise<T> {
  let entry: Entry<T> | null = null;
  return (o = {}) => {
    const e = entry;
    if (e === null || (e.at !== null && now() - e.at > ttlMs)) {
      const fresh: Entry<T> = {
        promise: fetch().then(
          (v) => {
            fresh.at = now();
            return v;
          },
          (error: unknown) => {
            if (entry === fresh) entry = null;
            throw error;
          },
        ),
        at: null,
      };
      entry = fresh;
    }
    const p = (entry as Entry<T>).promise;
    const signal = o.signal;
    if (signal === undefined) return p;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  };
}

/** Returns the public calls `loadMarket` makes, with the two lists shared between concurrent and recent callers. */
export function sharedPublicLists(rest: PublicMarketRest, ttlMs = 2_000, now: () => number = Date.now): PublicMarketRest {
  return {
    publicMarkets: shared(() => rest.publicMarkets(), ttlMs, now) as Lists['publicMarkets'],
    publicTicker: shared(() => rest.publicTicker(), ttlMs, now) as Lists['publicTicker'],
    publicOrderbook: (market, query, o) => rest.publicOrderbook(market, query, o),
  };
}
