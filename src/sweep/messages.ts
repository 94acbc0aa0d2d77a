/**
 * What the sweep's parent and its worker threads say to each other. Plain data only (structured
 * clone): the base request goes once per worker as `workerData`, then one override per message.
 */
import type { BacktestRequest, GridBacktest, GridOverride } from '../backtest/api.js';

/** The worker's `workerData`: every combination runs this request with its own override of `market`. */
export interface SweepWorkerData {
  readonly base: Omit<BacktestRequest, 'overrides'>;
  readonly market: string;
}

/** Parent → worker: run combination `index`. */
export interface SweepTask {
  readonly index: number;
  readonly override: GridOverride;
}

/** A grid's figures without its time series and fill list (a sweep shows one row per combination). */
export type SweepFigures = Omit<GridBacktest, 'samples' | 'fillList'>;

/** Worker → parent: the figures of combination `index`, or why it could not run. */
export type SweepOutcome =
  | { readonly index: number; readonly ok: true; readonly grid: SweepFigures }
  /** `input`: a BacktestInputError (the override does not fit the ladder …): bad input, exit 2. */
  | { readonly index: number; readonly ok: false; readonly input: boolean; readonly message: string };
