/**
 * The one test of a price in a data file: a positive decimal written as plain digits (as WhiteBIT
 * writes them: "45865.62"). JSON numbers are refused, so no price ever passes through a float.
 */
const PLAIN = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Returns true when `s` is plain digits and above zero (`positive`: a digit other than 0) or at least zero. */
export function isPlainDecimal(s: unknown, sign: 'positive' | 'non-negative'): s is string {
  return typeof s === 'string' && PLAIN.test(s) && (sign === 'non-negative' || /[1-9]/.test(s));
}

/**
 * Returns -1, 0 or 1 as plain decimal `a` is below, equal to or above `b` (both passed
 * `isPlainDecimal`). Exact, on the text: a loader checks tens of thousands of candles, and a
 * Decimal per comparison was most of its time.
 */
export function cmpPlain(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  const aInt = ai.replace(/^0+/, '');
  const bInt = bi.replace(/^0+/, '');
  if (aInt.length !== bInt.length) return aInt.length < bInt.length ? -1 : 1;
  if (aInt !== bInt) return aInt < bInt ? -1 : 1;
  const n = Math.max(af.length, bf.length);
  const x = af.padEnd(n, '0');
  const y = bf.padEnd(n, '0');
  return x === y ? 0 : x < y ? -1 : 1;
}
