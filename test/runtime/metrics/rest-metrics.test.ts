/**
 * The REST client's observer hook and the REST metrics it feeds (issue 9): every HTTP attempt is
 * timed under its endpoint (the order book's market suffix left out) and outcome, each HTTP 429 is
 * counted whatever WhiteBIT meant by it, and rate-limit waits are observed (0 when a token was
 * there). Real sockets on 127.0.0.1; an InstantClock so retries and limiter waits do not sleep.
 */
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RestObserver, WhitebitRestClient, type WhitebitRestClientOptions } from '../../../src/adapters/whitebit/index.js';
import { restMetrics } from '../../../src/runtime/metrics/rest-metrics.js';
import { fixture } from '../../adapters/whitebit/support/fixtures.js';
import { HttpStub } from '../../adapters/whitebit/support/http-stub.js';
import { InstantClock } from '../../adapters/whitebit/support/manual-clock.js';
import { sample } from '../../support/prom-text.js';

let stub: HttpStub;
let client: WhitebitRestClient | undefined;
let clock: InstantClock;

beforeEach(async () => {
  stub = await new HttpStub().start();
  clock = new InstantClock();
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await stub.close();
});

function make(observer: RestObserver, o: Partial<WhitebitRestClientOptions> = {}): WhitebitRestClient {
  client = new WhitebitRestClient({ baseUrl: stub.url, apiKey: 'k', apiSecret: 's', clock, random: () => 0.5, observer, ...o });
  return client;
}

/** An observer that keeps every call. */
function recorder() {
  const requests: [string, string, number | undefined][] = [];
  const waits: [string, number][] = [];
  const observer: RestObserver = {
    request: (endpoint, outcome, seconds, status) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      requests.push([endpoint, outcome, status]);
    },
    limiterWait: (group, seconds) => waits.push([group, seconds]),
  };
  return { requests, waits, observer };
}

describe('REST observer', () => {
  it('reports each attempt of a retried call, with its outcome and HTTP status', async () => {
    const r = recorder();
    const c = make(r.observer);
    stub.reply({ status: 429, body: 'Too Many Requests' }, { status: 502, body: 'bad gateway' });
    stub.json(200, { time: 1_700_000_100 });
    expect(await c.publicTime()).toEqual({ time: 1_700_000_100 });
    expect(r.requests).toEqual([
      ['/api/v4/public/time', 'rateLimited', 429],
      ['/api/v4/public/time', 'server', 502],
      ['/api/v4/public/time', 'ok', 200],
    ]);
    expect(r.waits).toEqual([
      ['public/time', 0],
      ['public/time', 0],
      ['public/time', 0],
    ]);
  });

  it('labels the order book by its endpoint, not by market', async () => {
    const r = recorder();
    const c = make(r.observer);
    stub.json(200, fixture('rest_get_public_orderbook.json'));
    await c.publicOrderbook('BTC_USDT', { limit: 5 });
    expect(r.requests).toEqual([['/api/v4/public/orderbook', 'ok', 200]]);
  });

  it('reports a wait for a rate-limit token with its length', async () => {
    const r = recorder();
    // An allowance of one: the second call has to wait for the bucket to refill.
    const c = make(r.observer, { rateLimits: { 'public/ping': { limit: 2, windowMs: 1_000 } } });
    stub.json(200, ['pong']).json(200, ['pong']);
    await c.publicPing();
    expect(clock.delays).toEqual([]);
    await c.publicPing();
    // The second call queued for a token (the bucket's timer), and that wait was reported.
    expect(clock.delays).toEqual([1_000]);
    expect(r.waits.map(([g]) => g)).toEqual(['public/ping', 'public/ping']);
    expect(r.waits[0]?.[1]).toBe(0);
    expect(r.waits[1]?.[1]).toBeGreaterThanOrEqual(0);
  });
});

describe('REST metrics', () => {
  it('fills the duration histogram by endpoint and outcome, counts every HTTP 429 and observes limiter waits', async () => {
    const registry = new Registry();
    const c = make(restMetrics(registry));
    // The gateway's 429 (retried), then WhiteBIT's JSON 429 (a nonce clash, retried at once), then ok.
    stub.reply({ status: 429, body: 'Too Many Requests' });
    stub.json(429, { code: 0, errors: {}, message: 'Too many requests.' });
    stub.json(200, fixture('rest_post_order_new.json'));
    await c.orderNew({ market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '40000', clientOrderId: 'g-1' });
    const text = await registry.metrics();
    const ep = '/api/v4/order/new';
    expect(sample(text, 'gridbot_rest_request_duration_seconds_count', { endpoint: ep, outcome: 'rateLimited' })).toBe(1);
    expect(sample(text, 'gridbot_rest_request_duration_seconds_count', { endpoint: ep, outcome: 'nonceClash' })).toBe(1);
    expect(sample(text, 'gridbot_rest_request_duration_seconds_count', { endpoint: ep, outcome: 'ok' })).toBe(1);
    expect(sample(text, 'gridbot_rest_request_duration_seconds_bucket', { endpoint: ep, outcome: 'ok', le: '+Inf' })).toBe(1);
    expect(sample(text, 'gridbot_rest_rate_limited_total', { endpoint: ep })).toBe(2);
    // Endpoints that never saw a 429 show 0 from the start.
    expect(sample(text, 'gridbot_rest_rate_limited_total', { endpoint: '/api/v4/order/bulk' })).toBe(0);
    expect(sample(text, 'gridbot_rest_limiter_wait_seconds_count', { group: 'order/new' })).toBe(3);
    expect(sample(text, 'gridbot_rest_limiter_wait_seconds_bucket', { group: 'order/new', le: '0.001' })).toBe(3);
  });
});
