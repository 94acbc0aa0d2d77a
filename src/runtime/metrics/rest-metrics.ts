/**
 * REST metrics: the {@link RestObserver} the runtime hands its WhiteBIT client.
 *
 *   gridbot_rest_request_duration_seconds{endpoint,outcome}  histogram, one observation per HTTP attempt
 *   gridbot_rest_rate_limited_total{endpoint}               attempts answered HTTP 429 (the gateway's, and WhiteBIT's nonce clash)
 *   gridbot_rest_limiter_wait_seconds{group}                time a call waited for a client-side rate-limit token (0: none)
 *
 * `endpoint` is the path without the order book's market suffix and `outcome` is `ok` or a
 * WhitebitError kind, so both label sets stay small. Label children are cached: an observation is a
 * Map lookup and a bucket increment.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { ENDPOINTS, type RestObserver } from '../../adapters/whitebit/index.js';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Returns an observer that records REST traffic into `registry`. */
export function restMetrics(registry: Registry): RestObserver {
  const duration = new Histogram({
    name: 'gridbot_rest_request_duration_seconds',
    help: 'Duration of each REST attempt by endpoint and outcome (ok or the error kind: rateLimited, server, timeout, ...).',
    labelNames: ['endpoint', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'gridbot_rest_rate_limited_total',
    help: 'REST attempts the exchange answered with 429, by endpoint.',
    labelNames: ['endpoint'] as const,
    registers: [registry],
  });
  // Every endpoint shows 0 from the start, so `increase()` sees the first 429.
  for (const ep of Object.values(ENDPOINTS)) rateLimited.inc({ endpoint: ep.path }, 0);
  const wait = new Histogram({
    name: 'gridbot_rest_limiter_wait_seconds',
    help: 'Time a REST call waited for a client-side rate-limit token, by endpoint group (0 when one was there).',
    labelNames: ['group'] as const,
    buckets: WAIT_BUCKETS,
    registers: [registry],
  });
  const durations = new Map<string, Histogram.Internal<'endpoint' | 'outcome'>>();
  const waits = new Map<string, Histogram.Internal<'group'>>();
  return {
    request(endpoint, outcome, seconds, status) {
      const key = `${endpoint} ${outcome}`;
      let child = durations.get(key);
      if (child === undefined) {
        child = duration.labels({ endpoint, outcome });
        durations.set(key, child);
      }
      child.observe(seconds);
      if (status === 429) rateLimited.inc({ endpoint });
    },
    limiterWait(group, seconds) {
      let child = waits.get(group);
      if (child === undefined) {
        child = wait.labels({ group });
        waits.set(group, child);
      }
      child.observe(seconds);
    },
  };
}
