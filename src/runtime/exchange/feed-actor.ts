/**
 * The market actor's `feed`: its own WebSocket updates and the connection status, as market events.
 *
 * Mapping runs synchronously inside the router's `next` (itself inside the socket's `message`
 * handler), so a fill reaches the market machine, and its counter-order the desk, in the tick the
 * frame arrived (PERF.md). Depth frames are not the grid's business and are ignored here.
 *
 * Subscriptions are the connection's job (one registry per connection, §7.5): the feed asks it to
 * add this market to `ordersPending`, `deals` and `lastprice`, and to drop it on cleanup, so a stopped
 * market stops receiving. It listens on the router before asking, so no frame of the first
 * subscription can slip past.
 */
import type { Observable } from 'rxjs';
import { type EventObject, fromCallback } from 'xstate';
import type { Channel } from '../../machines/connection/subscription-registry.js';
import type { ClientEvent, ConnectionStatus } from '../../machines/connection/connection.types.js';
import type { FrameRouter, MarketUpdate } from '../../machines/connection/frame-router.js';
import type { MarketEvent } from '../../machines/market/market.types.js';
import { dealFromWs, orderUpdateFromWs } from './wire-to-domain.js';

/** What the feed tells the connection (an `Actor<ConnectionMachine>` fits). */
export interface ConnectionHandle {
  send(event: ClientEvent): void;
}

export interface FeedOptions {
  readonly router: Pick<FrameRouter, 'market' | 'release'>;
  readonly connection: ConnectionHandle;
  /** Current status first, then changes (see `connectionStatus$`). */
  readonly status$: Observable<ConnectionStatus>;
}

/** The channels a grid needs: its order lifecycle, its executions and the price for risk checks. */
export const FEED_CHANNELS: readonly Channel[] = ['ordersPending', 'deals', 'lastprice'];

/** Returns the market event for one routed update, or null for updates the grid ignores. */
export function feedEventOf(update: MarketUpdate): MarketEvent | null {
  switch (update.kind) {
    case 'ordersPending_update':
      return { type: 'feed.order', update: orderUpdateFromWs(update) };
    case 'deals_update':
      return { type: 'feed.deal', deal: dealFromWs(update) };
    case 'lastprice_update':
      return { type: 'feed.price', price: update.price };
    case 'frame_lost':
      return { type: 'feed.lost' };
    case 'depth_update':
      return null;
  }
}

export function createFeedActor(options: FeedOptions) {
  const { router, connection, status$ } = options;
  return fromCallback<EventObject, { market: string }>(({ input, sendBack }) => {
    const market = input.market;
    const tell = (e: MarketEvent): void => sendBack(e);
    const sub = router.market(market).subscribe((u) => {
      const e = feedEventOf(u);
      if (e !== null) tell(e);
    });
    sub.add(status$.subscribe((s) => tell({ type: s === 'up' ? 'connection.up' : 'connection.down' })));
    for (const channel of FEED_CHANNELS) connection.send({ type: 'subscribe', channel, key: market });
    return () => {
      sub.unsubscribe();
      for (const channel of FEED_CHANNELS) connection.send({ type: 'unsubscribe', channel, key: market });
      router.release(market);
    };
  });
}
