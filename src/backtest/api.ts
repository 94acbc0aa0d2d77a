/**
 * The backtest's public interface: what to run (`BacktestRequest`), what comes back
 * (`BacktestReport`), and `runBacktest`. `gridbot backtest` and the parameter sweep (`--sweep`,
 * one `runBacktest` per combination, in worker threads) both call it; everything here is plain
 * data (structured-clone safe), so a request can be posted to a worker as is.
 *
 * A per-grid parameter override (`overrides`, by market) replaces the grid's ladder step and/or
 * levels per side before the run; see `GridOverride` for how each ladder shape takes it.
 *
 * Money is decimal text in the grid's quote currency (named in `quoteAsset`), net of fees.
 */
import type { RuntimeConfig } from '../runtime/config/index.js';
import type { MarketSpec } from '../sim/markets.js';
import type { PriceSeries } from './data/index.js';
import { runBacktestEngine } from './engine/run.js';

export { BacktestInputError } from './errors.js';

/**
 * Replaces parts of one grid's ladder for a run (the sweep's axes). Absent fields keep the
 * config's value.
 * - centered ladder (`center, levelsPerSide, step`): both apply as written;
 * - bounded ladder by step (`lower, upper, step`): `step` applies; `levelsPerSide` is refused;
 * - bounded ladder by count (`lower, upper, levels`): `step` turns it into `lower, upper, step`;
 *   `levelsPerSide` is refused.
 * `step` is a quote amount (arithmetic) or a percent (geometric), as in markets.yaml.
 */
export interface GridOverride {
  readonly step?: string;
  readonly levelsPerSide?: number;
}

export interface BacktestRequest {
  /** The loaded markets.yaml (loadConfig); its grids, risk limits and `sim.balances` apply. */
  readonly config: RuntimeConfig;
  /** The prices to run over (data/load.ts). */
  readonly series: PriceSeries;
  /** Run only this market's grid; absent: the series' market when the file names one, else every grid. */
  readonly market?: string;
  /** Epoch ms; only data from this time on (inclusive). */
  readonly fromMs?: number;
  /** Epoch ms; only data before this time (exclusive). */
  readonly toMs?: number;
  /** By market: ladder changes for this run (the sweep). */
  readonly overrides?: Readonly<Record<string, GridOverride>>;
  /**
   * Market rules and maker fee per market; absent: the simulator's markets (DEFAULT_MARKETS), the
   * rules `plan` and `run` read under `exchange: sim`.
   */
  readonly markets?: readonly MarketSpec[];
  /** Most points kept per time series of the report (equity, inventory, price); default DEFAULT_MAX_SAMPLES. */
  readonly maxSamples?: number;
  /**
   * Where the journal goes (as `run` writes it; `gridbot status --journal FILE` reads it); absent:
   * a temporary one, removed after the run, so the journal code `run` uses runs. `null`: none (the
   * sweep: its runs are ranked, never read back, and the journal is a fifth of a sweep's time).
   */
  readonly journal?: string | null;
}

/** Default of `BacktestRequest.maxSamples`: enough for a chart, small enough for a sweep of 25. */
export const DEFAULT_MAX_SAMPLES = 2_000;

/** One fill of ours, as the exchange reported it (maker price, full or partial amount, fee in `feeAsset`). */
export interface BacktestFill {
  /** Epoch ms on the simulated clock (the path point that traded through the order). */
  readonly timeMs: number;
  readonly side: 'buy' | 'sell';
  readonly price: string;
  /** Base amount. */
  readonly amount: string;
  readonly fee: string;
  readonly feeAsset: string;
  readonly clientOrderId: string;
}

/** One sample of a grid's time series. */
export interface BacktestSample {
  readonly timeMs: number;
  /** The path's price at that time. */
  readonly price: string;
  /** Quote + base × price, in quote. */
  readonly equityQuote: string;
  /** Base held above the start (negative: sold more than bought). */
  readonly inventoryBase: string;
}

export interface GridBacktest {
  readonly market: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** The ladder run (after any override), in markets.yaml words, e.g. `center last, 10 per side, step 150`. */
  readonly ladder: string;
  /** Levels the plan placed at start. */
  readonly levels: number;
  /** The override applied, or null. */
  readonly override: GridOverride | null;
  /** Maker fee charged, percent. */
  readonly makerFeePercent: string;
  /** What the initial ladder locked, in quote: its buys' quote plus its sells' base at the start price. */
  readonly capitalQuote: string;
  /** Realised PnL of completed round trips, net of fees, quote. */
  readonly realisedQuote: string;
  /** The rest of `pnlQuote`: open inventory valued at the last price against its cost, quote. */
  readonly unrealisedQuote: string;
  /** Equity at the end: the account's quote and base change since the start, valued at the last price (= realised + unrealised), quote. */
  readonly pnlQuote: string;
  /** Fees paid, converted to quote at the fill price. */
  readonly feesQuote: string;
  readonly fills: number;
  /** A buy and a sell of the same quantity at adjacent levels (counted by the grid's ledger). */
  readonly roundTrips: number;
  /** Largest fall of equity from a running peak (start included), quote; ≥ 0. */
  readonly maxDrawdownQuote: string;
  /** The same, percent of `capitalQuote`. */
  readonly maxDrawdownPercent: string;
  /** Share of the run's time with the price within [lowest level, highest level], percent. */
  readonly timeInRangePercent: string;
  /** Base held above the start at the end. */
  readonly inventoryBase: string;
  /** The market machine's state at the end (`running.trading`, `stopped`, …). */
  readonly finalState: string;
  /** Why the grid stopped (a risk limit, an invalid plan …), in the machine's words; empty when it ran to the end. */
  readonly stopReasons: readonly string[];
  /** Epoch ms of the stop, or null. */
  readonly stoppedAtMs: number | null;
  readonly samples: readonly BacktestSample[];
  readonly fillList: readonly BacktestFill[];
}

export interface BacktestReport {
  readonly data: {
    readonly file: string;
    readonly kind: PriceSeries['kind'];
    /** Candles or trades used (after --from/--to). */
    readonly points: number;
    readonly fromMs: number;
    readonly toMs: number;
  };
  readonly grids: readonly GridBacktest[];
  /** Wall time of the run, ms (not simulated time). */
  readonly wallMs: number;
}

/**
 * Runs every selected grid over the series, each on its own in-process exchange and simulated
 * clock, and resolves to the report.
 * @throws BacktestInputError for an unknown market, from ≥ to, no data in the window, or an override that does not fit the ladder
 */
export async function runBacktest(request: BacktestRequest): Promise<BacktestReport> {
  return runBacktestEngine(request);
}
