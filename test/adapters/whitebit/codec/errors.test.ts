import { describe, expect, it } from 'vitest';
import { parseErrorBody } from '../../../../src/adapters/whitebit/codec/error-body.js';
import {
  MAX_RAW_BODY,
  WHITEBIT_ERROR_KINDS,
  WhitebitError,
  bulkItemError,
  classifyHttpError,
  isRejection,
  retryClass,
} from '../../../../src/adapters/whitebit/codec/errors.js';

const ctx = { endpoint: '/api/v4/order/new', idempotent: false };
const readCtx = { endpoint: '/api/v4/orders', idempotent: true };

describe('parseErrorBody: every shape of §3/§5', () => {
  it('reads the private envelope', () => {
    const b = parseErrorBody('{"code":30,"message":"Validation failed","errors":{"amount":["Amount field is required."],"price":["x"]}}');
    expect(b).toEqual({ code: 30, message: 'Validation failed', errors: { amount: ['Amount field is required.'], price: ['x'] } });
  });
  it('reads an envelope without errors and with errors as []', () => {
    expect(parseErrorBody('{"code":10,"message":"Unauthorized request."}')).toEqual({
      code: 10,
      message: 'Unauthorized request.',
      errors: {},
    });
    expect(parseErrorBody('{"code":0,"errors":[],"message":"Too many requests."}')?.errors).toEqual({});
  });
  it('reads the flat field bag of public endpoints', () => {
    expect(parseErrorBody('{"market":["Market is not available."]}')).toEqual({
      code: undefined,
      message: 'Market is not available.',
      errors: { market: ['Market is not available.'] },
    });
  });
  it('reads the success:false envelope with a text or field-bag message', () => {
    expect(parseErrorBody('{"success":false,"message":"ERROR MESSAGE","params":[]}')).toEqual({
      code: undefined,
      message: 'ERROR MESSAGE',
      errors: {},
    });
    expect(parseErrorBody('{"success":false,"message":{"market":["Market is not available"]},"result":[]}')).toEqual({
      code: undefined,
      message: 'Market is not available',
      errors: { market: ['Market is not available'] },
    });
  });
  it('reads the public 500 body', () => {
    expect(parseErrorBody('{"error":["Internal server error."]}')?.message).toBe('Internal server error.');
  });
  it('returns undefined for non-JSON and non-object bodies', () => {
    for (const t of ['', '<html><body>502 Bad Gateway</body></html>', 'Too Many Requests', '[]', '"x"', '42', 'null']) {
      expect(parseErrorBody(t)).toBeUndefined();
    }
  });
});

describe('classifyHttpError', () => {
  it.each([
    [401, '{"code":10,"message":"Unauthorized request."}', 'unauthorized', 'fatal'],
    [403, `{"code":0,"message":"You don't have permission to use this endpoint."}`, 'unauthorized', 'fatal'],
    [400, '{"code":9,"message":"Invalid payload."}', 'unauthorized', 'fatal'],
    [429, '{"code":0,"errors":{},"message":"Too many requests."}', 'nonceClash', 'retryNow'],
    [429, '<html>Too Many Requests</html>', 'rateLimited', 'backoff'],
    [429, '', 'rateLimited', 'backoff'],
    [404, '', 'notFound', 'fatal'],
    [400, '{"code":10,"message":"Inner validation failed","errors":{"amount":["Not enough balance."]}}', 'notEnoughBalance', 'never'],
    [422, '{"code":17,"message":"Inner validation failed","errors":{"amount":["Not enough balance."]}}', 'notEnoughBalance', 'never'],
    [422, '{"code":31,"message":"Validation failed","errors":{"market":["Market is not available."]}}', 'unknownMarket', 'never'],
    [422, '{"market":["Market is not available."]}', 'unknownMarket', 'never'],
    [
      400,
      `{"code":13,"message":"Inner validation failed","errors":{"postOnly":["This order couldn't be executed as a maker order and was canceled."]}}`,
      'postOnlyRejected',
      'never',
    ],
    [422, '{"code":14,"message":"x"}', 'postOnlyRejected', 'never'],
    [400, '{"code":2,"message":"Inner validation failed","errors":{"orderId":["Unexecuted order was not found."]}}', 'orderNotFound', 'never'],
    [400, '{"code":6,"message":"Unexecuted order was not found."}', 'orderNotFound', 'never'],
    [400, '{"code":7,"message":"order not found."}', 'orderNotFound', 'never'],
    [
      422,
      '{"code":36,"message":"Validation failed","errors":{"clientOrderId":["This client order id is already used by the current account."]}}',
      'duplicateClientOrderId',
      'never',
    ],
    [422, '{"code":36,"message":"Validation failed","errors":{"clientOrderId":["ClientOrderId field should be a string."]}}', 'rejected', 'never'],
    [422, '{"code":30,"message":"Validation failed","errors":{"total":["Total(amount * price) is less than 5.05"]}}', 'rejected', 'never'],
    [453, '{"code":30,"message":"Validation failed","errors":{"orderType":["This order type is not available"]}}', 'rejected', 'never'],
    [400, '<html>bad request</html>', 'rejected', 'never'],
  ] as const)('HTTP %i %s → %s / %s', (status, body, kind, cls) => {
    const e = classifyHttpError(status, body, ctx);
    expect(e.kind).toBe(kind);
    expect(retryClass(e)).toBe(cls);
    expect(e.status).toBe(status);
    expect(e.body).toBe(body);
    expect(e.endpoint).toBe('/api/v4/order/new');
  });

  it('keeps code and the errors map', () => {
    const e = classifyHttpError(422, '{"code":32,"message":"Validation failed","errors":{"amount":["Min amount step = 0.000001"]}}', ctx);
    expect(e.code).toBe(32);
    expect(e.errors).toEqual({ amount: ['Min amount step = 0.000001'] });
    expect(e.message).toContain('Validation failed');
  });

  it.each([500, 502, 503, 504])('HTTP %i is a server error: backoff when idempotent, unknown outcome otherwise', (s) => {
    expect(classifyHttpError(s, '{"error":["Internal server error."]}', readCtx).kind).toBe('server');
    expect(retryClass(classifyHttpError(s, '<html>maintenance</html>', readCtx))).toBe('backoff');
    expect(retryClass(classifyHttpError(s, '<html>maintenance</html>', ctx))).toBe('unknownOutcome');
  });

  it('truncates a large raw body', () => {
    const html = `<html>${'x'.repeat(10_000)}</html>`;
    const e = classifyHttpError(502, html, ctx);
    expect(e.body?.length).toBeLessThan(MAX_RAW_BODY + 40);
    expect(e.body?.startsWith('<html>xxx')).toBe(true);
  });

  it('passes Retry-After through', () => {
    expect(classifyHttpError(429, '', { ...readCtx, retryAfterMs: 3000 }).retryAfterMs).toBe(3000);
  });
});

describe('bulkItemError', () => {
  it('names the rejection from the item envelope (codes 10, 404)', () => {
    const e = bulkItemError({ code: 10, message: 'Inner validation failed', errors: { amount: ['Not enough balance.'] } }, '/api/v4/order/bulk');
    expect(e.kind).toBe('notEnoughBalance');
    expect(isRejection(e)).toBe(true);
    expect(bulkItemError({ code: 404, message: 'Order not found' }, '/x').kind).toBe('orderNotFound');
  });
});

describe('retryClass', () => {
  const mk = (kind: (typeof WHITEBIT_ERROR_KINDS)[number], idempotent: boolean, sent = true): WhitebitError =>
    new WhitebitError({ kind, message: kind, idempotent, sent });

  it('has a decision for every kind, matching the documented table', () => {
    const table: Record<(typeof WHITEBIT_ERROR_KINDS)[number], [string, string]> = {
      unauthorized: ['fatal', 'fatal'],
      notFound: ['fatal', 'fatal'],
      nonceClash: ['retryNow', 'retryNow'],
      rateLimited: ['backoff', 'backoff'],
      transport: ['backoff', 'backoff'],
      server: ['backoff', 'unknownOutcome'],
      unknownOutcome: ['backoff', 'unknownOutcome'],
      decode: ['never', 'unknownOutcome'],
      aborted: ['never', 'unknownOutcome'],
      rejected: ['never', 'never'],
      notEnoughBalance: ['never', 'never'],
      unknownMarket: ['never', 'never'],
      postOnlyRejected: ['never', 'never'],
      orderNotFound: ['never', 'never'],
      duplicateClientOrderId: ['never', 'never'],
      invalidRequest: ['never', 'never'],
    };
    expect(Object.keys(table).sort()).toEqual([...WHITEBIT_ERROR_KINDS].sort());
    for (const kind of WHITEBIT_ERROR_KINDS) {
      expect([retryClass(mk(kind, true)), retryClass(mk(kind, false))], kind).toEqual(table[kind]);
    }
  });

  it('an abort before sending is never an unknown outcome', () => {
    expect(retryClass(mk('aborted', false, false))).toBe('never');
  });

  it('treats foreign errors as fatal bugs', () => {
    expect(retryClass(new Error('boom'))).toBe('fatal');
    expect(retryClass('x')).toBe('fatal');
  });

  it('brands errors so instanceof-free checks work', () => {
    const e = mk('server', true);
    expect(WhitebitError.is(e)).toBe(true);
    expect(e).toBeInstanceOf(Error);
    expect(WhitebitError.is({ kind: 'server' })).toBe(false);
  });
});
