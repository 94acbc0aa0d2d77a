/**
 * Times in data files and on the command line: Unix seconds (integer or with a fraction), Unix
 * milliseconds, or an ISO 8601 date / date-time (UTC when no zone is given).
 *
 * Why the seconds/milliseconds split at MS_THRESHOLD: WhiteBIT writes seconds (klines, trades), other
 * tools write milliseconds; 1e11 s is the year 5138 and 1e11 ms is 1973, so no real time of either
 * kind falls on the wrong side.
 */

/** Numbers at or above this are milliseconds, below it seconds. */
export const MS_THRESHOLD = 1e11;

const NUMBER = /^\d+(?:\.\d+)?$/;
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Returns the epoch ms of a time written as text or a JSON number, or null when it is none of the accepted forms. */
export function parseTime(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? toMs(value) : null;
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (NUMBER.test(s)) return toMs(Number(s));
  if (!ISO.test(s)) return null;
  // A date or date-time without a zone is UTC here, whatever the machine's zone.
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(s) || s.length === 10 ? s : `${s}Z`;
  const ms = Date.parse(zoned.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : null;
}

const toMs = (n: number): number => Math.round(n >= MS_THRESHOLD ? n : n * 1000);

/** What `parseTime` accepts, for error messages. */
export const TIME_FORMS = 'Unix seconds, Unix milliseconds or an ISO 8601 date (2026-01-31 or 2026-01-31T12:00:00Z)';
