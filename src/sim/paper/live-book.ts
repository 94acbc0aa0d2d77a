/**
 * One market's live order book as the upstream depth channel describes it, and what each update
 * changed. Pure: the feed hands it decoded frames, the mirror (mirror.ts) and the queue tracker
 * (queue.ts) act on the returned level changes.
 *
 * A snapshot (`full_reload`) is diffed against the book held, so a keepalive snapshot that repeats
 * the book changes nothing. A delta whose `past_update_id` is not the last `update_id` seen, or a
 * delta before any snapshot, is a gap: the caller must resync (the book is then untrustworthy).
 */
import type { Side } from '../book.js';
import { D, ZERO, type Dec } from '../decimal.js';

/** One price level whose live amount changed; `to` zero means the level is gone. */
export interface LevelChange {
  readonly side: Side;
  /** Canonical price string (no trailing zeros), the engine's level key. */
  readonly price: string;
  readonly priceD: Dec;
  readonly from: Dec;
  readonly to: Dec;
}

/** The parts of a `depth_update` the live book reads. */
export interface DepthFrame {
  readonly full: boolean;
  readonly updateId: number | undefined;
  readonly pastUpdateId: number | undefined;
  readonly asks: readonly (readonly [string, string])[];
  readonly bids: readonly (readonly [string, string])[];
}

export class LiveBook {
  private readonly sides: Record<Side, Map<string, Dec>> = { buy: new Map(), sell: new Map() };
  private lastUpdateId: number | undefined;
  private synced = false;

  /** True once a snapshot arrived (and no gap since). */
  get isSynced(): boolean {
    return this.synced;
  }

  /** The live amount at `price` on `side` (zero when there is no such level). */
  amountAt(side: Side, price: string): Dec {
    return this.sides[side].get(price) ?? ZERO;
  }

  /** Applies one frame; returns the changed levels, or 'gap' (the book is then unsynced). */
  apply(frame: DepthFrame): LevelChange[] | 'gap' {
    if (!frame.full) {
      const gap = !this.synced || (frame.pastUpdateId !== undefined && this.lastUpdateId !== undefined && frame.pastUpdateId !== this.lastUpdateId);
      if (gap) {
        this.synced = false;
        return 'gap';
      }
    }
    const changes: LevelChange[] = [];
    for (const [side, levels] of [
      ['sell', frame.asks],
      ['buy', frame.bids],
    ] as const) {
      const book = this.sides[side];
      const next = new Map<string, Dec>();
      for (const [p, a] of levels) next.set(new D(p).toFixed(), new D(a));
      if (frame.full) {
        // Levels a snapshot no longer lists are gone.
        for (const price of book.keys()) if (!next.has(price)) next.set(price, ZERO);
      }
      for (const [price, to] of next) {
        const from = book.get(price) ?? ZERO;
        if (from.equals(to)) continue;
        if (to.isZero()) book.delete(price);
        else book.set(price, to);
        changes.push({ side, price, priceD: new D(price), from, to });
      }
    }
    this.lastUpdateId = frame.updateId ?? this.lastUpdateId;
    this.synced = true;
    return changes;
  }

  /** Forgets the book (the feed was lost): every level is reported gone. */
  clear(): LevelChange[] {
    const out: LevelChange[] = [];
    for (const side of ['sell', 'buy'] as const) {
      for (const [price, from] of this.sides[side]) out.push({ side, price, priceD: new D(price), from, to: ZERO });
      this.sides[side].clear();
    }
    this.synced = false;
    this.lastUpdateId = undefined;
    return out;
  }
}
