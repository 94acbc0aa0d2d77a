/**
 * A run's checkpoint of one market: the `MarketInput` the actor started with (settings, `restore`
 * book or null, `firstSeq`), as JSON text. Replaying a run starts from exactly this input, so the
 * settings of that run apply to its events even if markets.yaml changed since.
 *
 * Entry points: `encodeCheckpoint`, `decodeCheckpoint`. The restore book is stored as
 * `bookData` (book-codec.ts); a checkpoint of format 1 (written before the book was mutable) is
 * read too, its book converted.
 */
import type { MarketInput } from '../../machines/market/market.types.js';
import { bookData, bookFromData } from './book-codec.js';
import { JournalCorruptError } from './journal-errors.js';
import { decodeValue, encodeValue } from './value-codec.js';

const CHECKPOINT_FORMAT = 2;
const READS = new Set([1, CHECKPOINT_FORMAT]);

/** Returns the JSON text of a market's start input. */
export function encodeCheckpoint(input: MarketInput): string {
  return encodeValue({ format: CHECKPOINT_FORMAT, input: { ...input, restore: input.restore === null ? null : bookData(input.restore) } });
}

/**
 * Returns the input `encodeCheckpoint` wrote (a fresh book in `restore`).
 * @throws JournalCorruptError when the text is not a checkpoint of a format this version reads
 */
export function decodeCheckpoint(text: string): MarketInput {
  const v = decodeValue(text) as { format?: unknown; input?: unknown } | null;
  if (v === null || typeof v !== 'object' || typeof v.format !== 'number' || !READS.has(v.format)) {
    const found = v !== null && typeof v === 'object' && v.format !== undefined ? ` (found format ${String(v.format)})` : '';
    throw new JournalCorruptError(`journal: not a checkpoint of format ${[...READS].join(' or ')}${found}: written by another version of gridbot?`);
  }
  const input = v.input as Partial<MarketInput> | null;
  if (input === null || typeof input !== 'object' || typeof input.market !== 'string' || input.spec === undefined) {
    throw new JournalCorruptError('journal: checkpoint without a market input');
  }
  const restore = input.restore === null || input.restore === undefined ? null : bookFromData(input.restore, `checkpoint of ${input.market}`);
  return { ...(input as MarketInput), restore };
}
