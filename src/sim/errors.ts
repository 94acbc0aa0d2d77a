/**
 * WhiteBIT error responses as the simulator sends them: an HTTP status plus the JSON body.
 * Codes and texts follow whitebit-protocol.md §2.3, §4 and §5; where the doc marks a detail
 * UNCONFIRMED the choice made here is noted at the constructor.
 */

export interface WbErrorBody {
  code: number;
  message: string;
  errors?: Record<string, string[]>;
}

export interface ApiError {
  readonly status: number;
  readonly body: WbErrorBody;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(error: ApiError): Result<T> => ({ ok: false, error });

/** 422 request validation (codes 30..43). */
export function validationError(code: number, errors: Record<string, string[]>): ApiError {
  return { status: 422, body: { code, message: 'Validation failed', errors } };
}

/** 400 engine-level rejection ("Inner validation failed": balance 10, post-only 13, not found 2). */
export function innerError(code: number, errors: Record<string, string[]>): ApiError {
  return { status: 400, body: { code, message: 'Inner validation failed', errors } };
}

export const marketNotAvailable = (): ApiError => validationError(31, { market: ['Market is not available.'] });

/** 401 for a bad signature, as observed (ccxt PR #12282). */
export const unauthorizedRequest = (): ApiError => ({ status: 401, body: { code: 10, message: 'Unauthorized request.' } });

/** 400 code 9 when the body is not byte-identical to the decoded payload. */
export const invalidPayload = (): ApiError => ({ status: 400, body: { code: 9, message: 'Invalid payload.' } });

/** 429 JSON for a stale or replayed nonce (observed: ccxt PR #25353); not a rate limit. */
export const nonceRejected = (message = 'Too many requests.'): ApiError => ({
  status: 429,
  body: { code: 0, errors: {}, message },
});

/** Generic 401 "This action is unauthorized." (unknown key or missing auth header; status UNCONFIRMED). */
export const actionUnauthorized = (message = 'This action is unauthorized.'): ApiError => ({
  status: 401,
  body: { code: 0, errors: {}, message },
});

/** 400 code 0 for auth-field problems the doc leaves UNCONFIRMED (request/nonce missing, nonceWindow type). */
export const authFieldError = (message: string): ApiError => ({ status: 400, body: { code: 0, errors: {}, message } });
