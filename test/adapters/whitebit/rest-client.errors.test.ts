/**
 * Error classes and retry decisions of WhitebitRestClient end to end: real sockets on 127.0.0.1,
 * an InstantClock that records every backoff delay instead of sleeping.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WhitebitError, retryClass } from '../../../src/adapters/whitebit/codec/errors.js';
import { WhitebitRestClient, type WhitebitRestClientOptions } from '../../../src/adapters/whitebit/index.js';
import { fixture } from './support/fixtures.js';
import { HttpStub } from './support/http-stub.js';
import { InstantClock } from './support/manual-clock.js';

let stub: HttpStub;
let clock: InstantClock;
let client: WhitebitRestClient;
const extra: WhitebitRestClient[] = [];

function make(o: Partial<WhitebitRestClientOptions> = {}): WhitebitRestClient {
  const c = new WhitebitRestClient({ baseUrl: stub.url, apiKey: 'k', apiSecret: 's', clock, random: () => 0.5, ...o });
  extra.push(c);
  return c;
}

beforeEach(async () => {
  stub = await new HttpStub().start();
  clock = new InstantClock();
  client = make();
});

afterEach(async () => {
  await Promise.all(extra.splice(0).map((c) => c.close()));
  await stub.close();
});

const ORDER = { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '40000', clientOrderId: 'g-1' } as const;
const placeOrder = (c: WhitebitRestClient): Promise<unknown> => c.orderNew(ORDER);
const readOrders = (c: WhitebitRestClient): Promise<unknown> => c.orders({ market: 'BTC_USDT' });

async function failure(p: Promise<unknown>): Promise<WhitebitError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!WhitebitError.is(e)) throw new Error(`expected a WhitebitError, got ${String(e)}`);
  return e;
}

describe('status → kind → retry decision', () => {
  it.each([
    [400, '{"code":10,"message":"Inner validation failed","errors":{"amount":["Not enough balance."]}}', 'notEnoughBalance', 'never'],
    [
      400,
      `{"code":13,"message":"Inner validation failed","errors":{"postOnly":["This order couldn't be executed as a maker order and was canceled."]}}`,
      'postOnlyRejected',
      'never',
    ],
    [401, '{"code":10,"message":"Unauthorized request."}', 'unauthorized', 'fatal'],
    [403, `{"code":0,"message":"You don't have permission to use this endpoint."}`, 'unauthorized', 'fatal'],
    [404, '', 'notFound', 'fatal'],
    [422, '{"code":31,"message":"Validation failed","errors":{"market":["Market is not available."]}}', 'unknownMarket', 'never'],
    [
      422,
      '{"code":36,"message":"Validation failed","errors":{"clientOrderId":["This client order id is already used by the current account."]}}',
      'duplicateClientOrderId',
      'never',
    ],
  ])('order/new HTTP %i → %s (%s), sent once', async (status, body, kind, cls) => {
    stub.reply({ status, body, headers: { 'content-type': 'application/json' } });
    const e = await failure(placeOrder(client));
    expect(e.kind).toBe(kind);
    expect(retryClass(e)).toBe(cls);
    expect(e.status).toBe(status);
    expect(e.body).toBe(body);
    expect(stub.requests).toHaveLength(1);
    expect(clock.delays).toEqual([]);
  });

  it('cancel of a gone order → orderNotFound with the errors map', async () => {
    stub.json(400, { code: 2, message: 'Inner validation failed', errors: { orderId: ['Unexecuted order was not found.'] } });
    const e = await failure(client.orderCancel({ market: 'BTC_USDT', orderId: 5 }));
    expect(e).toMatchObject({ kind: 'orderNotFound', code: 2, errors: { orderId: ['Unexecuted order was not found.'] } });
  });

  it('public 422 flat field bag → unknownMarket', async () => {
    stub.json(422, { market: ['Market is not available.'] });
    const e = await failure(client.publicOrderbook('NOPE_USDT'));
    expect(e.kind).toBe('unknownMarket');
  });
});

describe('5xx', () => {
  it.each([500, 503])('HTTP %i on order/new is an unknown outcome and is NOT retried', async (status) => {
    stub.reply({ status, body: status === 500 ? '{"error":["Internal server error."]}' : '<html>Service Unavailable</html>' });
    stub.json(200, fixture('rest_post_order_new.json'));
    const e = await failure(placeOrder(client));
    expect(e.kind).toBe('server');
    expect(retryClass(e)).toBe('unknownOutcome');
    expect(stub.requests).toHaveLength(1);
  });

  it('HTTP 5xx on a read backs off 1→2→4→8 s (jitter centred) up to maxAttempts, then surfaces', async () => {
    stub.setFallback({ status: 503, body: '<html>maintenance</html>' });
    // 15 s of backoff: past the default deadline (tested under `deadline`), so a longer one here.
    const e = await failure(readOrders(make({ deadlineMs: 60_000 })));
    expect(e.kind).toBe('server');
    expect(stub.requests).toHaveLength(5);
    expect(clock.delays).toEqual([1000, 2000, 4000, 8000]);
    // Every retry was signed afresh.
    expect(new Set(stub.requests.map((r) => JSON.parse(r.body).nonce)).size).toBe(5);
  });

  it('a read recovers after transient 5xx', async () => {
    stub.reply({ status: 502, body: 'bad gateway' }, { status: 500, body: '{"error":["Internal server error."]}' });
    stub.json(200, fixture('rest_post_orders.json'));
    await expect(readOrders(client)).resolves.toHaveLength(1);
    expect(stub.requests).toHaveLength(3);
  });

  it('jitter comes from the injected random source; the 30 s cap applies before and after jitter', async () => {
    // A deadline long enough for every backoff: the policy is what is pinned here.
    const c = make({ random: () => 0, retry: { maxAttempts: 8 }, deadlineMs: 600_000 });
    stub.setFallback({ status: 500, body: '' });
    await failure(c.publicTicker());
    expect(clock.delays).toEqual([800, 1600, 3200, 6400, 12800, 24000, 24000]);
  });
});

describe('429', () => {
  it('a JSON 429 is a nonce clash: retried once at once with a fresh nonce, even for order/new', async () => {
    stub.json(429, { code: 0, errors: {}, message: 'Too many requests.' });
    stub.json(200, fixture('rest_post_order_new.json'));
    await expect(placeOrder(client)).resolves.toMatchObject({ orderId: 4180284841 });
    expect(stub.requests).toHaveLength(2);
    const [a, b] = stub.requests.map((r) => BigInt(JSON.parse(r.body).nonce as string));
    expect(b! > a!).toBe(true);
    expect(clock.delays).toEqual([]);
  });

  it('a second nonce clash in a row surfaces', async () => {
    stub.setFallback({ status: 429, json: { code: 0, errors: {}, message: 'Too many requests.' } });
    const e = await failure(placeOrder(client));
    expect(e.kind).toBe('nonceClash');
    expect(stub.requests).toHaveLength(2);
  });

  it('a non-JSON 429 is the gateway: backed off, also for order/new (nothing executed)', async () => {
    stub.reply({ status: 429, body: 'Too Many Requests' });
    stub.json(200, fixture('rest_post_order_new.json'));
    await expect(placeOrder(client)).resolves.toMatchObject({ orderId: 4180284841 });
    expect(clock.delays).toEqual([1000]);
  });

  it('honours Retry-After (capped at 30 s)', async () => {
    stub.reply({ status: 429, body: '', headers: { 'retry-after': '7' } });
    stub.reply({ status: 429, body: '', headers: { 'retry-after': '120' } });
    stub.json(200, ['pong']);
    await make({ deadlineMs: 600_000 }).publicPing();
    expect(clock.delays).toEqual([7000, 30000]);
  });
});

describe('malformed responses', () => {
  it('an HTML 200 is a decode error: never retried on a read, unknown outcome on order/new', async () => {
    stub.reply({ status: 200, body: '<html>oops</html>' }, { status: 200, body: '<html>oops</html>' });
    const read = await failure(readOrders(client));
    expect(read.kind).toBe('decode');
    expect(retryClass(read)).toBe('never');
    const place = await failure(placeOrder(client));
    expect(place.kind).toBe('decode');
    expect(retryClass(place)).toBe('unknownOutcome');
    expect(stub.requests).toHaveLength(2);
  });

  it('a wrong shape names the failing path', async () => {
    stub.json(200, [{ orderId: 'x' }]);
    const e = await failure(readOrders(client));
    expect(e.kind).toBe('decode');
    expect(e.message).toContain('0.orderId');
  });

  it('cancel/all answering something other than [] is a decode error', async () => {
    stub.json(200, { ok: true });
    expect((await failure(client.orderCancelAll({ market: 'BTC_USDT' }))).kind).toBe('decode');
  });
});

describe('transport', () => {
  it('a socket destroyed after the request arrived is an unknown outcome on order/new (not retried)', async () => {
    stub.reply((_rec, req) => req.socket.destroy());
    stub.json(200, fixture('rest_post_order_new.json'));
    const e = await failure(placeOrder(client));
    expect(e.kind).toBe('unknownOutcome');
    expect(e.sent).toBe(true);
    expect(retryClass(e)).toBe('unknownOutcome');
    expect(stub.requests).toHaveLength(1);
  });

  it('the same loss on a read is retried', async () => {
    stub.reply((_rec, req) => req.socket.destroy());
    stub.json(200, fixture('rest_post_orders.json'));
    await expect(readOrders(client)).resolves.toHaveLength(1);
    expect(stub.requests).toHaveLength(2);
    expect(clock.delays).toEqual([1000]);
  });

  it('cancel by clientOrderId is not retried after a loss (the id may be reused)', async () => {
    stub.reply((_rec, req) => req.socket.destroy());
    const e = await failure(client.orderCancel({ market: 'BTC_USDT', clientOrderId: 'g-1' }));
    expect(retryClass(e)).toBe('unknownOutcome');
    expect(stub.requests).toHaveLength(1);
  });

  it('a response timeout after sending is an unknown outcome', async () => {
    const c = make({ timeoutMs: 100 });
    stub.reply(() => {
      /* never answer */
    });
    const e = await failure(placeOrder(c));
    expect(e.kind).toBe('unknownOutcome');
    expect(e.message).toMatch(/UND_ERR_HEADERS_TIMEOUT/);
  });

  it('connection refused is transport (nothing sent): backed off and surfaced as transport', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const { port } = s.address() as AddressInfo;
    await new Promise<void>((r) => s.close(() => r()));
    const c = new WhitebitRestClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', apiSecret: 's', clock, random: () => 0.5, retry: { maxAttempts: 3 } });
    extra.push(c);
    const e = await failure(placeOrder(c));
    expect(e.kind).toBe('transport');
    expect(e.sent).toBe(false);
    expect(retryClass(e)).toBe('backoff');
    expect(e.message).toContain('ECONNREFUSED');
    expect(clock.delays).toEqual([1000, 2000]);
  });
});

/** Answers 200 and then one byte of body every `everyMs`, never ending (until the client goes). */
function trickle(everyMs: number): (rec: unknown, req: IncomingMessage, res: ServerResponse) => void {
  return (_rec, req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[');
    const timer = setInterval(() => res.write(' '), everyMs);
    req.socket.on('close', () => clearInterval(timer));
  };
}

describe('deadline (headers and body)', () => {
  it('an order/new answer that trickles in never past the deadline is an unknown outcome, though no byte gap reaches the timeout', async () => {
    // The gap between bytes (20 ms) stays under undici's body timeout (200 ms): only the deadline ends it.
    const c = make({ timeoutMs: 200, deadlineMs: 600 });
    stub.reply(trickle(20));
    const e = await failure(placeOrder(c));
    expect(e).toMatchObject({ kind: 'unknownOutcome', sent: true });
    expect(e.message).toMatch(/deadline/);
    expect(retryClass(e)).toBe('unknownOutcome');
    expect(stub.requests).toHaveLength(1);
  });

  it('a trickling read is not retried past the deadline: it surfaces when the deadline passes', async () => {
    const c = make({ timeoutMs: 200, deadlineMs: 600 });
    stub.setFallback(trickle(20));
    const e = await failure(readOrders(c));
    expect(e).toMatchObject({ kind: 'unknownOutcome', sent: true });
    expect(e.message).toMatch(/deadline/);
    expect(stub.requests).toHaveLength(1);
  });

  it('a backoff that would end past the deadline is not waited: the last error surfaces', async () => {
    // Backoffs 1, 2, 4 s fit in 10 s (the clock records them, nothing sleeps); the next, 8 s, does not.
    const c = make({ deadlineMs: 10_000 });
    stub.setFallback({ status: 503, body: '' });
    const e = await failure(readOrders(c));
    expect(e.kind).toBe('server');
    expect(clock.delays).toEqual([1000, 2000, 4000]);
    expect(stub.requests).toHaveLength(4);
  });
});

describe('abort', () => {
  it('an already aborted signal sends nothing', async () => {
    const e = await failure(client.orderNew(ORDER, { signal: AbortSignal.abort() }));
    expect(e).toMatchObject({ kind: 'aborted', sent: false });
    expect(retryClass(e)).toBe('never');
    expect(stub.requests).toHaveLength(0);
  });

  it('aborting order/new after it reached the server is an unknown outcome', async () => {
    const ac = new AbortController();
    stub.reply(() => ac.abort());
    const e = await failure(client.orderNew(ORDER, { signal: ac.signal }));
    expect(e).toMatchObject({ kind: 'aborted', sent: true });
    expect(retryClass(e)).toBe('unknownOutcome');
  });

  it('aborting during backoff stops the retries', async () => {
    const ac = new AbortController();
    const c = make({
      clock: {
        now: () => 0,
        setTimeout: () => {
          ac.abort();
          return 1;
        },
        clearTimeout: () => {},
      },
    });
    stub.setFallback({ status: 503, body: '' });
    const e = await failure(c.orders({}, { signal: ac.signal }));
    expect(e.kind).toBe('aborted');
    expect(stub.requests).toHaveLength(1);
  });
});
