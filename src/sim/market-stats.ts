/**
 * Rolling 24 h statistics of one market for /public/ticker (v4) and /api/v1/public/ticker: volumes,
 * open/high/low and the change since the price 24 h ago. Trades are bucketed per minute so memory stays at 1440 buckets however busy
 * the market is; the ticker is a summary, so minute resolution is enough.
 */
import { D, ZERO, fmt, type Dec } from './decimal.js';

interface Bucket {
  readonly minute: number;
  readonly open: Dec;
  high: Dec;
  low: Dec;
  base: Dec;
  quote: Dec;
}

const DAY_MINUTES = 24 * 60;

/** The rolling 24 h figures, as decimal strings (`change` in percent, open → last). */
export interface MarketSummary {
  readonly last_price: string;
  readonly base_volume: string;
  readonly quote_volume: string;
  readonly change: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
}

export class MarketStats {
  private readonly buckets: Bucket[] = [];
  private last: Dec;

  constructor(startPrice: string) {
    this.last = new D(startPrice);
  }

  record(timeMs: number, price: Dec, base: Dec, quote: Dec): void {
    const minute = Math.floor(timeMs / 60_000);
    let bucket = this.buckets[this.buckets.length - 1];
    if (!bucket || bucket.minute !== minute) {
      bucket = { minute, open: this.last, high: price, low: price, base: ZERO, quote: ZERO };
      this.buckets.push(bucket);
    }
    if (price.greaterThan(bucket.high)) bucket.high = price;
    if (price.lessThan(bucket.low)) bucket.low = price;
    bucket.base = bucket.base.plus(base);
    bucket.quote = bucket.quote.plus(quote);
    this.last = price;
    this.prune(minute);
  }

  lastPrice(): Dec {
    return this.last;
  }

  /**
   * Returns the 24 h summary as of `nowMs`. `open` is the price before the window's first trade;
   * high and low span the window's trades (all equal to the last price when there were none).
   */
  summary(nowMs: number): MarketSummary {
    this.prune(Math.floor(nowMs / 60_000));
    let base = ZERO;
    let quote = ZERO;
    let high = this.last;
    let low = this.last;
    for (const b of this.buckets) {
      base = base.plus(b.base);
      quote = quote.plus(b.quote);
      if (b.high.greaterThan(high)) high = b.high;
      if (b.low.lessThan(low)) low = b.low;
    }
    const open = this.buckets[0]?.open ?? this.last;
    const change = open.isZero() ? ZERO : this.last.minus(open).div(open).times(100).toDecimalPlaces(2);
    return {
      last_price: fmt(this.last),
      base_volume: fmt(base),
      quote_volume: fmt(quote),
      change: fmt(change),
      open: fmt(open),
      high: fmt(high),
      low: fmt(low),
    };
  }

  private prune(minute: number): void {
    while (this.buckets.length > 0 && (this.buckets[0]?.minute ?? minute) <= minute - DAY_MINUTES) this.buckets.shift();
  }
}
