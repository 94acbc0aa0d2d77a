/**
 * Fuzzing REST answers (issue 7): a loopback stub answers every request with a fast-check
 * generated status, content type and body (garbage, any JSON, and bodies shaped like each
 * endpoint's answer with damaged fields). Every WhitebitRestClient call the bot makes must either
 * resolve with a decoded value or reject with a typed WhitebitError; never another error type.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhitebitError } from '../../../src/adapters/whitebit/codec/errors.js';
import { WhitebitRestClient } from '../../../src/adapters/whitebit/index.js';
import { HttpStub } from './support/http-stub.js';
import { InstantClock } from './support/manual-clock.js';

let stub: HttpStub;
let client: WhitebitRestClient;
let answer: { status: number; contentType: string; body: string } = { status: 200, contentType: 'application/json', body: '{}' };

beforeAll(async () => {
  stub = await new HttpStub().start();
  stub.setFallback((_req, _raw, res) => {
    res.writeHead(answer.status, { 'content-type': answer.contentType });
    res.end(answer.body);
  });
  client = new WhitebitRestClient({
    baseUrl: stub.url,
    apiKey: 'k',
    apiSecret: 's',
    clock: new InstantClock(),
    random: () => 0.5,
    rateLimits: false,
    retry: { maxAttempts: 2 },
  });
});
afterAll(async () => {
  await client.close();
  await stub.close();
});

const loose = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('0', '1.5', '', '-1', 'NaN', 'x', null, 0, -1, true));
const numText = fc.oneof(fc.constantFrom('0', '0.002', '60000', '-1', '1e5', '', 'abc'), loose);
const orderShape = fc.record(
  {
    orderId: fc.oneof(fc.integer(), loose),
    clientOrderId: fc.oneof(fc.string({ maxLength: 20 }), loose),
    market: fc.oneof(fc.constant('BTC_USDT'), loose),
    side: fc.oneof(fc.constantFrom('buy', 'sell'), loose),
    type: fc.oneof(fc.constant('limit'), loose),
    timestamp: fc.oneof(fc.double({ noNaN: true }), loose),
    dealMoney: numText,
    dealStock: numText,
    amount: numText,
    left: numText,
    dealFee: numText,
    price: numText,
    postOnly: fc.oneof(fc.boolean(), loose),
    ioc: fc.oneof(fc.boolean(), loose),
    status: fc.oneof(fc.constantFrom('NEW', 'FILLED', 'CANCELED', 'PARTIALLY_FILLED'), loose),
  },
  { requiredKeys: [] },
);
const errorShape = fc.record(
  {
    code: fc.oneof(fc.integer({ min: 0, max: 40 }), loose),
    message: fc.oneof(fc.string({ maxLength: 30 }), loose),
    errors: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 2 })), loose),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  orderShape.map((v) => JSON.stringify(v)),
  fc.array(fc.oneof(orderShape, loose), { maxLength: 3 }).map((v) => JSON.stringify(v)),
  fc
    .array(fc.record({ result: fc.oneof(orderShape, fc.constant(null), loose), error: fc.oneof(fc.constant(null), errorShape, loose) }, { requiredKeys: [] }), {
      maxLength: 3,
    })
    .map((v) => JSON.stringify(v)),
  errorShape.map((v) => JSON.stringify(v)),
  fc.record({ token: fc.oneof(fc.string({ maxLength: 10 }), loose) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.record({ time: fc.oneof(fc.integer(), loose) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
);
const reply = fc.record({
  status: fc.constantFrom(200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 409, 418, 422, 429, 500, 502, 503, 504),
  contentType: fc.constantFrom('application/json', 'text/html', 'text/plain', 'application/json; charset=utf-8'),
  body,
});

const ORDER = { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '40000', clientOrderId: 'g1.x.abcdef.b1.1', postOnly: true } as const;
const CALLS: readonly [string, (c: WhitebitRestClient) => Promise<unknown>][] = [
  ['public/markets', (c) => c.publicMarkets()],
  ['public/time', (c) => c.publicTime()],
  ['websocket_token', (c) => c.websocketToken()],
  ['order/new', (c) => c.orderNew(ORDER)],
  ['order/bulk', (c) => c.orderBulk({ orders: [ORDER, { ...ORDER, clientOrderId: 'g1.x.abcdef.b2.2' }] })],
  ['order/cancel', (c) => c.orderCancel({ market: 'BTC_USDT', orderId: 1 })],
  ['order/cancel/all', (c) => c.orderCancelAll({ market: 'BTC_USDT' })],
  ['orders', (c) => c.orders({ market: 'BTC_USDT' })],
  ['executed-history', (c) => c.executedHistory({ market: 'BTC_USDT' })],
  ['kill-switch', (c) => c.killSwitchArm({ market: 'BTC_USDT', timeout: '30' })],
  ['kill-switch disarm', (c) => c.killSwitchDisarm('BTC_USDT')],
  ['kill-switch/status', (c) => c.killSwitchStatus({ market: 'BTC_USDT' })],
];

describe('WhitebitRestClient against fuzzed answers', () => {
  it('resolves with a value or rejects with a WhitebitError, whatever the exchange answers', async () => {
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(reply, fc.constantFrom(...CALLS), async (r, [name, call]) => {
        answer = r;
        const outcome = await call(client).then(
          () => 'value',
          (e: unknown) => e,
        );
        if (outcome !== 'value') {
          expect(
            WhitebitError.is(outcome),
            `${name} on HTTP ${r.status} ${r.contentType} ${JSON.stringify(r.body).slice(0, 200)} threw ${String(outcome)}`,
          ).toBe(true);
          kinds.add((outcome as WhitebitError).kind);
        }
      }),
      { numRuns: 400, seed: 7 },
    );
    // The generator reaches more than one class of failure.
    expect(kinds.size).toBeGreaterThan(3);
  }, 60_000);
});
