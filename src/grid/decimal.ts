/**
 * Decimal arithmetic for grid/: one dedicated decimal.js clone, parsing of decimal strings and
 * formatting without exponent notation.
 *
 * Entry points: `D` (the clone), `dec`, `parseDecimal`, `toPlain`, `minDec`, `maxDec`, `sumDec`,
 * `plusDec`, `minusDec`; for the fill path's repeated operands, `timesKept`, `minusKept`,
 * `plusKept`, `plainKept` (the last result remembered, exact).
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

/** decimal.js's representation: digits in base 1e7 (null when not finite), exponent, sign (NaN for NaN). */
interface DecimalParts {
  readonly d: readonly number[] | null;
  readonly e: number;
  readonly s: number;
}

/**
 * Returns -1, 0 or 1 as `a` is below, equal to or above `b`; NaN when either is NaN.
 *
 * Why not `a.cmp(b)`: decimal.js copies its argument into a new Decimal on every comparison (`gt`,
 * `eq`, `gte`… all go through `cmp`), and the fill path compares a few dozen times per fill; the
 * copies were a tenth of its CPU and much of its garbage. This is decimal.js's own algorithm on its
 * fields, without the copy; a non-finite operand takes decimal.js's path.
 */
export function cmpDec(a: Decimal, b: Decimal): number {
  const x = a as unknown as DecimalParts;
  const y = b as unknown as DecimalParts;
  const xd = x.d;
  const yd = y.d;
  if (xd === null || yd === null) return a.cmp(b);
  const xs = x.s;
  const ys = y.s;
  // Zeros: the other's sign decides.
  if (!xd[0] || !yd[0]) return xd[0] ? xs : yd[0] ? -ys : 0;
  if (xs !== ys) return xs;
  if (x.e !== y.e) return x.e > y.e !== xs < 0 ? 1 : -1;
  const n = Math.min(xd.length, yd.length);
  for (let i = 0; i < n; i++) {
    const xi = xd[i] ?? 0;
    const yi = yd[i] ?? 0;
    if (xi !== yi) return xi > yi !== xs < 0 ? 1 : -1;
  }
  return xd.length === yd.length ? 0 : xd.length > yd.length !== xs < 0 ? 1 : -1;
}

/** True when `d` is above zero (as `d.gt(0)`, without allocating). */
export function isPositive(d: Decimal): boolean {
  const x = d as unknown as DecimalParts;
  if (x.d === null) return x.s > 0; // +Infinity; NaN's sign is NaN
  return x.s > 0 && x.d[0] !== 0;
}

/** Returns the smaller of two decimals (the first on a tie). */
export function minDec(a: Decimal, b: Decimal): Decimal {
  return cmpDec(b, a) < 0 ? b : a;
}

/** Returns the larger of two decimals (the first on a tie). */
export function maxDec(a: Decimal, b: Decimal): Decimal {
  return cmpDec(b, a) > 0 ? b : a;
}

/** True when `d` is zero (either sign), without allocating. */
function isZeroValue(d: Decimal): boolean {
  const x = d as unknown as DecimalParts;
  return x.d !== null && x.d[0] === 0;
}

/**
 * Returns `a + b`, without a new Decimal when either is zero. Why: a fresh order's running sums
 * (deals, released quantity) start at zero, so most of a fill's additions add to or subtract zero,
 * and each decimal.js operation allocates and normalises (~0.5 µs). Decimals are immutable, so
 * returning an operand is exact.
 */
export function plusDec(a: Decimal, b: Decimal): Decimal {
  if (isZeroValue(b)) return a;
  if (isZeroValue(a)) return b;
  return a.plus(b);
}

/** Returns `a − b`, without a new Decimal when `b` is zero (see `plusDec`). */
export function minusDec(a: Decimal, b: Decimal): Decimal {
  return isZeroValue(b) ? a : a.minus(b);
}

/** The last result of an operation with one left operand: its right operand and the value. */
interface LastResult {
  by: Decimal;
  value: Decimal;
}

const lastTimes = new WeakMap<Decimal, LastResult>();
const lastMinus = new WeakMap<Decimal, LastResult>();
const lastPlus = new WeakMap<Decimal, LastResult>();

function remembered(table: WeakMap<Decimal, LastResult>, a: Decimal, b: Decimal, op: 'times' | 'minus' | 'plus'): Decimal {
  const last = table.get(a);
  if (last !== undefined && last.by === b) return last.value;
  const value = op === 'times' ? a.times(b) : op === 'minus' ? a.minus(b) : a.plus(b);
  if (last === undefined) table.set(a, { by: b, value });
  else {
    last.by = b;
    last.value = value;
  }
  return value;
}

/**
 * Returns `a × b`, `a − b`, `a + b`, remembering the last result per left operand. Only for operands
 * that live long and repeat: a level's price, a parsed amount (parseDecimal hands out one Decimal per
 * text), a remembered result. A grid's fills multiply the same price by the same order size and
 * subtract the same two level prices over and over, and each decimal.js operation allocates and
 * normalises (~0.4 µs); a hit is a WeakMap lookup. Decimals are immutable, so a hit is exact. Not
 * for running totals: a new left operand on every call would only fill the table.
 */
export function timesKept(a: Decimal, b: Decimal): Decimal {
  return remembered(lastTimes, a, b, 'times');
}

/** See {@link timesKept}. */
export function minusKept(a: Decimal, b: Decimal): Decimal {
  return remembered(lastMinus, a, b, 'minus');
}

/** See {@link timesKept}. */
export function plusKept(a: Decimal, b: Decimal): Decimal {
  return remembered(lastPlus, a, b, 'plus');
}

const plainTexts = new WeakMap<Decimal, string>();

/** Returns `toPlain(d)`, remembered per Decimal: for long-lived values formatted over and over (a level's price, an order size). */
export function plainKept(d: Decimal): string {
  let text = plainTexts.get(d);
  if (text === undefined) {
    text = toPlain(d);
    plainTexts.set(d, text);
  }
  return text;
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
