/**
 * The figures every surface shows for a market (the live status table and the final table of `run`,
 * `gridbot status`, the inspector's /api/state, /metrics, the journal's `run_figures` rows): computed
 * here, once, from the market's level book, so that no two surfaces can count differently.
 *
 * Entry points: `bookTotals` (a book's cumulative figures), `marketFigures` (a market actor's
 * context → this run and all time), `addFigures`, `formatMoney`.
 *
 * Definitions (why each surface used to show another number: the final table counted the deals of
 * the book, which starts afresh with `onStart: cancel-all` but carries over with `adopt`; `status`
 * counted the journal's distinct deals of every run; `status --json` listed orders by status, where
 * `filled` counts orders, not executions):
 * - `fills`: executions (deals, by deal id) of the market's orders the fill ledger applied; an
 *   order filled in three deals is three fills. A quantity learned only from an order's cumulative
 *   `deal_stock` (its deals never reported) is in the PnL but not in `fills`.
 * - `realisedPnl`: matched round trips, in the quote asset, net of both legs' fees (grid/pnl.ts).
 * - `fees`: every fee paid, valued in the quote asset.
 * - `inventory`: net base bought (bought − sold − base fees).
 * - `run`: what this run added: the book now minus the book it started from (the journal's, when it
 *   adopted; nothing after a cancel-all start).
 * - `unrealised` (`unrealisedFigure`): the book's open lots (fills no counter-fill matched yet)
 *   valued at the last price, net of the fees they paid (grid/pnl.ts, what risk.ts's stop-loss reads).
 * - `roundTrips` (`roundTripsOf`, this run only): fills that closed a lot, i.e. completed a round trip.
 * - `allTime`: `run` plus every earlier run of the journal (the input's `priorFigures`, the sum of
 *   the `run_figures` rows the earlier runs wrote). Without a journal it equals `run`.
 */
import { type Decimal, type PnlBook, ZERO, parseDecimal, toPlain, unrealisedPnl } from '../../grid/index.js';

/** Decimal places a quote amount is shown with (PnL, fees). */
const MONEY_PLACES = 8;

/** One set of figures, money as decimal strings. */
export interface FigureSet {
  readonly fills: number;
  /** Realised PnL in the quote asset, net of fees. */
  readonly realisedQuote: string;
  /** Fees paid, valued in the quote asset. */
  readonly feesQuote: string;
  /** Net base bought. */
  readonly inventoryBase: string;
}

export const NO_FIGURES: FigureSet = { fills: 0, realisedQuote: '0', feesQuote: '0', inventoryBase: '0' };

/** What of a level book the figures read (a structural view: a replayed or live `LevelBook` fits). */
export interface BookTotalsView {
  readonly ledger: { readonly dealCount: number };
  readonly pnl: { readonly realisedQuote: Decimal; readonly feesQuote: Decimal; readonly inventoryBase: Decimal };
  readonly rules: { readonly baseAsset: string; readonly quoteAsset: string };
}

/** What of a market actor's context the figures read. */
export interface FiguresSourceView {
  readonly settings: { readonly restore: BookTotalsView | null; readonly priorFigures?: FigureSet | null };
  readonly book: BookTotalsView | null;
  readonly rules: { readonly baseAsset: string; readonly quoteAsset: string } | null;
}

export interface MarketFigures {
  /** The asset PnL and fees are in; null before the market's rules are known. */
  readonly quoteAsset: string | null;
  readonly baseAsset: string | null;
  readonly run: FigureSet;
  readonly allTime: FigureSet;
}

const dec = (s: string): Decimal => parseDecimal(s) ?? ZERO;

/** Returns a book's cumulative figures (since the book began, across runs when it was adopted). */
export function bookTotals(book: BookTotalsView | null): FigureSet {
  if (book === null) return NO_FIGURES;
  return {
    fills: book.ledger.dealCount,
    realisedQuote: toPlain(book.pnl.realisedQuote),
    feesQuote: toPlain(book.pnl.feesQuote),
    inventoryBase: toPlain(book.pnl.inventoryBase),
  };
}

function combine(a: FigureSet, b: FigureSet, sign: 1 | -1): FigureSet {
  const op = (x: string, y: string) => toPlain(sign === 1 ? dec(x).plus(dec(y)) : dec(x).minus(dec(y)));
  return {
    fills: a.fills + sign * b.fills,
    realisedQuote: op(a.realisedQuote, b.realisedQuote),
    feesQuote: op(a.feesQuote, b.feesQuote),
    inventoryBase: op(a.inventoryBase, b.inventoryBase),
  };
}

/** Returns `a − b`. */
export function subtractFigures(a: FigureSet, b: FigureSet): FigureSet {
  return combine(a, b, -1);
}

/** Returns `a + b`. */
export function addFigures(a: FigureSet, b: FigureSet): FigureSet {
  return combine(a, b, 1);
}

/**
 * Returns what this run added to a market's figures: the book now minus the book it started from.
 * A run that started from no book (a cancel-all start) added the whole book: no Decimal arithmetic
 * (the journal reads this for every market at every reporting write).
 */
export function runFiguresOf(c: Pick<FiguresSourceView, 'book' | 'settings'>): FigureSet {
  const now = bookTotals(c.book);
  return c.settings.restore === null ? now : subtractFigures(now, bookTotals(c.settings.restore));
}

/** The market's rules as its figures read them: the book's once it has one, else the loaded ones (null before either). */
export function figureRulesOf(c: Pick<FiguresSourceView, 'book' | 'rules'>): FiguresSourceView['rules'] {
  return c.book?.rules ?? c.rules;
}

/** Returns a market's figures for this run and all time, from its actor's context. */
export function marketFigures(c: FiguresSourceView): MarketFigures {
  const run = runFiguresOf(c);
  const rules = figureRulesOf(c);
  return {
    quoteAsset: rules?.quoteAsset ?? null,
    baseAsset: rules?.baseAsset ?? null,
    run,
    allTime: addFigures(c.settings.priorFigures ?? NO_FIGURES, run),
  };
}

/**
 * Returns the open lots' value at `lastPrice` in the quote asset (8 decimals at most), or null
 * without a book or a price. The lots are the book's: with `adopt` they carry over from earlier runs.
 */
export function unrealisedFigure(book: { readonly pnl: PnlBook } | null, lastPrice: string | null): string | null {
  const price = lastPrice === null ? null : parseDecimal(lastPrice);
  if (book === null || price === null) return null;
  return formatMoney(toPlain(unrealisedPnl(book.pnl, price)));
}

/**
 * Returns this run's round trips: fills that closed (part of) a lot an earlier fill of the grid
 * opened (grid/pnl.ts `roundTrips`), the book now minus the book the run started from. Not journaled
 * per run, so there is no all-time count.
 */
export function roundTripsOf(c: {
  readonly book: { readonly pnl: PnlBook } | null;
  readonly settings: { readonly restore: { readonly pnl: PnlBook } | null };
}): number {
  if (c.book === null) return 0;
  return (c.book.pnl.roundTrips ?? 0) - (c.settings.restore?.pnl.roundTrips ?? 0);
}

/** Returns a quote amount as shown: at most 8 decimals, no exponent. */
export function formatMoney(s: string): string {
  return toPlain(dec(s).toDecimalPlaces(MONEY_PLACES));
}

/** Returns `12.5 DUSDT` (the bare amount when the asset is unknown). */
export function moneyWithAsset(s: string, asset: string | null): string {
  return asset === null ? formatMoney(s) : `${formatMoney(s)} ${asset}`;
}

/** One `run_figures` row of the journal. */
export interface FigureRow {
  readonly fills: number;
  readonly realised: string;
  readonly fees: string;
  readonly inventory: string;
}

/** Returns the sum of journaled per-run rows. */
export function sumFigureRows(rows: readonly FigureRow[]): FigureSet {
  return rows.reduce<FigureSet>(
    (acc, r) => addFigures(acc, { fills: r.fills, realisedQuote: r.realised, feesQuote: r.fees, inventoryBase: r.inventory }),
    NO_FIGURES,
  );
}
