/**
 * Many 1-minute klines fast: a seeded log-normal walk (the simulator's prng), each minute's open,
 * high, low and close taken from SUBSTEPS steps of it, written as v1 kline rows. For the bench's 30
 * days, where running the simulator's engine tick by tick (sim-candles.ts) would take minutes.
 *
 * Why floats: the walk is a model variable, as in the simulator's price process; every price is
 * written as fixed decimal text at the market's precision, and the backtest reads it as text.
 */
import { mulberry32 } from '../../sim/prng.js';
import type { KlineRow } from '../data/index.js';

export interface WalkCandlesOptions {
  readonly seed: number;
  /** First open time, epoch ms (rounded down to the minute). */
  readonly startMs: number;
  readonly minutes: number;
  readonly startPrice: number;
  /** Standard deviation of the log return per sub-step. */
  readonly volatility: number;
  /** Decimals of the prices. */
  readonly decimals: number;
}

const SUBSTEPS = 12;

export function walkCandles(o: WalkCandlesOptions): KlineRow[] {
  const rng = mulberry32(o.seed);
  const start = Math.floor(o.startMs / 60_000) * 60;
  const rows: KlineRow[] = [];
  let p = o.startPrice;
  for (let m = 0; m < o.minutes; m += 1) {
    const open = p;
    let high = p;
    let low = p;
    for (let k = 0; k < SUBSTEPS; k += 1) {
      p *= Math.exp(o.volatility * rng.normal());
      high = Math.max(high, p);
      low = Math.min(low, p);
    }
    const f = (x: number): string => x.toFixed(o.decimals);
    rows.push([start + 60 * m, f(open), f(p), f(high), f(low), '1', f(p)]);
  }
  return rows;
}
