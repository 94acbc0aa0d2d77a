/**
 * The running figures of one grid over the path: equity, its largest drawdown, time in range and
 * the sampled series the report draws. Fed once per path point, in time order.
 *
 * Equity is what the grid's account gained or lost since the start, valued at the path's price:
 * Δquote + Δbase × price (balances available + frozen, fees already taken by the engine). It starts
 * at 0, so the drawdown is measured from a peak that is at least the start.
 */
import { cmpDec } from '../../grid/decimal.js';
import { D, type Decimal, toPlain } from '../../grid/index.js';
import type { BacktestSample } from '../api.js';

export interface RangeBounds {
  readonly low: Decimal;
  readonly high: Decimal;
}

export class GridFigures {
  private peak: Decimal = new D(0);
  private maxDrawdown: Decimal = new D(0);
  private lastEquity: Decimal = new D(0);
  private lastTime: number | null = null;
  private lastPrice: Decimal | null = null;
  private inRangeMs = 0;
  private totalMs = 0;
  private range: RangeBounds | null = null;
  private readonly samples: BacktestSample[] = [];
  private pointIndex = 0;

  constructor(
    /** Keep one sample every `every` points (and the last). */
    private readonly every: number,
  ) {}

  /** The ladder's price range (lowest to highest level), once the plan is known; null: no plan (never in range). */
  setRange(range: RangeBounds | null): void {
    this.range = range;
  }

  /** Records the path at `timeMs`: price and the holdings' change since the start. */
  point(timeMs: number, price: Decimal, priceText: string, quoteDelta: Decimal, baseDelta: Decimal): void {
    this.elapse(timeMs);
    this.lastPrice = price;
    const equity = baseDelta.isZero() ? quoteDelta : quoteDelta.plus(baseDelta.times(price));
    this.lastEquity = equity;
    const c = cmpDec(equity, this.peak);
    if (c > 0) this.peak = equity;
    else if (c < 0) {
      const dd = this.peak.minus(equity);
      if (cmpDec(dd, this.maxDrawdown) > 0) this.maxDrawdown = dd;
    }
    if (this.pointIndex % this.every === 0) this.samples.push(sampleOf(timeMs, priceText, equity, baseDelta));
    this.pointIndex += 1;
  }

  /** Closes the run at `endMs`; `last` is the final sample (kept even between sampling steps). */
  finish(endMs: number, last: BacktestSample | null): void {
    this.elapse(endMs);
    const tail = this.samples[this.samples.length - 1];
    if (last !== null && (tail === undefined || tail.timeMs !== last.timeMs)) this.samples.push(last);
  }

  result() {
    return {
      equity: this.lastEquity,
      maxDrawdown: this.maxDrawdown,
      /** The peak the largest drawdown fell from is not kept; the percent is against capital (see grid-run.ts). */
      timeInRangePercent: this.totalMs === 0 ? '0' : toPlain(new D(this.inRangeMs).times(100).div(this.totalMs), 2),
      samples: this.samples as readonly BacktestSample[],
    };
  }

  /** Counts the time since the last point at the last point's price (the price holds until the next point). */
  private elapse(timeMs: number): void {
    if (this.lastTime !== null && this.lastPrice !== null && timeMs > this.lastTime) {
      const d = timeMs - this.lastTime;
      this.totalMs += d;
      const r = this.range;
      if (r !== null && cmpDec(this.lastPrice, r.low) >= 0 && cmpDec(this.lastPrice, r.high) <= 0) this.inRangeMs += d;
    }
    if (this.lastTime === null || timeMs > this.lastTime) this.lastTime = timeMs;
  }
}

export function sampleOf(timeMs: number, priceText: string, equity: Decimal, baseDelta: Decimal): BacktestSample {
  return { timeMs, price: priceText, equityQuote: toPlain(equity), inventoryBase: toPlain(baseDelta) };
}
