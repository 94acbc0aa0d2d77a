/**
 * Decimal arithmetic for grid/: one dedicated decimal.js clone, parsing of decimal strings and
 * formatting without exponent notation.
 *
 * Entry points: `D` (the clone), `dec`, `parseDecimal`, `toPlain`, `minDec`, `maxDec`, `sumDec`.
 *
 * Invariants:
 * - money is never a JS number: `DecimalLike` is a Decimal or a decimal string, nothing else;
 * - `toPlain` never emits exponent notation (`1e-7` is written `0.0000001`) and never emits `-0`;
 * - the clone carries 60 significant digits, far above any price × amount product on WhiteBIT
 *   (moneyPrec + stockPrec stay well under 30), so products and sums are exact; only division and
 *   `pow` (geometric spacing) round, and those results are snapped to the market tick afterwards.
 */
import { Decimal } from 'decimal.js';

/** The Decimal constructor used by every grid/ module (60 digits, half-even, no exponent output). */
export const D: Decimal.Constructor = Decimal.clone({
  precision: 60,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});

export type { Decimal };

/** A money value as accepted by grid/ functions: a Decimal or a plain decimal string such as `"0.1"`. */
export type DecimalLike = Decimal | string;

/** A plain decimal string: optional minus, digits, optional fraction. No exponent, no spaces. */
const PLAIN_DECIMAL = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * Returns the value as a Decimal of the grid clone, or `null` when a string is not a plain decimal
 * (`"1e5"`, `"NaN"`, `""`, `" 1"` are all rejected) or a Decimal is not finite.
 */
export function parseDecimal(value: DecimalLike): Decimal | null {
  if (typeof value === 'string') {
    const known = parsed.get(value);
    if (known !== undefined) return known;
    if (!PLAIN_DECIMAL.test(value)) return null;
    const d = new D(value);
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(value, d);
    return d;
  }
  if (!value.isFinite()) return null;
  // Decimals are immutable: one of the grid clone is returned as is, another clone's is re-made in ours.
  return value.constructor === D ? value : new D(value);
}

/**
 * Recently parsed strings. A grid sees the same few prices and amounts on every fill (its levels,
 * its order size), and a decimal.js parse costs ~1 µs and an allocation on the hot path; a Map hit
 * costs ~50 ns. Safe because a Decimal never changes; bounded by clearing when full.
 */
const parsed = new Map<string, Decimal>();
const PARSED_MAX = 4096;

/**
 * Returns the value as a Decimal of the grid clone. Only for values already validated (constants,
 * rules built by `marketRulesFrom`): an invalid string yields NaN, which every check treats as failing.
 */
export function dec(value: DecimalLike): Decimal {
  return parseDecimal(value) ?? new D(NaN);
}

/** Returns the plain decimal text of `d` (no exponent, no `-0`), optionally with exactly `places` decimals. */
export function toPlain(d: Decimal, places?: number): string {
  const text = places === undefined ? d.toFixed() : d.toFixed(places, Decimal.ROUND_DOWN);
  return /^-0(?:\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** Returns the smaller of two decimals (the first on a tie). */
export function minDec(a: Decimal, b: Decimal): Decimal {
  return b.lt(a) ? b : a;
}

/** Returns the larger of two decimals (the first on a tie). */
export function maxDec(a: Decimal, b: Decimal): Decimal {
  return b.gt(a) ? b : a;
}

/** Returns the exact sum of the values (zero for an empty list). */
export function sumDec(values: Iterable<Decimal>): Decimal {
  let total = new D(0);
  for (const v of values) total = total.plus(v);
  return total;
}

/** The decimal zero of the grid clone. */
export const ZERO: Decimal = new D(0);

// Hazard: decimal.js `isPos()` is true for zero (it tests the sign bit). grid/ tests `gt(0)` instead.
