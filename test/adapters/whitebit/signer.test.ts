import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RequestSigner, buildBody, encodePayload, importSecret, signPayload } from '../../../src/adapters/whitebit/signer.js';

/**
 * Known vectors, computed outside this code base with openssl (and cross-checked with Python):
 *   P=$(printf '%s' "$BODY" | openssl base64 -A)
 *   printf '%s' "$P" | openssl dgst -sha512 -hmac "$SECRET" -r
 * python3: base64.b64encode(body.encode()); hmac.new(secret.encode(), payload.encode(), hashlib.sha512).hexdigest()
 */
const VECTORS = [
  {
    secret: 'test-secret',
    path: '/api/v4/order/new',
    nonce: '1700000000000',
    nonceWindow: true,
    params: { market: 'BTC_USDT', side: 'buy', amount: '0.01', price: '40000', clientOrderId: 'grid-btc-b-0007', postOnly: true },
    body: '{"request":"/api/v4/order/new","nonce":"1700000000000","nonceWindow":true,"market":"BTC_USDT","side":"buy","amount":"0.01","price":"40000","clientOrderId":"grid-btc-b-0007","postOnly":true}',
    payload:
      'eyJyZXF1ZXN0IjoiL2FwaS92NC9vcmRlci9uZXciLCJub25jZSI6IjE3MDAwMDAwMDAwMDAiLCJub25jZVdpbmRvdyI6dHJ1ZSwibWFya2V0IjoiQlRDX1VTRFQiLCJzaWRlIjoiYnV5IiwiYW1vdW50IjoiMC4wMSIsInByaWNlIjoiNDAwMDAiLCJjbGllbnRPcmRlcklkIjoiZ3JpZC1idGMtYi0wMDA3IiwicG9zdE9ubHkiOnRydWV9',
    signature: '28a0f49b3751b776536302bfd9a90a8a4e18c589e52712b9053ecb86372fc60ccdfbadaf3d11bdfe742acfeb64549254c3729d81b002d9b5c5be12204dc35e12',
  },
  {
    // Non-ASCII secret (UTF-8) and a payload that needs base64 padding.
    secret: 'Xy9+/ü=secret',
    path: '/api/v4/trade-account/balance',
    nonce: '1',
    nonceWindow: false,
    params: {},
    body: '{"request":"/api/v4/trade-account/balance","nonce":"1"}',
    payload: 'eyJyZXF1ZXN0IjoiL2FwaS92NC90cmFkZS1hY2NvdW50L2JhbGFuY2UiLCJub25jZSI6IjEifQ==',
    signature: 'd0a668b9466171d0751fb9e28c130ce1ee74861caf39d357708fa9540be068e3394514c170d33b810952bb67a50cfb55c3c40cfc82bae32866d6a252f8e78e23',
  },
] as const;

describe('signer', () => {
  it.each(VECTORS)('matches the independent vector for $path', (v) => {
    expect(buildBody(v.path, v.nonce, v.nonceWindow, v.params)).toBe(v.body);
    expect(encodePayload(v.body)).toBe(v.payload);
    expect(signPayload(v.payload, importSecret(v.secret))).toBe(v.signature);

    const signed = new RequestSigner('my-key', v.secret).sign(v.path, v.params, v.nonce, v.nonceWindow);
    expect(signed.body).toBe(v.body);
    expect(signed.headers).toEqual({
      'content-type': 'application/json',
      'x-txc-apikey': 'my-key',
      'x-txc-payload': v.payload,
      'x-txc-signature': v.signature,
    });
  });

  it('signs the base64 text, not the JSON, and the body is the decoded payload', () => {
    const s = new RequestSigner('k', 's').sign('/api/v4/orders', { market: 'BTC_USDT', limit: 100 }, '42', true);
    expect(Buffer.from(s.headers['x-txc-payload'], 'base64').toString('utf8')).toBe(s.body);
    expect(s.headers['x-txc-signature']).toBe(createHmac('sha512', 's').update(s.headers['x-txc-payload']).digest('hex'));
    expect(s.headers['x-txc-signature']).not.toBe(createHmac('sha512', 's').update(s.body).digest('hex'));
    expect(s.headers['x-txc-signature']).toMatch(/^[0-9a-f]{128}$/);
  });

  it('does not serialise the secret', () => {
    const signer = new RequestSigner('k', 'super-secret-value');
    expect(JSON.stringify({ signer })).not.toContain('super-secret-value');
  });
});
