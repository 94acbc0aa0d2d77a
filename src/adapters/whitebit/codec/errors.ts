/**
 * The one error type of the WhiteBIT adapter, typed by what the caller must do.
 *
 * Entry points: {@link WhitebitError} (with a `kind` discriminant), {@link classifyHttpError}
 * (status + body → error), {@link rejectionKind} (WhiteBIT code → named rejection) and
 * {@link retryClass} (error → fatal | backoff | never | retryNow | unknownOutcome).
 *
 * Invariant: kinds state facts ("the server answered 5xx", "the socket died after the request was
 * written"); whether that fact is safe to retry depends on the call, so every error carries the
 * `idempotent` flag of the call that produced it and {@link retryClass} combines the two. A 5xx or
 * a lost socket on a non-idempotent call (order/new, order/bulk) is therefore `unknownOutcome`: the
 * order may exist, and only reconciliation by clientOrderId can tell.
 * @see whitebit-protocol.md §2.3, §4.2, §4.4, §5
 */
import { type WbErrorBody, errorBodyFromValue, parseErrorBody } from './error-body.js';

/** Every kind of {@link WhitebitError}. Documented in the table of {@link retryClass}. */
export const WHITEBIT_ERROR_KINDS = [
  'unauthorized',
  'rateLimited',
  'nonceClash',
  'server',
  'rejected',
  'notEnoughBalance',
  'unknownMarket',
  'postOnlyRejected',
  'orderNotFound',
  'duplicateClientOrderId',
  'notFound',
  'invalidRequest',
  'transport',
  'unknownOutcome',
  'decode',
  'aborted',
] as const;

export type WhitebitErrorKind = (typeof WHITEBIT_ERROR_KINDS)[number];

/** The rejection kinds: the exchange answered and refused; nothing happened. */
export type RejectionKind = Extract<
  WhitebitErrorKind,
  'rejected' | 'notEnoughBalance' | 'unknownMarket' | 'postOnlyRejected' | 'orderNotFound' | 'duplicateClientOrderId'
>;

/** What the caller must do with an error. */
export type RetryClass = 'fatal' | 'backoff' | 'never' | 'retryNow' | 'unknownOutcome';

export interface WhitebitErrorInit {
  readonly kind: WhitebitErrorKind;
  readonly message: string;
  readonly status?: number | undefined;
  readonly code?: number | undefined;
  readonly errors?: Readonly<Record<string, readonly string[]>> | undefined;
  readonly body?: string | undefined;
  readonly endpoint?: string | undefined;
  /** Whether the call may be repeated without a second side effect. Defaults to true. */
  readonly idempotent?: boolean | undefined;
  /** Whether any request bytes may have reached the server. */
  readonly sent?: boolean | undefined;
  readonly retryAfterMs?: number | undefined;
  readonly cause?: unknown;
}

/** Raw bodies are kept for diagnostics only; an HTML error page can be large. */
export const MAX_RAW_BODY = 2048;

const BRAND = Symbol.for('gridbot.WhitebitError');
const NO_ERRORS: Readonly<Record<string, readonly string[]>> = Object.freeze({});

/**
 * An error from the WhiteBIT adapter. Use `kind` to branch and {@link retryClass} to decide.
 * `body` holds the raw response body truncated to {@link MAX_RAW_BODY} characters; it never holds
 * request headers, so it cannot leak the API key or signature.
 */
export class WhitebitError extends Error {
  override readonly name = 'WhitebitError';
  readonly kind: WhitebitErrorKind;
  readonly status: number | undefined;
  readonly code: number | undefined;
  readonly errors: Readonly<Record<string, readonly string[]>>;
  readonly body: string | undefined;
  readonly endpoint: string | undefined;
  readonly idempotent: boolean;
  readonly sent: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(init: WhitebitErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.errors = init.errors ?? NO_ERRORS;
    this.body = init.body === undefined ? undefined : truncate(init.body);
    this.endpoint = init.endpoint;
    this.idempotent = init.idempotent ?? true;
    this.sent = init.sent ?? false;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** Branded check that also holds across duplicated module copies (as undici does). */
  static is(e: unknown): e is WhitebitError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }

  get [BRAND](): true {
    return true;
  }
}

function truncate(s: string): string {
  return s.length > MAX_RAW_BODY ? `${s.slice(0, MAX_RAW_BODY)}…[${s.length - MAX_RAW_BODY} more]` : s;
}

/** Returns true for the kinds that mean "the exchange answered and refused". */
export function isRejection(e: WhitebitError): e is WhitebitError & { kind: RejectionKind } {
  switch (e.kind) {
    case 'rejected':
    case 'notEnoughBalance':
    case 'unknownMarket':
    case 'postOnlyRejected':
    case 'orderNotFound':
    case 'duplicateClientOrderId':
      return true;
    default:
      return false;
  }
}

const includes = (body: WbErrorBody, re: RegExp): boolean => re.test(body.message) || Object.values(body.errors).some((l) => l.some((m) => re.test(m)));

/**
 * Returns the named rejection for a WhiteBIT code, as used by trading endpoints (not the withdraw
 * family, where 5 means balance and 10 means market).
 * @see whitebit-protocol.md §4.2 (codes 10/13/31/36), §4.4 (code 2), §4.5 (item code 404), §4.7 (6/7/14/17)
 */
export function rejectionKind(body: WbErrorBody): RejectionKind {
  switch (body.code) {
    case 10:
    case 17:
      return 'notEnoughBalance';
    case 31:
      return 'unknownMarket';
    case 13:
    case 14:
      return 'postOnlyRejected';
    case 2:
    case 6:
    case 7:
    case 404:
      return 'orderNotFound';
    case 36:
      // Code 36 also covers a malformed id; only "already used" is a duplicate.
      return includes(body, /already used/i) ? 'duplicateClientOrderId' : 'rejected';
    case undefined:
      // Public market-data endpoints answer 422 {"market":["Market is not available."]} with no code.
      return includes(body, /market is not available/i) ? 'unknownMarket' : 'rejected';
    default:
      return 'rejected';
  }
}

export interface HttpErrorContext {
  readonly endpoint: string;
  readonly idempotent: boolean;
  readonly retryAfterMs?: number | undefined;
}

/**
 * Returns the error for a non-2xx HTTP answer.
 *
 * - 401/403 → `unauthorized`; 400 with code 9 "Invalid payload" too (our signing is broken: fatal).
 * - 429 with a JSON body → `nonceClash` (WhiteBIT answers a stale or repeated nonce this way);
 *   429 with any other body → `rateLimited` (gateway).
 * - 404 without a WhiteBIT code → `notFound` (unknown route: wrong base URL or API version).
 * - 5xx → `server`.
 * - any other 4xx → a {@link RejectionKind} from the body's code.
 * @see whitebit-protocol.md §5
 */
export function classifyHttpError(status: number, text: string, ctx: HttpErrorContext): WhitebitError {
  const body = parseErrorBody(text);
  const base = {
    status,
    body: text,
    endpoint: ctx.endpoint,
    idempotent: ctx.idempotent,
    sent: true,
    retryAfterMs: ctx.retryAfterMs,
    code: body?.code,
    errors: body?.errors,
  };
  const said = body?.message ? `: ${body.message}` : '';
  if (status === 401 || status === 403 || (status === 400 && body?.code === 9 && /payload/i.test(body.message))) {
    return new WhitebitError({ ...base, kind: 'unauthorized', message: `HTTP ${status} unauthorized${said}` });
  }
  if (status === 429) {
    return body
      ? new WhitebitError({ ...base, kind: 'nonceClash', message: `HTTP 429 nonce rejected${said}` })
      : new WhitebitError({ ...base, kind: 'rateLimited', message: 'HTTP 429 rate limited by gateway' });
  }
  if (status >= 500) {
    return new WhitebitError({ ...base, kind: 'server', message: `HTTP ${status} server error${said}` });
  }
  if (status === 404 && body?.code === undefined) {
    return new WhitebitError({ ...base, kind: 'notFound', message: `HTTP 404 unknown route ${ctx.endpoint}` });
  }
  if (status >= 400) {
    const kind = body ? rejectionKind(body) : 'rejected';
    return new WhitebitError({ ...base, kind, message: `HTTP ${status} ${kind}${said}` });
  }
  return new WhitebitError({ ...base, kind: 'decode', message: `unexpected HTTP status ${status}` });
}

/**
 * Returns the error for one failed item of order/bulk (the item was answered by the engine, so
 * it is always a rejection). Item `error` objects use the private envelope.
 * @see whitebit-protocol.md §4.3
 */
export function bulkItemError(value: Record<string, unknown>, endpoint: string): WhitebitError {
  const body = errorBodyFromValue(value);
  const kind = rejectionKind(body);
  return new WhitebitError({
    kind,
    message: `bulk item ${kind}${body.message ? `: ${body.message}` : ''}`,
    code: body.code,
    errors: body.errors,
    body: JSON.stringify(value),
    endpoint,
    idempotent: false,
    sent: true,
  });
}

/**
 * Returns what the caller must do.
 *
 * | kind | class |
 * |---|---|
 * | unauthorized, notFound | fatal: stop trading, never retry |
 * | nonceClash | retryNow: once, at once, with a fresh nonce (not load) |
 * | rateLimited, transport | backoff: nothing was executed |
 * | server, unknownOutcome | backoff if the call is idempotent, else unknownOutcome (reconcile) |
 * | decode | never if idempotent, else unknownOutcome (a 2xx we cannot read may be a placed order) |
 * | aborted | unknownOutcome if sent and not idempotent, else never |
 * | rejected & named rejections, invalidRequest | never |
 *
 * Anything that is not a {@link WhitebitError} is a bug: fatal.
 */
export function retryClass(e: unknown): RetryClass {
  if (!WhitebitError.is(e)) return 'fatal';
  switch (e.kind) {
    case 'unauthorized':
    case 'notFound':
      return 'fatal';
    case 'nonceClash':
      return 'retryNow';
    case 'rateLimited':
    case 'transport':
      return 'backoff';
    case 'server':
    case 'unknownOutcome':
      return e.idempotent ? 'backoff' : 'unknownOutcome';
    case 'decode':
      return e.idempotent ? 'never' : 'unknownOutcome';
    case 'aborted':
      return e.sent && !e.idempotent ? 'unknownOutcome' : 'never';
    case 'rejected':
    case 'notEnoughBalance':
    case 'unknownMarket':
    case 'postOnlyRejected':
    case 'orderNotFound':
    case 'duplicateClientOrderId':
    case 'invalidRequest':
      return 'never';
  }
}
