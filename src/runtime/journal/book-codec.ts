/**
 * `LevelBook` ⇄ JSON text, lossless: the plan, rules, orders, cancelling strays, fill ledger, PnL
 * lots and every Decimal come back equal, Maps in their insertion order (the book iterates them, so
 * order is part of its behaviour).
 *
 * Entry points: `encodeBook`, `decodeBook`, `assertBook`.
 * The text carries a format number so a later change of the book's shape is detected, not misread.
 */
import { IntMap, type LevelBook } from '../../grid/index.js';
import { JournalCorruptError } from './journal-errors.js';
import { decodeValue, encodeValue } from './value-codec.js';

const BOOK_FORMAT = 1;

/** Returns the JSON text of `book`. */
export function encodeBook(book: LevelBook): string {
  return encodeValue({ format: BOOK_FORMAT, book });
}

/**
 * Returns the book `encodeBook` wrote.
 * @throws JournalCorruptError when the text is not a book of this format
 */
export function decodeBook(text: string): LevelBook {
  const v = decodeValue(text) as { format?: unknown; book?: unknown } | null;
  if (v === null || typeof v !== 'object' || v.format !== BOOK_FORMAT) {
    throw new JournalCorruptError(`journal: not a level book of format ${BOOK_FORMAT}`);
  }
  return assertBook(v.book, 'book');
}

/**
 * Returns `value` typed as a book after a structural check of the parts the grid iterates.
 * @throws JournalCorruptError naming the first part that does not fit
 */
export function assertBook(value: unknown, where: string): LevelBook {
  const b = value as Partial<Record<keyof LevelBook, unknown>> | null;
  const fail = (part: string): never => {
    throw new JournalCorruptError(`journal: ${where} is not a level book (${part})`);
  };
  if (b === null || typeof b !== 'object') return fail('not an object');
  if (!(b.orders instanceof Map)) fail('orders');
  if (!(b.cancelling instanceof Map)) fail('cancelling');
  if (typeof b.nextSeq !== 'number') fail('nextSeq');
  const plan = b.plan as { levels?: unknown } | undefined;
  if (plan === undefined || !Array.isArray(plan.levels)) fail('plan');
  const ledger = b.ledger as { orders?: unknown; residues?: unknown } | undefined;
  if (ledger === undefined || !(ledger.orders instanceof IntMap || ledger.orders instanceof Map) || !(ledger.residues instanceof Map)) fail('ledger');
  const pnl = b.pnl as { openBuys?: unknown; openSells?: unknown } | undefined;
  if (pnl === undefined || !(pnl.openBuys instanceof Map) || !(pnl.openSells instanceof Map)) fail('pnl');
  // Journals written before the ledger moved to an IntMap stored its orders as a plain Map.
  if (ledger?.orders instanceof Map) {
    return { ...(b as unknown as LevelBook), ledger: { ...(b as unknown as LevelBook).ledger, orders: IntMap.from(ledger.orders as Map<number, never>) } };
  }
  return b as unknown as LevelBook;
}
