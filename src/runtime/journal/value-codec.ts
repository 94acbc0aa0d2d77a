/**
 * Tagged JSON for the values a market actor sees: events, invoke outputs, its input and its
 * `LevelBook`. Plain JSON loses what the grid depends on, so those values are tagged:
 *
 *   Decimal  → {"$t":"d","v":"59800.5"}       exact text; `-0` kept
 *   Map      → {"$t":"m","v":[[key,value],…]} insertion order kept (the book iterates it)
 *   Set      → {"$t":"s","v":[…]}
 *   number   → {"$t":"n","v":"NaN"|"Infinity"|"-Infinity"|"-0"} only where JSON cannot say it
 *   Error    → {"$t":"e","name","message","kind"?} a `MarketIoError` comes back as one, with its
 *              kind: the machine's guards decide by it (`ioErrorKind`), so replay must see it
 *   undefined in an array → {"$t":"u"}; an `undefined` property is dropped, as JSON does
 *   an object that itself has a `$t` key → {"$t":"o","v":[[key,value],…]}, so no data is misread as a tag
 *
 * Entry points: `encodeValue` (→ JSON text), `decodeValue` (← JSON text).
 * Decimals come back as the grid's clone `D`, whatever clone made them. Anything else that is not
 * plain data (functions, class instances) throws `JournalCodecError`: silently storing `{}` would
 * replay a different history.
 */
import { D, IntMap } from '../../grid/index.js';
import { MarketIoError, type MarketIoErrorKind } from '../../machines/market/market.io.js';
import { JournalCodecError, JournalCorruptError } from './journal-errors.js';

const TAG = '$t';
const IO_KINDS: ReadonlySet<string> = new Set<MarketIoErrorKind>(['fatal', 'retry', 'unknownOutcome', 'rejected']);

/** Returns the JSON text of `value` with Decimals, Maps, Sets, errors and odd numbers tagged. */
export function encodeValue(value: unknown): string {
  // Most events (every feed event) are plain: they need no tag, and the replacer's call per key was
  // most of an append's encoding cost on the fill path. The output is the same text either way.
  if (isPlain(value, 0)) return JSON.stringify(value) ?? '{"$t":"u"}';
  return JSON.stringify(value, tagging) ?? '{"$t":"u"}';
}

/** Plain-JSON nesting deeper than this takes the tagging path (it is correct for any depth). */
const PLAIN_DEPTH = 6;

/** True when JSON says `value` exactly: strings, booleans, null, finite numbers (not -0), arrays and plain objects of them without a tag key. */
function isPlain(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth >= PLAIN_DEPTH) return false;
      if (Array.isArray(value)) {
        for (const v of value) if (!isPlain(v, depth + 1)) return false; // undefined in an array needs a tag
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k in value) {
        if (k === TAG) return false;
        const v = (value as Record<string, unknown>)[k];
        if (v !== undefined && !isPlain(v, depth + 1)) return false; // an undefined property is dropped, as the replacer does
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * Returns the value `encodeValue` was given.
 * @throws JournalCorruptError when the text is not JSON or a tag is malformed
 */
export function decodeValue(text: string): unknown {
  try {
    return JSON.parse(text, revive) as unknown;
  } catch (e) {
    if (e instanceof JournalCorruptError) throw e;
    throw new JournalCorruptError(`journal: undecodable value: ${e instanceof Error ? e.message : String(e)}`);
  }
}

// A JSON.stringify replacer (native recursion is several times faster than a hand-written walk,
// and this runs on the hot path). It reads `this[key]`, the value before `toJSON`: a Decimal's
// `toJSON` would otherwise have turned it into an untagged string already.
function tagging(this: unknown, key: string, _value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  switch (typeof raw) {
    case 'string':
    case 'boolean':
      return raw;
    case 'number':
      if (Number.isFinite(raw) && !Object.is(raw, -0)) return raw;
      return { [TAG]: 'n', v: Object.is(raw, -0) ? '-0' : String(raw) };
    case 'undefined':
      return Array.isArray(this) ? { [TAG]: 'u' } : undefined;
    case 'object':
      return raw === null ? null : tagObject(raw, key);
    default:
      throw new JournalCodecError(`journal: cannot store a ${typeof raw} at key ${JSON.stringify(key)}`);
  }
}

function tagObject(value: object, key: string): unknown {
  if (Array.isArray(value)) return value;
  if (D.isDecimal(value)) return { [TAG]: 'd', v: value.isZero() && value.isNegative() ? '-0' : value.toString() };
  if (value instanceof Map) return { [TAG]: 'm', v: [...value] };
  if (value instanceof IntMap) return { [TAG]: 'im', v: [...value] };
  if (value instanceof Set) return { [TAG]: 's', v: [...value] };
  if (value instanceof Error) {
    const kind = value instanceof MarketIoError ? { kind: value.kind } : {};
    return { [TAG]: 'e', name: value.name, message: value.message, ...kind };
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'a class';
    throw new JournalCodecError(`journal: cannot store an instance of ${name} at key ${JSON.stringify(key)}`);
  }
  if (Object.hasOwn(value, TAG)) return { [TAG]: 'o', v: Object.entries(value).filter(([, v]) => v !== undefined) };
  return value;
}

// Runs bottom-up (JSON.parse calls it on children first), so a tag's contents are already revived.
function revive(this: unknown, _key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const o = value as Record<string, unknown>;
  const tag = o[TAG];
  if (tag === undefined) return value;
  switch (tag) {
    case 'd':
      return new D(str(o.v, 'decimal'));
    case 'n':
      return Number(str(o.v, 'number'));
    case 'u':
      return undefined;
    case 'm':
      return new Map(pairs(o.v, 'map'));
    case 'im':
      return IntMap.from(pairs(o.v, 'int map') as [number, unknown][]);
    case 's':
      return new Set(list(o.v, 'set'));
    case 'o':
      return Object.fromEntries(pairs(o.v, 'object'));
    case 'e':
      return reviveError(o);
    default:
      throw new JournalCorruptError(`journal: unknown tag ${JSON.stringify(tag)}`);
  }
}

function reviveError(o: Record<string, unknown>): Error {
  const message = str(o.message, 'error message');
  if (typeof o.kind === 'string' && IO_KINDS.has(o.kind)) return new MarketIoError(o.kind as MarketIoErrorKind, message);
  const e = new Error(message);
  if (typeof o.name === 'string') e.name = o.name;
  return e;
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new JournalCorruptError(`journal: malformed ${what} tag`);
  return v;
}

function list(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new JournalCorruptError(`journal: malformed ${what} tag`);
  return v as unknown[];
}

function pairs(v: unknown, what: string): [unknown, unknown][] {
  const l = list(v, what);
  for (const p of l) if (!Array.isArray(p) || p.length !== 2) throw new JournalCorruptError(`journal: malformed ${what} tag`);
  return l as [unknown, unknown][];
}
