/**
 * Profit and loss of one grid: realised PnL from matched round trips per level, open lots, and
 * inventory (base) and quote flows, kept in one mutable book per grid; every value is a Decimal.
 *
 * Entry points: `emptyPnl`, `applyTrade`, `unrealisedPnl`, `feeInQuote`.
 *
 * Matching: a buy filled at level i opens a lot that a sell filled at level i + 1 closes (its
 * counter-order), first in first out; a sell filled at level j opens a short lot that a buy at
 * j − 1 closes. A closed quantity q realises (sell price − buy price) × q minus both legs' fees
 * for q (each lot remembers its fee per unit). Fills that match nothing stay open and count in
 * `unrealisedPnl` at the current price.
 *
 * Fees are valued in quote at the fill price: a fee in the base asset × price, a fee in the quote
 * asset as is, a fee in any third asset (a fee-discount token) as zero, since grid/ has no price
 * for it. Base fees also reduce `inventoryBase`; quote fees reduce `quoteFlow`.
 */
import { ZERO, cmpDec, isPositive, minDec, minusKept, plusKept, timesKept, toPlain, type Decimal } from './decimal.js';
import type { MarketRules, Side } from './market-rules.js';

/** One open position piece. */
export interface Lot {
  readonly price: Decimal;
  amount: Decimal;
  /** Fee already paid for this lot, per unit of base, in quote. */
  readonly feePerUnit: Decimal;
}

/** The PnL of one grid. Mutable: `applyTrade` changes it in place (the level book owns it). */
export interface PnlBook {
  /** Bought lots by buy level, waiting for a sell one level up. */
  readonly openBuys: Map<number, Lot[]>;
  /** Sold lots by sell level, waiting for a buy one level down. */
  readonly openSells: Map<number, Lot[]>;
  realisedQuote: Decimal;
  feesQuote: Decimal;
  /** Net base change since the start: bought − sold − base fees. */
  inventoryBase: Decimal;
  /** Net quote change since the start: received − spent − quote fees. */
  quoteFlow: Decimal;
  /** Matched quantity so far (base). */
  matchedBase: Decimal;
  /** Trades applied so far: how an observer tells that the figures changed. */
  trades: number;
  /** Trades that closed (part of) an open lot: the grid's completed round trips (buy then sell one level up, or the reverse). */
  roundTrips: number;
}

/** One fill, at a grid level. */
export interface Trade {
  readonly level: number;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly fee: Decimal;
  readonly feeAsset: string;
}

/** Returns an empty PnL book. */
export function emptyPnl(): PnlBook {
  return {
    openBuys: new Map(),
    openSells: new Map(),
    realisedQuote: ZERO,
    feesQuote: ZERO,
    inventoryBase: ZERO,
    quoteFlow: ZERO,
    matchedBase: ZERO,
    trades: 0,
    roundTrips: 0,
  };
}

/** Returns a deep copy (lots copied too). */
export function clonePnl(p: PnlBook): PnlBook {
  const lots = (m: ReadonlyMap<number, readonly Lot[]>) => new Map([...m].map(([k, v]) => [k, v.map((l) => ({ ...l }))]));
  return { ...p, openBuys: lots(p.openBuys), openSells: lots(p.openSells), trades: p.trades ?? 0, roundTrips: p.roundTrips ?? 0 };
}

/** Returns a fee's value in quote at `price` (zero for a third asset). */
export function feeInQuote(fee: Decimal, feeAsset: string, price: Decimal, rules: MarketRules): Decimal {
  if (feeAsset === rules.quoteAsset) return fee;
  if (feeAsset === rules.baseAsset) return fee.times(price);
  return ZERO;
}

/**
 * The last fee per unit computed, by its operands. A grid's fills repeat the same fee and amount
 * (its order size; parseDecimal hands out the same Decimal for the same text), and a division is
 * decimal.js's dearest operation (60 digits). Decimals are immutable, so a hit is exact.
 */
let lastPerUnit: { fee: Decimal; amount: Decimal; perUnit: Decimal } | null = null;

function perUnit(fee: Decimal, amount: Decimal): Decimal {
  if (fee.isZero()) return ZERO;
  const last = lastPerUnit;
  if (last !== null && last.fee === fee && last.amount === amount) return last.perUnit;
  const value = fee.div(amount);
  lastPerUnit = { fee, amount, perUnit: value };
  return value;
}

/** Applies one fill: matches it against the opposite lots one level away, opens the rest. Returns the book. */
export function applyTrade(book: PnlBook, trade: Trade, rules: MarketRules): PnlBook {
  if (!isPositive(trade.amount)) return book;
  const feeQuote = feeInQuote(trade.fee, trade.feeAsset, trade.price, rules);
  const feePerUnit = perUnit(feeQuote, trade.amount);
  const isBuy = trade.side === 'buy';
  const matchLevel = isBuy ? trade.level + 1 : trade.level - 1;
  const against = isBuy ? book.openSells : book.openBuys;
  const lots = against.get(matchLevel);
  let left = trade.amount;
  if (lots !== undefined && lots.length > 0) book.roundTrips += 1;
  if (lots !== undefined) {
    while (isPositive(left) && lots.length > 0) {
      const lot = lots[0] as Lot;
      const q = minDec(left, lot.amount);
      const sellPrice = isBuy ? lot.price : trade.price;
      const buyPrice = isBuy ? trade.price : lot.price;
      // The spread and the fees per unit repeat level after level (same prices, same order size):
      // remembered, so a round trip costs two operations on the running total.
      const gain = timesKept(minusKept(sellPrice, buyPrice), q);
      const fees = timesKept(plusKept(lot.feePerUnit, feePerUnit), q);
      book.realisedQuote = book.realisedQuote.plus(gain).minus(fees);
      book.matchedBase = book.matchedBase.plus(q);
      left = q === left ? ZERO : left.minus(q);
      if (cmpDec(q, lot.amount) === 0) lots.shift();
      else lot.amount = lot.amount.minus(q);
    }
    if (lots.length === 0) against.delete(matchLevel);
  }
  if (isPositive(left)) {
    const own = isBuy ? book.openBuys : book.openSells;
    const mine = own.get(trade.level);
    const lot = { price: trade.price, amount: left, feePerUnit };
    if (mine === undefined) own.set(trade.level, [lot]);
    else mine.push(lot);
  }
  // Fewer operations than the formula reads: decimal.js allocates on each, and this runs per fill.
  const notional = timesKept(trade.price, trade.amount);
  if (!feeQuote.isZero()) book.feesQuote = book.feesQuote.plus(feeQuote);
  book.inventoryBase = isBuy ? book.inventoryBase.plus(trade.amount) : book.inventoryBase.minus(trade.amount);
  if (trade.feeAsset === rules.baseAsset && !trade.fee.isZero()) book.inventoryBase = book.inventoryBase.minus(trade.fee);
  book.quoteFlow = isBuy ? book.quoteFlow.minus(notional) : book.quoteFlow.plus(notional);
  if (trade.feeAsset === rules.quoteAsset && !trade.fee.isZero()) book.quoteFlow = book.quoteFlow.minus(trade.fee);
  book.trades += 1;
  return book;
}

/** Returns the mark-to-market value of the open lots at `price`, net of the fees they already paid. */
export function unrealisedPnl(book: PnlBook, price: Decimal): Decimal {
  let total = ZERO;
  for (const lots of book.openBuys.values()) {
    for (const l of lots) total = total.plus(price.minus(l.price).minus(l.feePerUnit).times(l.amount));
  }
  for (const lots of book.openSells.values()) {
    for (const l of lots) total = total.plus(l.price.minus(price).minus(l.feePerUnit).times(l.amount));
  }
  return total;
}

/** Returns the base held in open buy lots minus the base sold in open sell lots. */
export function openLotsBase(book: PnlBook): Decimal {
  let total = ZERO;
  for (const lots of book.openBuys.values()) for (const l of lots) total = total.plus(l.amount);
  for (const lots of book.openSells.values()) for (const l of lots) total = total.minus(l.amount);
  return total;
}

/** The PnL figures as decimal strings: what observers, the journal and the status table show. */
export interface PnlView {
  readonly realisedQuote: string;
  readonly feesQuote: string;
  readonly inventoryBase: string;
}

/** Returns the PnL figures as decimal strings. */
export function pnlView(book: PnlBook): PnlView {
  return { realisedQuote: toPlain(book.realisedQuote), feesQuote: toPlain(book.feesQuote), inventoryBase: toPlain(book.inventoryBase) };
}
