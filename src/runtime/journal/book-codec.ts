/**
 * `LevelBook` ⇄ plain data for the journal's checkpoints (which `value-codec.ts` then turns into
 * JSON text). The book is a graph: one order record is held at its level, in the client id index,
 * in the owed queue and in the ledger. Stored as is, each holder would come back with its own copy,
 * so the data lists every record once and says where each is held; the indexes are rebuilt.
 *
 * Entry points: `bookData` (book → data), `bookFromData` (data → a fresh book; also reads the
 * format-1 books of journals written before the book was mutable, see `fromFormat1`, and the
 * format-2 books written before levels could wait for price: none waits).
 * Maps keep their insertion order (the book iterates them, so order is part of its behaviour).
 */
import {
  type Decimal,
  IntMap,
  type LevelBook,
  type OrderRecord,
  type WaitingLevel,
  ZERO,
  createLevelBook,
  decodeClientOrderId,
  isPositive,
  residueKey,
} from '../../grid/index.js';
import { JournalCorruptError } from './journal-errors.js';

/** 3: with `waiting` (levels waiting for price). An older gridbot refuses it rather than losing them. */
export const BOOK_FORMAT = 3;
/** Formats read as this one, without the parts added since (format 2: no `waiting`). */
const READS_AS_CURRENT = new Set([2, BOOK_FORMAT]);

/** How many finished order ids a converted format-1 book keeps (as the live ledger does). */
const FINISHED_CAP = 256;

interface BookData {
  readonly format: number;
  readonly plan: LevelBook['plan'];
  readonly scope: LevelBook['scope'];
  readonly rules: LevelBook['rules'];
  readonly nextSeq: number;
  readonly offGridBase: Decimal;
  readonly problems: readonly string[];
  readonly records: readonly OrderRecord[];
  /** Indexes into `records` of the orders held at their level, in the level map's order. */
  readonly levels: readonly number[];
  /** The ledger's open orders: [exchange order id, index into `records`]. */
  readonly ledgerOrders: readonly (readonly [number, number])[];
  readonly cancelling: LevelBook['cancelling'];
  readonly ledger: Omit<LevelBook['ledger'], 'orders'>;
  readonly pnl: LevelBook['pnl'];
  /** Levels waiting for price, in the map's order (absent in format 2). */
  readonly waiting?: readonly WaitingLevel[];
}

/** Returns the book as plain data (Maps and Decimals included; `encodeValue` tags them). */
export function bookData(book: LevelBook): BookData {
  const records: OrderRecord[] = [];
  const index = new Map<OrderRecord, number>();
  const ref = (o: OrderRecord): number => {
    let i = index.get(o);
    if (i === undefined) {
      i = records.length;
      records.push(o);
      index.set(o, i);
    }
    return i;
  };
  const levels = [...book.orders.values()].map(ref);
  const ledgerOrders = [...book.ledger.orders].map(([id, o]) => [id, ref(o)] as const);
  const { orders: _orders, ...ledger } = book.ledger;
  return {
    format: BOOK_FORMAT,
    plan: book.plan,
    scope: book.scope,
    rules: book.rules,
    nextSeq: book.nextSeq,
    offGridBase: book.offGridBase,
    problems: book.problems,
    records,
    levels,
    ledgerOrders,
    cancelling: book.cancelling,
    ledger,
    pnl: book.pnl,
    waiting: [...book.waiting.values()],
  };
}

/**
 * Returns a fresh book from `bookData`'s data (or a format-1 book of an older journal).
 * @throws JournalCorruptError naming the first part that does not fit
 */
export function bookFromData(value: unknown, where: string): LevelBook {
  const fail = (part: string): never => {
    throw new JournalCorruptError(`journal: ${where} is not a level book (${part})`);
  };
  if (value === null || typeof value !== 'object') return fail('not an object');
  const d = value as Partial<BookData> & { ledger?: unknown };
  if (d.format === undefined) return fromFormat1(value, fail);
  if (typeof d.format !== 'number' || !READS_AS_CURRENT.has(d.format)) return fail(`format ${String(d.format)}, this version reads 1 to ${BOOK_FORMAT}`);
  const plan = d.plan as { levels?: unknown } | undefined;
  if (plan === undefined || !Array.isArray(plan.levels) || d.scope === undefined || d.rules === undefined) return fail('plan');
  if (!Array.isArray(d.records) || !Array.isArray(d.levels) || !Array.isArray(d.ledgerOrders)) return fail('orders');
  if (!(d.cancelling instanceof Map)) return fail('cancelling');
  const l = d.ledger as Partial<BookData['ledger']> | undefined;
  if (l === undefined || !(l.finished instanceof Map) || !(l.residues instanceof Map) || !(l.levelFills instanceof Map)) return fail('ledger');
  if (d.pnl === undefined || !(d.pnl.openBuys instanceof Map) || !(d.pnl.openSells instanceof Map)) return fail('pnl');
  const book = bare(d as BookData);
  const records = d.records.map((r) => ({ ...r, dealIds: [...r.dealIds] }));
  const at = (i: number): OrderRecord => records[i] ?? fail(`order #${i}`);
  for (const i of d.levels) placeAt(book, at(i));
  for (const [id, i] of d.ledgerOrders) book.ledger.orders.set(id, at(i));
  const ledger = book.ledger as { -readonly [K in keyof LevelBook['ledger']]: LevelBook['ledger'][K] };
  for (const [k, v] of l.finished) ledger.finished.set(k, v);
  for (const [k, v] of l.residues) ledger.residues.set(k, v);
  for (const [k, v] of l.levelFills) ledger.levelFills.set(k, { ...v });
  ledger.forgottenSeq = l.forgottenSeq ?? -1;
  ledger.lastDealSec = l.lastDealSec ?? null;
  ledger.filledTotal = l.filledTotal ?? ZERO;
  ledger.releasedTotal = l.releasedTotal ?? ZERO;
  ledger.dealCount = l.dealCount ?? 0;
  if (d.waiting !== undefined && !Array.isArray(d.waiting)) return fail('waiting');
  for (const w of d.waiting ?? []) {
    if (w === null || typeof w !== 'object' || typeof w.level !== 'number' || (w.side !== 'buy' && w.side !== 'sell')) return fail('waiting level');
    book.waiting.set(residueKey(w.side, w.level), { ...w });
  }
  return book;
}

/** An empty book with `d`'s plan, counters and PnL (the orders and ledger are filled by the caller). */
function bare(d: Pick<BookData, 'plan' | 'scope' | 'rules' | 'nextSeq' | 'offGridBase' | 'problems' | 'cancelling' | 'pnl'>): LevelBook {
  // A plan with no sides owes nothing: createLevelBook gives the empty structures of this version.
  const book = createLevelBook({ ...d.plan, levels: [] }, d.scope, d.rules, d.nextSeq);
  const b = book as { -readonly [K in keyof LevelBook]: LevelBook[K] };
  b.plan = d.plan;
  b.offGridBase = d.offGridBase;
  b.problems.push(...d.problems);
  for (const [k, v] of d.cancelling) book.cancelling.set(k, v);
  // Books journaled before a counter existed start it at 0.
  b.pnl = { ...d.pnl, trades: d.pnl.trades ?? 0, roundTrips: d.pnl.roundTrips ?? 0 };
  return book;
}

function placeAt(book: LevelBook, o: OrderRecord): void {
  book.orders.set(o.level, o);
  book.byClientId.set(o.clientOrderId, o);
  if (o.state === 'owed') book.owed.push(o);
}

interface Format1Fills {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly level: number;
  readonly side: OrderRecord['side'];
  readonly price: Decimal;
  readonly amount: Decimal | null;
  readonly deals: ReadonlyMap<number, Decimal>;
  readonly dealSum: Decimal;
  readonly reported: Decimal;
  readonly released: Decimal;
  readonly final: boolean;
}

/**
 * Reads a format-1 book (journals written before the book was mutable: immutable level orders
 * beside a ledger of `OrderFills` keeping every order ever filled). Each level order gets its fills;
 * a ledger order no level holds stays in the ledger while it can fill, else its id goes to the
 * finished ring (the oldest beyond the cap into `forgottenSeq`); totals are summed once.
 */
function fromFormat1(value: object, fail: (part: string) => never): LevelBook {
  const b = value as Partial<Record<string, unknown>>;
  if (!(b.orders instanceof Map)) return fail('orders');
  if (!(b.cancelling instanceof Map)) return fail('cancelling');
  if (typeof b.nextSeq !== 'number') return fail('nextSeq');
  const plan = b.plan as LevelBook['plan'] | undefined;
  if (plan === undefined || !Array.isArray(plan.levels)) return fail('plan');
  const oldLedger = b.ledger as { orders?: unknown; residues?: unknown; lastDealSec?: number | null } | undefined;
  const fillsMap = oldLedger?.orders;
  if (oldLedger === undefined || !(fillsMap instanceof IntMap || fillsMap instanceof Map) || !(oldLedger.residues instanceof Map)) return fail('ledger');
  const pnl = b.pnl as LevelBook['pnl'] | undefined;
  if (pnl === undefined || !(pnl.openBuys instanceof Map) || !(pnl.openSells instanceof Map)) return fail('pnl');
  const book = bare({
    plan,
    scope: b.scope as LevelBook['scope'],
    rules: b.rules as LevelBook['rules'],
    nextSeq: b.nextSeq,
    offGridBase: (b.offGridBase as Decimal | undefined) ?? ZERO,
    problems: (b.problems as string[] | undefined) ?? [],
    cancelling: b.cancelling as LevelBook['cancelling'],
    pnl,
  });
  const fills = [...(fillsMap as Iterable<[number, Format1Fills]>)].map(([, f]) => f);
  const byClient = new Map(fills.map((f) => [f.clientOrderId, f]));
  const ledger = book.ledger as { -readonly [K in keyof LevelBook['ledger']]: LevelBook['ledger'][K] };
  const filledOf = (f: Format1Fills) => (f.dealSum.gt(f.reported) ? f.dealSum : f.reported);
  const finalOf = (f: Format1Fills) => f.final || (f.amount !== null && filledOf(f).gte(f.amount));
  const merged = (
    o: Omit<OrderRecord, 'reportedAmount' | 'dealIds' | 'dealSum' | 'reported' | 'released' | 'final'>,
    f: Format1Fills | undefined,
  ): OrderRecord => ({
    ...o,
    reportedAmount: f?.amount ?? null,
    dealIds: f === undefined || finalOf(f) ? [] : [...f.deals.keys()],
    dealSum: f?.dealSum ?? ZERO,
    reported: f?.reported ?? ZERO,
    released: f?.released ?? ZERO,
    final: f?.final ?? false,
  });
  const finished: [number, number][] = [];
  const held = new Set<Format1Fills>();
  for (const o of (b.orders as Map<number, Omit<OrderRecord, 'reportedAmount' | 'dealIds' | 'dealSum' | 'reported' | 'released' | 'final'>>).values()) {
    const f = byClient.get(o.clientOrderId);
    const rec = merged(o, f);
    placeAt(book, rec);
    if (f === undefined) continue;
    held.add(f);
    if (finalOf(f)) finished.push([f.orderId, o.seq]);
    else ledger.orders.set(f.orderId, rec);
  }
  for (const f of fills) {
    ledger.filledTotal = ledger.filledTotal.plus(filledOf(f));
    ledger.releasedTotal = ledger.releasedTotal.plus(f.released);
    ledger.dealCount += f.deals.size;
    const lf = ledger.levelFills.get(f.level);
    if (f.deals.size > 0) {
      if (lf === undefined) ledger.levelFills.set(f.level, { deals: f.deals.size, base: f.dealSum, side: f.side });
      else {
        lf.deals += f.deals.size;
        lf.base = lf.base.plus(f.dealSum);
        lf.side = f.side;
      }
    }
    if (held.has(f)) continue;
    const id = decodeClientOrderId(f.clientOrderId, book.scope);
    const seq = id.kind === 'ours' ? id.seq : -1;
    if (finalOf(f)) {
      finished.push([f.orderId, seq]);
      continue;
    }
    ledger.orders.set(
      f.orderId,
      merged(
        {
          level: f.level,
          side: f.side,
          price: f.price,
          amount: f.amount ?? ZERO,
          clientOrderId: f.clientOrderId,
          seq,
          orderId: f.orderId,
          origin: 'adopted',
          state: 'live',
        },
        f,
      ),
    );
  }
  for (const [i, [orderId, seq]] of finished.entries()) {
    if (i < finished.length - FINISHED_CAP) ledger.forgottenSeq = Math.max(ledger.forgottenSeq, seq);
    else ledger.finished.set(orderId, seq);
  }
  for (const [k, v] of oldLedger.residues as Map<string, Decimal>) if (isPositive(v)) ledger.residues.set(k, v);
  ledger.lastDealSec = oldLedger.lastDealSec ?? null;
  return book;
}
