/**
 * Decimal arithmetic for the simulator: one private decimal.js constructor so that money never
 * touches a JS number, and formatting that never falls into exponent notation.
 *
 * Why a clone: `amount × price` for a 6-decimal amount and a 2-decimal price of a large market needs
 * more than decimal.js's default 20 significant digits, and the bot's own Decimal settings must not
 * change the exchange's results.
 */
import { Decimal } from 'decimal.js';

export const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -60, toExpPos: 60 });
export type Dec = Decimal;

export const ZERO = new D(0);

const NUMERIC = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Returns the Decimal for a numeric string or finite non-negative number, or null when it is not one. */
export function parseNumeric(value: unknown): Dec | null {
  if (typeof value === 'string') return NUMERIC.test(value.trim()) ? new D(value.trim()) : null;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return new D(value);
  return null;
}

/** Formats a Decimal as WhiteBIT does: plain notation, no trailing zeros. */
export function fmt(d: Dec): string {
  return d.toFixed();
}

/** Returns 10^-decimals as a plain string ("0.01" for 2, "1" for 0). */
export function stepOf(decimals: number): string {
  return new D(1).div(new D(10).pow(decimals)).toFixed();
}

/** Rounds down to `decimals` places (exchange-side truncation). */
export function floorTo(d: Dec, decimals: number): Dec {
  return d.toDecimalPlaces(decimals, Decimal.ROUND_DOWN);
}

/** Rounds up to `decimals` places. */
export function ceilTo(d: Dec, decimals: number): Dec {
  return d.toDecimalPlaces(decimals, Decimal.ROUND_UP);
}
