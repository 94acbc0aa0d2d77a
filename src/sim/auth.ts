/**
 * Private REST authentication, checked in the order the protocol doc recommends (§2.3):
 * headers present → key known → payload equals body (400/9) → signature (401/10) →
 * `request` equals the path → nonce (429 JSON "Too many requests.").
 *
 * Nonce state is per API key. Strict mode: each nonce must exceed the highest seen. Window mode
 * (`nonceWindow: true`): the nonce is a ms timestamp within ±5 s of server time and never reused;
 * the seen-set only needs to cover that window, so older entries are pruned.
 *
 * @see whitebit-protocol.md §2
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { actionUnauthorized, authFieldError, fail, invalidPayload, nonceRejected, ok, unauthorizedRequest, type Result } from './errors.js';

export interface ApiCredentials {
  readonly accountId: string;
  readonly apiKey: string;
  readonly apiSecret: string;
}

export interface SignedRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawBody: Buffer;
}

export interface Authenticated {
  readonly accountId: string;
  readonly apiKey: string;
  readonly body: Record<string, unknown>;
}

const WINDOW_MS = 5_000;

interface NonceState {
  last: number;
  /** nonce → time seen (ms); window mode only. */
  readonly seen: Map<number, number>;
}

/** Per-key nonce bookkeeping. */
export class NonceBook {
  private readonly states = new Map<string, NonceState>();

  /** Checks and records a nonce; returns an error for a stale, replayed or out-of-window one. */
  accept(apiKey: string, nonce: number, windowMode: boolean, nowMs: number): Result<void> {
    let state = this.states.get(apiKey);
    if (!state) {
      state = { last: -Infinity, seen: new Map() };
      this.states.set(apiKey, state);
    }
    if (windowMode) {
      // Entries are in the order they were seen, i.e. by time: stop at the first one still in the
      // window (a scan of the whole set per request cost the bench's simulator ~10 % of its core at 1,000 orders/s).
      for (const [n, at] of state.seen) {
        if (at >= nowMs - 2 * WINDOW_MS) break;
        state.seen.delete(n);
      }
      if (Math.abs(nonce - nowMs) > WINDOW_MS) {
        return fail(nonceRejected('Your nonce is more than 5 seconds lesser than the current nonce'));
      }
      if (state.seen.has(nonce)) return fail(nonceRejected());
      state.seen.set(nonce, nowMs);
    } else if (nonce <= state.last) {
      return fail(nonceRejected());
    }
    state.last = Math.max(state.last, nonce);
    return ok(undefined);
  }
}

const header = (h: SignedRequest['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Returns the lowercase hex HMAC-SHA512 of the base64 payload (what clients send as X-TXC-SIGNATURE). */
export function signPayload(payloadBase64: string, secret: string): string {
  return createHmac('sha512', secret).update(payloadBase64).digest('hex');
}

function parseNonce(v: unknown): number | null {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d{1,16}$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/** Authenticates one private request; the caller has already matched the route. */
export function authenticate(
  req: SignedRequest,
  lookup: (apiKey: string) => ApiCredentials | undefined,
  nonces: NonceBook,
  nowMs: number,
): Result<Authenticated> {
  const apiKey = header(req.headers, 'x-txc-apikey');
  const payload = header(req.headers, 'x-txc-payload');
  const signature = header(req.headers, 'x-txc-signature');
  if (!apiKey) return fail(actionUnauthorized());
  if (!payload) return fail(actionUnauthorized('Payload not provided.'));
  if (!signature) return fail(unauthorizedRequest());

  const creds = lookup(apiKey);
  if (!creds) return fail(actionUnauthorized());

  // The body must be byte-identical to the decoded payload, and the payload must be canonical base64.
  const decoded = Buffer.from(payload, 'base64');
  if (decoded.toString('base64') !== payload || !decoded.equals(req.rawBody)) return fail(invalidPayload());

  const expected = Buffer.from(signPayload(payload, creds.apiSecret), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return fail(unauthorizedRequest());

  let body: unknown;
  try {
    body = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return fail(invalidPayload());
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail(invalidPayload());
  const fields = body as Record<string, unknown>;

  if (fields.request === undefined || fields.request === null || fields.request === '') return fail(authFieldError('Request not provided.'));
  if (fields.request !== req.path) return fail(authFieldError('Invalid request.'));

  if (fields.nonce === undefined || fields.nonce === null || fields.nonce === '') return fail(authFieldError('Nonce not provided.'));
  const nonce = parseNonce(fields.nonce);
  if (nonce === null) return fail(authFieldError('Invalid nonce.'));
  if (fields.nonceWindow !== undefined && typeof fields.nonceWindow !== 'boolean') return fail(authFieldError('Invalid nonceWindow.'));
  const accepted = nonces.accept(apiKey, nonce, fields.nonceWindow === true, nowMs);
  if (!accepted.ok) return accepted;

  return ok({ accountId: creds.accountId, apiKey, body: fields });
}
