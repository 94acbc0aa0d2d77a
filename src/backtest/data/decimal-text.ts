/**
 * The one test of a price in a data file: a positive decimal written as plain digits (as WhiteBIT
 * writes them: "45865.62"). JSON numbers are refused, so no price ever passes through a float.
 */
import { parseDecimal } from '../../grid/index.js';

const PLAIN = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Returns true when `s` is plain digits and above zero (`positive`) or at least zero. */
export function isPlainDecimal(s: unknown, sign: 'positive' | 'non-negative'): s is string {
  if (typeof s !== 'string' || !PLAIN.test(s)) return false;
  const d = parseDecimal(s);
  return d !== null && (sign === 'positive' ? d.gt(0) : d.gte(0));
}
