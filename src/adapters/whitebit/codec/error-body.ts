/**
 * Tolerant parser for WhiteBIT error bodies. The v4 API answers errors in several shapes
 * (protocol §3, §5), and gateways add non-JSON bodies on top:
 *
 * - private envelope: `{"code":30,"message":"Validation failed","errors":{"amount":["..."]}}`
 *   (`errors` may be `{}`, `[]` or absent);
 * - flat field bag (public market data): `{"market":["Market is not available."]}`;
 * - success envelope: `{"success":false,"message":"text" | {"field":["..."]},"errors":[],"params":[]}`;
 * - public 500: `{"error":["Internal server error."]}`.
 *
 * Entry point: {@link parseErrorBody}. It never throws and returns `undefined` for anything that is
 * not a JSON object, which callers read as "gateway/non-JSON body".
 */

/** The normalised content of any WhiteBIT error body. */
export interface WbErrorBody {
  /** WhiteBIT's numeric error code, when the body carries one. */
  readonly code: number | undefined;
  /** Human-readable message; `''` when the body has none. */
  readonly message: string;
  /** Per-field messages; `{}` when the body has none. */
  readonly errors: Readonly<Record<string, readonly string[]>>;
}

const EMPTY: Readonly<Record<string, readonly string[]>> = Object.freeze({});

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Normalises a field map whose values are a string or a list of strings; drops anything else. */
function fieldMap(v: unknown): Readonly<Record<string, readonly string[]>> {
  if (!isRecord(v)) return EMPTY;
  const out: Record<string, readonly string[]> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out[k] = [val];
    else if (Array.isArray(val)) out[k] = val.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

function firstMessage(errors: Readonly<Record<string, readonly string[]>>): string {
  for (const list of Object.values(errors)) {
    const m = list[0];
    if (m !== undefined) return m;
  }
  return '';
}

function toCode(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

/** Returns the parsed JSON value, or `undefined` when `text` is not JSON. Never throws. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Returns the normalised error body, or `undefined` when `text` is not a JSON object
 * (empty body, HTML error page, plain-text gateway message).
 * @see whitebit-protocol.md §3 and §5
 */
export function parseErrorBody(text: string): WbErrorBody | undefined {
  const v = tryParseJson(text);
  if (!isRecord(v)) return undefined;
  return errorBodyFromValue(v);
}

/** As {@link parseErrorBody}, for an already parsed value (bulk items carry error objects inline). */
export function errorBodyFromValue(v: Record<string, unknown>): WbErrorBody {
  if ('code' in v || ('message' in v && !('success' in v))) {
    const errors = fieldMap(v['errors']);
    const message = typeof v['message'] === 'string' ? v['message'] : firstMessage(errors);
    return { code: toCode(v['code']), message, errors };
  }
  if ('success' in v) {
    // ccxt saw `message` as a field bag: {"success":false,"message":{"market":["..."]},"result":[]}
    const msg = v['message'];
    const errors = isRecord(msg) ? fieldMap(msg) : fieldMap(v['errors']);
    const message = typeof msg === 'string' ? msg : firstMessage(errors);
    return { code: toCode(v['code']), message, errors };
  }
  if ('error' in v) {
    const e = v['error'];
    const message = typeof e === 'string' ? e : Array.isArray(e) && typeof e[0] === 'string' ? e[0] : '';
    return { code: undefined, message, errors: EMPTY };
  }
  const errors = fieldMap(v);
  return { code: undefined, message: firstMessage(errors), errors };
}
