/**
 * WS order entry codec: the calls on the wire (one snake_case object in `params`), the reply order
 * object read into the REST model, and the WS error codes mapped to the REST error kinds.
 * @see whitebit-protocol-2.md §1.3–§1.11
 */
import { describe, expect, it } from 'vitest';
import { WhitebitError, retryClass } from '../../../../src/adapters/whitebit/codec/errors.js';
import { wsOrderEntryRefused, wsOrderError, wsOrderErrorKind } from '../../../../src/adapters/whitebit/codec/ws-order-errors.js';
import {
  cancelAllCall,
  cancelCall,
  decodeWsCancelAllResult,
  decodeWsOrderResult,
  limitPlaceCall,
  marketPlaceCall,
  marketStockPlaceCall,
  modifyCall,
} from '../../../../src/adapters/whitebit/codec/ws-orders.js';
import { WS_LIMIT_ORDER } from '../support/ws-orders.js';

const LIMIT_REPLY = WS_LIMIT_ORDER;

/** §1.5, order_market_place.jsx: a filled market sell. */
const MARKET_REPLY = {
  id: 2423735871141,
  market: 'ETH_USDT',
  type: 2,
  side: 1,
  post_only: false,
  ioc: false,
  ctime: 1786452690.129261,
  mtime: 1786452690.129261,
  price: '0',
  amount: '0.00108',
  left: '0',
  deal_stock: '0.00108',
  deal_money: '2.0391048',
  deal_fee: '0.0040782096',
  client_order_id: '',
  stp: 'no',
  status: 'FILLED',
};

describe('WS order calls: one snake_case object in params', () => {
  it('order_limit_place carries every field of the REST request under its WS name', () => {
    expect(
      limitPlaceCall({ market: 'ETH_USDT', side: 'buy', amount: '0.00108', price: '1859.75', clientOrderId: 'g-b-7', postOnly: true, ioc: false, stp: 'cn' }),
    ).toEqual({
      method: 'order_limit_place',
      params: [{ market: 'ETH_USDT', side: 'buy', amount: '0.00108', price: '1859.75', client_order_id: 'g-b-7', post_only: true, ioc: false, stp: 'cn' }],
    });
  });
  it('leaves absent options out instead of sending null or undefined', () => {
    const c = limitPlaceCall({ market: 'ETH_USDT', side: 'sell', amount: '1', price: '2' });
    expect(c.params).toEqual([{ market: 'ETH_USDT', side: 'sell', amount: '1', price: '2' }]);
    expect(JSON.stringify(c.params)).not.toMatch(/null|client_order_id|post_only/);
  });
  it('order_market_place and order_market_stock_place', () => {
    expect(marketPlaceCall({ market: 'ETH_USDT', side: 'sell', amount: '0.00108', stp: 'no' })).toEqual({
      method: 'order_market_place',
      params: [{ market: 'ETH_USDT', side: 'sell', amount: '0.00108', stp: 'no' }],
    });
    expect(marketStockPlaceCall({ market: 'ETH_USDT', side: 'buy', amount: '0.5', clientOrderId: 'm-1' })).toEqual({
      method: 'order_market_stock_place',
      params: [{ market: 'ETH_USDT', side: 'buy', amount: '0.5', client_order_id: 'm-1' }],
    });
  });
  it('order_modify by order id or by client id, with only the fields that change', () => {
    expect(modifyCall({ market: 'ETH_USDT', orderId: 2423735905491, amount: '0.00216', price: '1831.41' })).toEqual({
      method: 'order_modify',
      params: [{ market: 'ETH_USDT', order_id: 2423735905491, amount: '0.00216', price: '1831.41' }],
    });
    expect(modifyCall({ market: 'ETH_USDT', clientOrderId: 'g-s-3', total: '10', activationPrice: '1800' })).toEqual({
      method: 'order_modify',
      params: [{ market: 'ETH_USDT', client_order_id: 'g-s-3', total: '10', activation_price: '1800' }],
    });
  });
  it('order_cancel by order id or by client id', () => {
    expect(cancelCall({ market: 'ETH_USDT', orderId: 2423735868673 })).toEqual({
      method: 'order_cancel',
      params: [{ market: 'ETH_USDT', order_id: 2423735868673 }],
    });
    expect(cancelCall({ market: 'ETH_USDT', clientOrderId: 'g-b-7' })).toEqual({
      method: 'order_cancel',
      params: [{ market: 'ETH_USDT', client_order_id: 'g-b-7' }],
    });
  });
  it('order_cancel_all always names its market and types (spot by default)', () => {
    expect(cancelAllCall({ market: 'ETH_USDT' })).toEqual({ method: 'order_cancel_all', params: [{ market: 'ETH_USDT', type: ['spot'] }] });
    expect(cancelAllCall({ market: 'ETH_USDT', type: ['spot', 'margin'] }).params).toEqual([{ market: 'ETH_USDT', type: ['spot', 'margin'] }]);
  });
});

describe('decodeWsOrderResult: the WS order object as the REST model', () => {
  it('reads the documented limit reply: int side 2 is buy, type 1 is limit, ctime is the timestamp', () => {
    expect(decodeWsOrderResult(LIMIT_REPLY)).toEqual({
      orderId: 2423735868673,
      clientOrderId: '',
      market: 'ETH_USDT',
      side: 'buy',
      type: 'limit',
      timestamp: 1786452689.828402,
      dealMoney: '0',
      dealStock: '0',
      amount: '0.00108',
      left: '0.00108',
      dealFee: '0',
      price: '1859.75',
      postOnly: false,
      ioc: false,
      status: 'OPEN',
      stp: 'no',
    });
  });
  it('reads the documented market reply: side 1 is sell, type 2 market, decimals kept as strings', () => {
    expect(decodeWsOrderResult(MARKET_REPLY)).toMatchObject({
      side: 'sell',
      type: 'market',
      price: '0',
      dealMoney: '2.0391048',
      dealFee: '0.0040782096',
      status: 'FILLED',
    });
  });
  it('names the other type codes as REST does, and keeps an unknown one as its number', () => {
    const typeOf = (type: number) => (decodeWsOrderResult({ ...LIMIT_REPLY, type }) as { type: string }).type;
    expect([202, 3, 4, 203, 99].map(typeOf)).toEqual(['stock market', 'stop limit', 'stop market', 'stop market', '99']);
  });
  it('keeps the client order id', () => {
    expect(decodeWsOrderResult({ ...LIMIT_REPLY, client_order_id: 'g-b-7' })).toMatchObject({ clientOrderId: 'g-b-7' });
  });
  it.each([
    ['null', null],
    ['an array', []],
    ['the cancel-all {}', {}],
    ['a side of 3', { ...LIMIT_REPLY, side: 3 }],
    ['a float price', { ...LIMIT_REPLY, price: 1859.75 }],
    ['an exponent amount', { ...LIMIT_REPLY, amount: '1e-5' }],
    ['a string id', { ...LIMIT_REPLY, id: '2423735868673' }],
    ['no ctime nor mtime', { ...LIMIT_REPLY, ctime: undefined, mtime: undefined }],
    ['no type', { ...LIMIT_REPLY, type: undefined }],
    ['a malformed deal_fee', { ...LIMIT_REPLY, deal_fee: 'n/a' }],
  ])('refuses %s with a reason, never a throw', (_what, v) => {
    expect(typeof decodeWsOrderResult(v)).toBe('string');
  });
});

describe('decodeWsCancelAllResult', () => {
  it('accepts the empty object and refuses anything else', () => {
    expect(decodeWsCancelAllResult({})).toBe(true);
    expect(typeof decodeWsCancelAllResult([])).toBe('string');
    expect(typeof decodeWsCancelAllResult(null)).toBe('string');
  });
});

describe('WS order error codes → REST kinds (§1.11)', () => {
  it.each([
    [13, 'order by taker price', 'postOnlyRejected'],
    [43, 'client order id already exists', 'duplicateClientOrderId'],
    [6, 'order not found', 'orderNotFound'],
    [6, 'require authentication', 'unauthorized'],
    [10, 'balance not enough', 'notEnoughBalance'],
    [7, 'too many requests', 'rateLimited'],
    [10000, 'too many requests per period', 'rateLimited'],
    [10001, 'too many new orders per period', 'rateLimited'],
    [2, 'internal error', 'server'],
    [3, 'service unavailable', 'server'],
    [5, 'service timeout', 'server'],
    [1, 'invalid argument', 'rejected'],
    [1, 'market does not exist', 'unknownMarket'],
    [9, 'unknown market', 'unknownMarket'],
    [4, 'method not found', 'invalidRequest'],
    [11, 'amount too small', 'rejected'],
    [40, 'order is not post only', 'rejected'],
    [250, 'price must be >= 1', 'rejected'],
    [10009, 'spot trading is not available in your region', 'rejected'],
  ])('code %i (%s) is %s', (code, message, kind) => {
    expect(wsOrderErrorKind(code, message)).toBe(kind);
  });

  it('an engine failure on a placement is an unknown outcome, on a cancel by id a backoff', () => {
    const place = wsOrderError(5, 'service timeout', { method: 'order_limit_place', idempotent: false });
    expect(place).toMatchObject({ kind: 'server', code: 5, sent: true, idempotent: false, endpoint: 'order_limit_place' });
    expect(retryClass(place)).toBe('unknownOutcome');
    expect(retryClass(wsOrderError(2, 'internal error', { method: 'order_cancel', idempotent: true }))).toBe('backoff');
  });

  it('a region refusal of the socket (10006, 10009) is told apart from a refusal of the order, and only from a WS order method', () => {
    const ctx = { method: 'order_limit_place', idempotent: false };
    expect(wsOrderEntryRefused(wsOrderError(10009, 'spot trading is not available in your region', ctx))).toBe(true);
    expect(wsOrderEntryRefused(wsOrderError(10006, 'region is unknown or not supported', { method: 'order_cancel', idempotent: true }))).toBe(true);
    expect(wsOrderEntryRefused(wsOrderError(10010, 'this market is restricted in your region', ctx))).toBe(false);
    expect(wsOrderEntryRefused(wsOrderError(13, 'order by taker price', ctx))).toBe(false);
    const rest = new WhitebitError({ kind: 'rejected', message: 'x', code: 10009, endpoint: '/api/v4/order/new' });
    expect(wsOrderEntryRefused(rest)).toBe(false);
    expect(wsOrderEntryRefused(new Error('10009'))).toBe(false);
  });

  it('a refusal is never retried, a rate limit backs off, a lost authorization is fatal', () => {
    const ctx = { method: 'order_limit_place', idempotent: false };
    expect(retryClass(wsOrderError(13, 'order by taker price', ctx))).toBe('never');
    expect(retryClass(wsOrderError(43, 'client order id already exists', ctx))).toBe('never');
    expect(retryClass(wsOrderError(7, 'too many requests', ctx))).toBe('backoff');
    expect(retryClass(wsOrderError(6, 'require authentication', ctx))).toBe('fatal');
    expect(wsOrderError(13, 'order by taker price', ctx).message).toContain('order by taker price');
  });
});
