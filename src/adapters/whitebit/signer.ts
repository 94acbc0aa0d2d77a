/**
 * Signs private WhiteBIT requests. Pure apart from node:crypto: the nonce is an argument.
 *
 * The body is `{request, nonce, [nonceWindow], ...params}` serialised once; the same text is both
 * the HTTP body and, base64-encoded, the `X-TXC-PAYLOAD` header, and the signature is
 * `hex(HMAC-SHA512(secret, payloadBase64))`. The server compares the decoded payload with the body
 * byte for byte (400 code 9 on a mismatch), so nothing may re-serialise the body after signing.
 *
 * The secret is imported once as a `KeyObject` (half the HMAC cost of a string key, PERF.md) and
 * never exposed by this module.
 * @see whitebit-protocol.md §2.1
 */
import { type KeyObject, createHmac, createSecretKey } from 'node:crypto';

export interface SignedRequest {
  /** The exact HTTP body. */
  readonly body: string;
  readonly headers: {
    readonly 'content-type': 'application/json';
    readonly 'x-txc-apikey': string;
    readonly 'x-txc-payload': string;
    readonly 'x-txc-signature': string;
  };
}

/** Returns the secret as a reusable HMAC key. */
export function importSecret(apiSecret: string): KeyObject {
  return createSecretKey(Buffer.from(apiSecret, 'utf8'));
}

/** Returns the `X-TXC-PAYLOAD` value: standard base64 of the UTF-8 body. */
export function encodePayload(body: string): string {
  return Buffer.from(body, 'utf8').toString('base64');
}

/** Returns the lowercase hex HMAC-SHA512 of `payload` (the base64 text, not the JSON). */
export function signPayload(payload: string, key: KeyObject): string {
  return createHmac('sha512', key).update(payload).digest('hex');
}

/** Returns the body text `{request, nonce, [nonceWindow], ...params}`. */
export function buildBody(path: string, nonce: string, nonceWindow: boolean, params: object): string {
  return JSON.stringify(nonceWindow ? { request: path, nonce, nonceWindow: true, ...params } : { request: path, nonce, ...params });
}

/** Signs requests for one API key. */
export class RequestSigner {
  private readonly key: KeyObject;

  constructor(
    private readonly apiKey: string,
    apiSecret: string,
  ) {
    this.key = importSecret(apiSecret);
  }

  /** Returns the body and headers of a signed request for `path` with `params`. */
  sign(path: string, params: object, nonce: string, nonceWindow: boolean): SignedRequest {
    const body = buildBody(path, nonce, nonceWindow, params);
    const payload = encodePayload(body);
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-txc-apikey': this.apiKey,
        'x-txc-payload': payload,
        'x-txc-signature': signPayload(payload, this.key),
      },
    };
  }

  /** Never print the key. */
  toJSON(): string {
    return '[RequestSigner]';
  }
}
