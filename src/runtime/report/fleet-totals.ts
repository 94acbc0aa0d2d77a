/**
 * The fleet's totals, one set per quote asset (never summed across assets: 1 USDT and 1 BTC are
 * not 2 of anything). The per-market figures come from fleet-figures.ts, as every surface's do;
 * this only adds them up (inventory is not: the markets of one quote asset hold different bases).
 *
 * Entry point: `fleetTotals`. A market whose rules (and so quote asset) are not known yet has no
 * figures to add and is left out.
 */
import { type Decimal, ZERO, parseDecimal } from '../../grid/index.js';
import { type FigureSet, formatMoney } from './fleet-figures.js';

/** What of a market's row the totals read (a `MarketStatus` or the inspector's `MarketRow` fit). */
export interface TotalsInput {
  readonly quoteAsset: string | null;
  readonly fills: number;
  readonly realisedPnl: string;
  readonly fees: string;
  readonly allTime: FigureSet;
  /** The open lots at the last price; null/absent when unknown. */
  readonly unrealisedPnl?: string | null;
  /** This run's round trips; absent counts 0. */
  readonly roundTrips?: number;
}

/** Fills and money (decimal strings in the quote asset, at most 8 decimals) over some markets. */
export interface MoneyTotals {
  readonly fills: number;
  /** Realised PnL, net of fees. */
  readonly realised: string;
  readonly fees: string;
}

/** One quote asset's totals. */
export interface CurrencyTotals {
  readonly asset: string;
  readonly markets: number;
  /** This run. */
  readonly run: MoneyTotals;
  /** Every run of the journals. */
  readonly allTime: MoneyTotals;
  /** The open lots of the markets that have a last price, valued at it, net of their fees. */
  readonly unrealised: string;
  /** This run's round trips (fills that closed a lot). */
  readonly roundTrips: number;
}

interface Sum {
  markets: number;
  fills: number;
  realised: Decimal;
  fees: Decimal;
  allFills: number;
  allRealised: Decimal;
  allFees: Decimal;
  unrealised: Decimal;
  roundTrips: number;
}

const dec = (s: string | null | undefined): Decimal => (s == null ? ZERO : (parseDecimal(s) ?? ZERO));
const money = (d: Decimal): string => formatMoney(d.toFixed());

/** Returns the totals per quote asset, in the order the assets first appear in `rows` (the markets' order). */
export function fleetTotals(rows: readonly TotalsInput[]): CurrencyTotals[] {
  const by = new Map<string, Sum>();
  for (const r of rows) {
    if (r.quoteAsset === null) continue;
    let t = by.get(r.quoteAsset);
    if (t === undefined) {
      t = { markets: 0, fills: 0, realised: ZERO, fees: ZERO, allFills: 0, allRealised: ZERO, allFees: ZERO, unrealised: ZERO, roundTrips: 0 };
      by.set(r.quoteAsset, t);
    }
    t.markets += 1;
    t.fills += r.fills;
    t.realised = t.realised.plus(dec(r.realisedPnl));
    t.fees = t.fees.plus(dec(r.fees));
    t.allFills += r.allTime.fills;
    t.allRealised = t.allRealised.plus(dec(r.allTime.realisedQuote));
    t.allFees = t.allFees.plus(dec(r.allTime.feesQuote));
    t.unrealised = t.unrealised.plus(dec(r.unrealisedPnl));
    t.roundTrips += r.roundTrips ?? 0;
  }
  return [...by].map(([asset, t]) => ({
    asset,
    markets: t.markets,
    run: { fills: t.fills, realised: money(t.realised), fees: money(t.fees) },
    allTime: { fills: t.allFills, realised: money(t.allRealised), fees: money(t.allFees) },
    unrealised: money(t.unrealised),
    roundTrips: t.roundTrips,
  }));
}
