/**
 * Routes decoded WebSocket updates to per-market RxJS streams with one Map lookup per frame.
 *
 * Why not one Subject filtered per market: 500 `filter(m => m.market === k)` subscribers cost ~100x
 * a Map lookup per frame and grow with the market count (PERF.md). The router is called
 * synchronously from the socket's `message` handler, so a fill reaches its market actor in the same
 * tick it arrived.
 *
 * Depth integrity lives here because only the router sees every depth frame in order: a delta whose
 * `past_update_id` is not the previous `update_id` means a frame was lost, the local book is wrong,
 * and everything up to the next full snapshot is dropped while the connection resubscribes.
 */
import { Subject, type Observable } from 'rxjs';
import type {
  WbBalanceSpotUpdate,
  WbDealsUpdate,
  WbDepthUpdate,
  WbLastpriceUpdate,
  WbOrdersPendingUpdate,
  WbWsUpdate,
} from '../../adapters/whitebit/codec/ws-frames.js';

/** Not a frame: a private frame that may have concerned this market arrived but could not be read. */
export interface FrameLost {
  readonly kind: 'frame_lost';
  readonly market: string;
}

/** What one market's stream carries: its own updates, already decoded, and word of lost ones. */
export type MarketUpdate = WbDealsUpdate | WbOrdersPendingUpdate | WbLastpriceUpdate | WbDepthUpdate | FrameLost;

export interface RouterStats {
  routed: number;
  /** Updates for a market nobody listens to (e.g. a manual order on another market of the account). */
  unrouted: number;
  depthGaps: number;
}

export class FrameRouter {
  private readonly streams = new Map<string, Subject<MarketUpdate>>();
  private readonly lastDepthId = new Map<string, number>();
  /** Markets waiting for a full snapshot after a gap: their deltas are dropped. */
  private readonly awaitingSnapshot = new Set<string>();
  private readonly balances = new Subject<WbBalanceSpotUpdate>();
  readonly stats: RouterStats = { routed: 0, unrouted: 0, depthGaps: 0 };

  /** @param onDepthGap called once per detected gap; the connection resubscribes that market's depth. */
  constructor(private readonly onDepthGap: (market: string) => void) {}

  /** Returns the stream of `market`; the same Subject for every caller, created on first use. */
  market(market: string): Observable<MarketUpdate> {
    return this.subjectOf(market).asObservable();
  }

  balanceUpdates(): Observable<WbBalanceSpotUpdate> {
    return this.balances.asObservable();
  }

  /** Forgets a market's stream (completing it) once its actor stopped. */
  release(market: string): void {
    this.streams.get(market)?.complete();
    this.streams.delete(market);
    this.lastDepthId.delete(market);
    this.awaitingSnapshot.delete(market);
  }

  route(update: WbWsUpdate): void {
    let market: string;
    switch (update.kind) {
      case 'deals_update':
      case 'lastprice_update':
        market = update.market;
        break;
      case 'ordersPending_update':
        market = update.order.market;
        break;
      case 'depth_update':
        if (!this.depthInOrder(update)) return;
        market = update.market;
        break;
      case 'balanceSpot_update':
        this.balances.next(update);
        return;
    }
    const stream = this.streams.get(market);
    if (stream === undefined) {
      this.stats.unrouted += 1;
      return;
    }
    this.stats.routed += 1;
    stream.next(update);
  }

  /** Markets with a stream (each one's feed listens to its private channels). */
  markets(): string[] {
    return [...this.streams.keys()];
  }

  /** Tells `market`'s stream that a frame of its private channels was lost; false when nobody listens. */
  lost(market: string): boolean {
    const stream = this.streams.get(market);
    if (stream === undefined) return false;
    stream.next({ kind: 'frame_lost', market });
    return true;
  }

  /** Stops routing after the connection is lost: depth chains restart from a snapshot. */
  resetDepth(): void {
    this.lastDepthId.clear();
    this.awaitingSnapshot.clear();
  }

  private depthInOrder(update: WbDepthUpdate): boolean {
    const market = update.market;
    if (update.full_reload) {
      this.awaitingSnapshot.delete(market);
      if (update.update_id !== undefined) this.lastDepthId.set(market, update.update_id);
      return true;
    }
    if (this.awaitingSnapshot.has(market)) return false;
    const last = this.lastDepthId.get(market);
    if (last === undefined || update.past_update_id !== last) {
      this.stats.depthGaps += 1;
      this.awaitingSnapshot.add(market);
      this.lastDepthId.delete(market);
      this.onDepthGap(market);
      return false;
    }
    if (update.update_id !== undefined) this.lastDepthId.set(market, update.update_id);
    return true;
  }

  private subjectOf(market: string): Subject<MarketUpdate> {
    let s = this.streams.get(market);
    if (s === undefined) {
      s = new Subject<MarketUpdate>();
      this.streams.set(market, s);
    }
    return s;
  }
}
