/**
 * A run's checkpoint of one market: the `MarketInput` the actor started with (settings, `restore`
 * book or null, `firstSeq`), as JSON text. Replaying a run starts from exactly this input, so the
 * settings of that run apply to its events even if markets.yaml changed since.
 *
 * Entry points: `encodeCheckpoint`, `decodeCheckpoint`.
 */
import type { MarketInput } from '../../machines/market/market.types.js';
import { assertBook } from './book-codec.js';
import { JournalCorruptError } from './journal-errors.js';
import { decodeValue, encodeValue } from './value-codec.js';

const CHECKPOINT_FORMAT = 1;

/** Returns the JSON text of a market's start input. */
export function encodeCheckpoint(input: MarketInput): string {
  return encodeValue({ format: CHECKPOINT_FORMAT, input });
}

/**
 * Returns the input `encodeCheckpoint` wrote.
 * @throws JournalCorruptError when the text is not a checkpoint of this format
 */
export function decodeCheckpoint(text: string): MarketInput {
  const v = decodeValue(text) as { format?: unknown; input?: unknown } | null;
  if (v === null || typeof v !== 'object' || v.format !== CHECKPOINT_FORMAT) {
    throw new JournalCorruptError(`journal: not a checkpoint of format ${CHECKPOINT_FORMAT}`);
  }
  const input = v.input as Partial<MarketInput> | null;
  if (input === null || typeof input !== 'object' || typeof input.market !== 'string' || input.spec === undefined) {
    throw new JournalCorruptError('journal: checkpoint without a market input');
  }
  if (input.restore !== null) assertBook(input.restore, `checkpoint of ${input.market}`);
  return input as MarketInput;
}
