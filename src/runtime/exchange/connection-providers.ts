/**
 * The real actors the runtime provides to the connection machine: `socket` (one WebSocket per
 * invocation) and `fetchToken` (the cached REST token for `authorize`).
 *
 * Hot path (PERF.md): a text frame goes `ws` → {@link decodeFrame} (parsed once) → either a
 * `socket.reply` to the machine (replies, pongs, errors: connection-level facts) or straight into
 * {@link FrameRouter.route} (market updates), synchronously, without a machine transition or an
 * await, inside the batch the turn order opens for the read (runtime/turn/turn-order.ts: one
 * journal transaction per batch, the rest of a read after a frame that sent an order routed one
 * check phase later). A frame we cannot decode or do not model is counted and logged
 * (rate-limited) and never takes the socket down; a binary frame counts as undecodable. One that may
 * have been a private update (`ordersPending`, `deals`, `balanceSpot`, or of a kind we cannot tell)
 * also makes its market, or every market when it names none, reconcile soon (lost-frames.ts).
 *
 * Lifecycle: the machine invokes `socket` on entering its `connection` state and stops it on
 * leaving, so one actor is one socket: it reports `socket.open` once connected, `socket.closed` once
 * (a failed connect included) and on cleanup closes the socket, detaches from the depth-gap sink and
 * resets the router's depth chains (the next connection starts every book from a snapshot).
 * @see whitebit-protocol.md §7.1–§7.4
 */
import { Subscription } from 'rxjs';
import { fromCallback, fromPromise } from 'xstate';
import { type Clock, type WbWsUpdate, WsTransport, decodeFrame, encodeRequest, lostFrameScope, systemClock } from '../../adapters/whitebit/index.js';
import type { SocketEvent, SocketSend } from '../../machines/connection/connection.types.js';
import { FrameRouter } from '../../machines/connection/frame-router.js';
import { DepthGapSink } from './depth-gap-sink.js';
import { type LogSink, RateLimitedLog, silentLog } from './log-sink.js';
import { LostFrames } from './lost-frames.js';
import { TurnOrder } from '../turn/turn-order.js';
import { WsTokenCache, type WsTokenCacheOptions, type WsTokenSource } from './ws-token-cache.js';
import type { SocketOrdersLink, WsSocketOrders } from './ws-socket-orders.js';

/** What of a binary frame is searched for its channel and market (the codec keeps as much of a text one). */
const MAX_BINARY_TEXT = 512;

/** Counters of what the socket actors saw; shared by every socket of one connection. */
export interface FrameStats {
  frames: number;
  replies: number;
  updates: number;
  /** Frames that did not decode, binary frames included. */
  decodeErrors: number;
  /** Of those, the ones that may have been private updates (each asks its market to reconcile). */
  privateLost: number;
  /** Reconciles asked of market actors after lost private frames (one per market per burst). */
  lostReconciles: number;
  unknown: number;
  /** Frames whose handling threw (a bug downstream); the socket stays up. */
  handlerErrors: number;
  /** Requests the machine sent while no socket was open. */
  droppedSends: number;
  /** Updates by channel (`updates` is their sum): the metrics' frames by channel. */
  readonly updatesByKind: Record<WbWsUpdate['kind'], number>;
  /**
   * `performance.now()` when the latest `deals_update` was decoded. The fill it carries reaches its
   * market actor in the same tick, so the reaction-latency metric starts its clock here (-1: none yet).
   */
  dealDecodedAt: number;
}

export function emptyFrameStats(): FrameStats {
  return {
    frames: 0,
    replies: 0,
    updates: 0,
    decodeErrors: 0,
    privateLost: 0,
    lostReconciles: 0,
    unknown: 0,
    handlerErrors: 0,
    droppedSends: 0,
    updatesByKind: { deals_update: 0, ordersPending_update: 0, lastprice_update: 0, depth_update: 0, balanceSpot_update: 0 },
    dealDecodedAt: -1,
  };
}

/** The router every socket routes into, and the sink that carries its depth gaps to the current socket. */
export interface FrameRouting {
  readonly router: FrameRouter;
  readonly depthGaps: DepthGapSink;
}

/** Returns a {@link FrameRouter} whose depth gaps reach whichever socket actor is attached. */
export function createFrameRouting(): FrameRouting {
  const depthGaps = new DepthGapSink();
  return { router: new FrameRouter(depthGaps.notify), depthGaps };
}

export interface SocketActorOptions {
  readonly wsUrl: string;
  readonly router: Pick<FrameRouter, 'route' | 'resetDepth' | 'lost' | 'markets'>;
  /** Where the router reports gaps (see {@link createFrameRouting}); without it gaps never reach the machine. */
  readonly depthGaps?: DepthGapSink;
  readonly logger?: LogSink;
  readonly clock?: Pick<Clock, 'now'>;
  /** Timers of the lost-frame window (default: the system's). */
  readonly timers?: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  /** How long a lost private frame waits for others before its markets reconcile (lost-frames.ts). */
  readonly lostFrameWindowMs?: number;
  /** Filled in place; pass one to read the counters. */
  readonly stats?: FrameStats;
  /** Handshake deadline; the machine's own connect timeout usually fires first. */
  readonly connectTimeoutMs?: number;
  /** Called when the server answers `authorize` with an error (e.g. to invalidate the token cache). */
  readonly onAuthorizeRejected?: () => void;
  /**
   * The runtime's turn order (shared with the market actors' REST calls and the journal): frames
   * are routed in its batches. Default: one of its own, without a journal.
   */
  readonly turn?: TurnOrder;
  /**
   * WS order entry (ws-socket-orders.ts): bound to each socket once open, told when `authorize`
   * succeeded, and handed the replies in its id range before the machine would see them.
   */
  readonly orders?: Pick<WsSocketOrders, 'attach'>;
}

/**
 * Returns the callback logic for the connection machine's `socket` actor.
 * @see connection.types.ts `SocketSend` / `SocketEvent`
 */
export function createSocketActor(options: SocketActorOptions) {
  const { router } = options;
  const stats = options.stats ?? emptyFrameStats();
  const log = new RateLimitedLog(options.logger ?? silentLog, options.clock ?? systemClock);
  return fromCallback<SocketSend>(({ sendBack, receive }) => {
    const tell = (e: SocketEvent): void => sendBack(e);
    const subs = new Subscription();
    const abort = new AbortController();
    let transport: WsTransport | null = null;
    let disposed = false;
    // The id of our `authorize`, to recognise its error reply (a refused token).
    let authorizeId: number | null = null;
    let orders: SocketOrdersLink | null = null;
    const detachGaps = options.depthGaps?.attach((market) => tell({ type: 'socket.depthGap', market }));
    const lost = new LostFrames(
      router,
      options.timers ?? systemClock,
      (markets) => {
        stats.lostReconciles += markets.length;
        log.warn('frameLost', { markets, count: stats.privateLost }, 'ws: private frame lost unread; reconciling its market(s)');
      },
      options.lostFrameWindowMs,
    );
    /** Counts an unreadable frame; one that may have been private marks its market(s) to reconcile. */
    const undecodable = (text: string, method: string | undefined): void => {
      stats.decodeErrors += 1;
      const scope = lostFrameScope(text, method);
      if (scope === null) return;
      stats.privateLost += 1;
      lost.note(scope.market);
    };

    const onFrame = (text: string): void => {
      stats.frames += 1;
      const m = decodeFrame(text);
      switch (m.kind) {
        case 'deals_update':
        case 'ordersPending_update':
        case 'lastprice_update':
        case 'depth_update':
        case 'balanceSpot_update':
          stats.updates += 1;
          stats.updatesByKind[m.kind] += 1;
          if (m.kind === 'deals_update') stats.dealDecodedAt = performance.now();
          router.route(m);
          return;
        case 'reply':
          stats.replies += 1;
          if (orders !== null && orders.reply(m)) return;
          if (m.id === authorizeId) orders?.authorized();
          tell({ type: 'socket.reply', id: m.id, result: m.result, error: null });
          return;
        case 'pong':
          stats.replies += 1;
          tell({ type: 'socket.reply', id: m.id, result: 'pong', error: null });
          return;
        case 'replyError':
          stats.replies += 1;
          if (orders !== null && orders.reply(m)) return;
          if (m.id === authorizeId) options.onAuthorizeRejected?.();
          tell({ type: 'socket.reply', id: m.id, result: null, error: { code: m.code, message: m.message } });
          return;
        case 'decodeError':
          undecodable(m.text, m.method);
          log.warn('decodeError', { method: m.method, reason: m.reason, text: m.text, count: stats.decodeErrors }, 'ws: undecodable frame dropped');
          return;
        case 'unknown':
          stats.unknown += 1;
          log.warn('unknown', { method: m.method, count: stats.unknown }, 'ws: frame of an unmodelled kind ignored');
          return;
      }
    };
    const safeOnFrame = (text: string): void => {
      // A throw here would surface from inside the transport's Subject as an uncaught error.
      try {
        onFrame(text);
      } catch (error) {
        stats.handlerErrors += 1;
        log.warn('handlerError', { error: String(error) }, 'ws: frame handler threw; frame dropped');
      }
    };

    const turn = options.turn ?? new TurnOrder();
    const reader = turn.reader(safeOnFrame);

    void WsTransport.connect(options.wsUrl, {
      signal: abort.signal,
      ...(options.connectTimeoutMs === undefined ? {} : { timeoutMs: options.connectTimeoutMs }),
    }).then(
      (t) => {
        if (disposed) {
          t.close();
          return;
        }
        transport = t;
        orders = options.orders?.attach(t) ?? null;
        // The counter-orders a batch releases together leave in one write (turn-order.ts rule 3).
        const unbracket = turn.aroundRelease({ begin: () => t.cork(), end: () => t.uncork() });
        subs.add(unbracket);
        subs.add(t.messages$.subscribe((text) => reader.push(text)));
        subs.add(
          t.binary$.subscribe((raw) => {
            const text = raw.length > MAX_BINARY_TEXT ? raw.slice(0, MAX_BINARY_TEXT) : raw;
            undecodable(text, undefined);
            log.warn('binary', { bytes: raw.length, count: stats.decodeErrors }, 'ws: binary frame dropped (WhiteBIT sends text)');
          }),
        );
        subs.add(
          t.closed$.subscribe((c) => {
            transport = null;
            unbracket();
            // Frames read before the close are routed before it is told.
            reader.flush();
            const reason = c.reason || (c.error?.message ?? '');
            // Replies read before the close were settled by the flush; what still waits is unknown.
            orders?.closed(`closed (${c.code}) ${reason}`.trim());
            orders = null;
            tell({ type: 'socket.closed', code: c.code, reason });
          }),
        );
        tell({ type: 'socket.open' });
      },
      (error: unknown) => {
        if (!disposed) tell({ type: 'socket.closed', code: 1006, reason: `connect failed: ${error instanceof Error ? error.message : String(error)}` });
      },
    );

    receive((e) => {
      if (e.type !== 'socket.send') return;
      if (e.method === 'authorize') authorizeId = e.id;
      if (transport === null || !transport.send(encodeRequest(e.id, e.method, e.params))) {
        stats.droppedSends += 1;
        log.warn('droppedSend', { method: e.method, id: e.id }, 'ws: request dropped, socket not open');
      }
    });

    return () => {
      disposed = true;
      lost.dispose();
      reader.dispose();
      orders?.closed('connection left');
      orders = null;
      abort.abort();
      detachGaps?.();
      subs.unsubscribe();
      transport?.close();
      transport = null;
      router.resetDepth();
    };
  });
}

/**
 * Returns the promise logic for the connection machine's `fetchToken` actor, over a
 * {@link WsTokenCache} (pass one to share it or to invalidate it from `onAuthorizeRejected`).
 */
export function createTokenActor(source: WsTokenSource | WsTokenCache, options: WsTokenCacheOptions = {}) {
  const cache = source instanceof WsTokenCache ? source : new WsTokenCache(source, options);
  return fromPromise<string>(() => cache.get());
}
