import { describe, expect, it } from 'vitest';
import { WhitebitError, type WhitebitErrorInit } from '../../../src/adapters/whitebit/index.js';
import type { OrderIntent } from '../../../src/grid/index.js';
import { MarketIoError } from '../../../src/machines/market/market.io.js';
import { describeError, failedPlacement, toMarketIoError } from '../../../src/runtime/exchange/io-errors.js';
import { WireMappingError } from '../../../src/runtime/exchange/wire-to-domain.js';

const err = (init: Partial<WhitebitErrorInit> & Pick<WhitebitErrorInit, 'kind'>) => new WhitebitError({ message: init.kind, ...init });

const intents: OrderIntent[] = ['a', 'b'].map((id, level) => ({
  market: 'BTC_USDT',
  clientOrderId: id,
  level,
  side: 'buy',
  price: '100',
  amount: '1',
  origin: 'plan',
}));

describe('adapter error → MarketIoError (via retryClass)', () => {
  it.each([
    ['401 unauthorized', err({ kind: 'unauthorized', status: 401 }), 'fatal'],
    ['unknown route', err({ kind: 'notFound', status: 404 }), 'fatal'],
    ['gateway 429', err({ kind: 'rateLimited', status: 429 }), 'retry'],
    ['nonce clash left over', err({ kind: 'nonceClash', status: 429 }), 'retry'],
    ['5xx on a read', err({ kind: 'server', status: 503, idempotent: true }), 'retry'],
    ['5xx on a placement', err({ kind: 'server', status: 503, idempotent: false, sent: true }), 'unknownOutcome'],
    ['lost socket after sending an order', err({ kind: 'unknownOutcome', idempotent: false, sent: true }), 'unknownOutcome'],
    ['connect failure', err({ kind: 'transport' }), 'retry'],
    ['422 validation', err({ kind: 'rejected', status: 422, code: 30 }), 'rejected'],
    ['unknown market', err({ kind: 'unknownMarket', status: 422, code: 31 }), 'rejected'],
    ['a bug (not a WhitebitError)', new TypeError('x is undefined'), 'fatal'],
    ['an unrepresentable payload', new WireMappingError('side "long"'), 'rejected'],
  ])('%s → %s', (_name, e, kind) => {
    const io = toMarketIoError('step', e);
    expect(io).toBeInstanceOf(MarketIoError);
    expect(io.kind).toBe(kind);
    expect(io.message).toMatch(/^step: /);
    expect(io.cause).toBe(e);
  });

  it('passes a MarketIoError through unchanged', () => {
    const e = new MarketIoError('retry', 'x');
    expect(toMarketIoError('step', e)).toBe(e);
  });

  it('names post-only refusals as a crossed price', () => {
    expect(describeError(err({ kind: 'postOnlyRejected', code: 13 }))).toMatch(/post-only.*crossed/);
  });

  it('includes the first field message of the exchange', () => {
    const e = err({ kind: 'notEnoughBalance', code: 10, message: 'Inner validation failed', errors: { amount: ['Not enough balance.'] } });
    expect(describeError(e)).toBe('notEnoughBalance (code 10): Inner validation failed [amount: Not enough balance.]');
  });
});

describe('a whole placement request that failed', () => {
  it.each([
    [err({ kind: 'server', status: 502, idempotent: false, sent: true }), 'unknown'],
    [err({ kind: 'rateLimited', status: 429, idempotent: false }), 'notSent'],
    [err({ kind: 'transport', idempotent: false }), 'notSent'],
    [err({ kind: 'unauthorized', status: 401, idempotent: false }), 'notSent'],
    [err({ kind: 'rejected', status: 422, code: 30, idempotent: false }), 'rejected'],
    // An order with this client id is active: not a refusal, an outcome to reconcile (issue 15, error 43).
    [err({ kind: 'duplicateClientOrderId', status: 422, code: 36, idempotent: false }), 'unknown'],
  ])('%s gives every intent %s', (e, kind) => {
    const f = failedPlacement(intents, e);
    expect(f.outcomes.map((o) => [o.clientOrderId, o.kind])).toEqual([
      ['a', kind],
      ['b', kind],
    ]);
  });
});
