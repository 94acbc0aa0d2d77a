/**
 * Rolling 24 h statistics of one market for /public/ticker: volumes and the change since the
 * price 24 h ago. Trades are bucketed per minute so memory stays at 1440 buckets however busy
 * the market is; the ticker is a summary, so minute resolution is enough.
 */
import { D, ZERO, fmt, type Dec } from './decimal.js';

interface Bucket {
  readonly minute: number;
  readonly open: Dec;
  base: Dec;
  quote: Dec;
}

const DAY_MINUTES = 24 * 60;

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
      bucket = { minute, open: this.last, base: ZERO, quote: ZERO };
      this.buckets.push(bucket);
    }
    bucket.base = bucket.base.plus(base);
    bucket.quote = bucket.quote.plus(quote);
    this.last = price;
    this.prune(minute);
  }

  lastPrice(): Dec {
    return this.last;
  }

  /** Returns the 24 h summary as of `nowMs`. */
  summary(nowMs: number): { last_price: string; base_volume: string; quote_volume: string; change: string } {
    this.prune(Math.floor(nowMs / 60_000));
    let base = ZERO;
    let quote = ZERO;
    for (const b of this.buckets) {
      base = base.plus(b.base);
      quote = quote.plus(b.quote);
    }
    const open = this.buckets[0]?.open ?? this.last;
    const change = open.isZero() ? ZERO : this.last.minus(open).div(open).times(100).toDecimalPlaces(2);
    return { last_price: fmt(this.last), base_volume: fmt(base), quote_volume: fmt(quote), change: fmt(change) };
  }

  private prune(minute: number): void {
    while (this.buckets.length > 0 && (this.buckets[0]?.minute ?? minute) <= minute - DAY_MINUTES) this.buckets.shift();
  }
}
