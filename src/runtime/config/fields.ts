/**
 * Leaf schemas of markets.yaml. Each carries one *expectation* (a noun phrase such as
 * "an integer from 5 to 600") as the message of every issue it raises; `issues.ts` turns it into
 * "must be an integer from 5 to 600, got 900" or "is missing; expected ...".
 *
 * Numbers: a YAML number reaches these schemas as a `YamlNumber`. Integer fields take its value;
 * decimal fields (prices, amounts, caps) take its *source text*, so `amount: 0.1` means exactly
 * "0.1" and no value is ever rounded through a JS float. Quoted strings work the same. Exponents,
 * hex and signs are refused: money is written as plain digits.
 */
import { z } from 'zod';
import { parseDecimal } from '../../grid/index.js';
import { YamlNumber } from './yaml-tree.js';

/** Prefix of a strict object's expectation; `issues.ts` reads the key list after it for "did you mean". */
export const KEYS_PREFIX = 'a mapping with the keys ';

/** Marks a custom issue whose message is a whole sentence, not an expectation. */
export const SENTENCE = { sentence: true } as const;

const asText = (v: unknown): unknown => (v instanceof YamlNumber ? v.source : v);
const asNumber = (v: unknown): unknown => (v instanceof YamlNumber ? v.value : v);

/**
 * A strict mapping: unknown keys are errors, never ignored. A YamlNumber is unwrapped first, as it
 * is an object to zod and would otherwise be read as a mapping with the keys `source` and `value`.
 */
export function strict<S extends z.ZodRawShape>(shape: S) {
  const expectation = `${KEYS_PREFIX}${Object.keys(shape).join(', ')}`;
  return z.preprocess(asNumber, z.strictObject(shape, { error: expectation }));
}

/** A mapping of names to values, e.g. asset → amount; keys are checked by `key`. */
export function mapping<K extends z.ZodType<string, string>, V extends z.ZodType>(key: K, value: V, expectation: string) {
  return z.preprocess(asNumber, z.record(key, value, { error: expectation }));
}

/** An integer within [min, max]. */
export function int(min: number, max: number) {
  const e = `an integer from ${min} to ${max}`;
  return z.preprocess(asNumber, z.number({ error: e }).int({ error: e }).min(min, { error: e }).max(max, { error: e }));
}

/** A decimal written as plain digits; `positive` excludes zero. */
export function decimal(sign: 'positive' | 'non-negative') {
  const e = `a ${sign} decimal written as plain digits, e.g. "0.1" (no exponent, no sign)`;
  return z.preprocess(
    asText,
    z.string({ error: e }).refine((s) => isDecimal(s, sign), { error: e }),
  );
}

/** True when `s` is a plain unsigned decimal (positive: above zero). */
export function isDecimal(s: string, sign: 'positive' | 'non-negative'): boolean {
  if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(s)) return false;
  const d = parseDecimal(s);
  return d !== null && (sign === 'positive' ? d.gt(0) : d.gte(0));
}

/** A string matching a predicate; a YAML number counts as its source text (`botId: 7` is "7"). */
export function text(expectation: string, ok: (s: string) => boolean) {
  return z.preprocess(asText, z.string({ error: expectation }).refine(ok, { error: expectation }));
}

/** One of a fixed set of words. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `one of ${values.join(' | ')}` });
}
