/**
 * The live feed of the paper exchange: one WebSocket to the upstream (WhiteBIT, or a local simulator
 * playing it in tests) with `depth_subscribe` per market (full book, 100 levels) and one
 * `trades_subscribe` for all of them. Public channels only: it never authorizes and holds no keys.
 *
 * It reports what it hears as {@link FeedEvent}s and decides nothing about trading. A lost feed is
 * reported once per connection (`down` with the reason: the socket closed, no frame for `staleMs`,
 * an error reply, an undecodable frame), then it reconnects after `reconnectMs` and subscribes again.
 * It pings every `pingMs` so an idle upstream neither closes the socket nor looks stale.
 * Timers run on the simulator's clock.
 */
import { WsTransport, decodeFrame, depthSubscribeCall, encodeCall, pingCall, type WbDepthUpdate } from '../../adapters/whitebit/index.js';
import { TimerGroup, type Cancel, type SimClock } from '../clock.js';
import { decodeTradesUpdate, type TradesUpdate } from './trades-codec.js';

export type FeedEvent =
  | { readonly type: 'connected' }
  | { readonly type: 'depth'; readonly update: WbDepthUpdate }
  /** `snapshot`: the first batch per market after subscribing (history, not new trades). */
  | { readonly type: 'trades'; readonly update: TradesUpdate; readonly snapshot: boolean }
  | { readonly type: 'down'; readonly reason: string }
  /** The upstream refused `trades_subscribe`: only the book can fill paper orders on this connection. */
  | { readonly type: 'noTrades'; readonly reason: string };

export interface FeedOptions {
  readonly wsUrl: string;
  readonly markets: readonly string[];
  readonly clock: SimClock;
  readonly staleMs: number;
  readonly pingMs: number;
  readonly reconnectMs: number;
}

export class UpstreamFeed {
  private readonly timers: TimerGroup;
  private socket: WsTransport | null = null;
  private stopped = false;
  private stale: Cancel | null = null;
  private nextId = 1;
  private failCurrent: ((reason: string) => void) | null = null;

  constructor(
    private readonly options: FeedOptions,
    private readonly listener: (e: FeedEvent) => void,
  ) {
    this.timers = new TimerGroup(options.clock);
  }

  /** Connects (and keeps reconnecting) until `stop`. */
  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.timers.clearAll();
    this.socket?.terminate();
    this.socket = null;
  }

  private async connect(): Promise<void> {
    let socket: WsTransport;
    try {
      socket = await WsTransport.connect(this.options.wsUrl, { timeoutMs: this.options.staleMs });
    } catch (e) {
      if (this.stopped) return;
      this.lost(null, `connect failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (this.stopped) {
      socket.terminate();
      return;
    }
    this.socket = socket;
    const seen = new Set<string>();
    let down = false;
    const fail = (reason: string): void => {
      if (down) return;
      down = true;
      this.lost(socket, reason);
    };
    this.failCurrent = fail;
    const tradesId = this.nextId++;
    socket.messages$.subscribe((text) => {
      if (down) return;
      this.armStale(() => fail(`no frame for ${this.options.staleMs} ms`));
      const msg = decodeFrame(text);
      switch (msg.kind) {
        case 'depth_update':
          return this.listener({ type: 'depth', update: msg });
        case 'unknown': {
          if (msg.method !== 'trades_update') return;
          const params = (msg.frame as { params?: unknown }).params;
          const update = Array.isArray(params) ? decodeTradesUpdate(params) : 'params must be an array';
          if (typeof update === 'string') return fail(`bad trades_update: ${update}`);
          const snapshot = !seen.has(update.market);
          seen.add(update.market);
          return this.listener({ type: 'trades', update, snapshot });
        }
        case 'replyError':
          if (msg.id === tradesId)
            return this.listener({ type: 'noTrades', reason: `upstream answered trades_subscribe with error ${msg.code} ${msg.message}` });
          return fail(`upstream answered error ${msg.code} ${msg.message}`);
        case 'decodeError':
          return fail(`bad frame from upstream: ${msg.reason}`);
        default:
          return;
      }
    });
    socket.closed$.subscribe((info) => fail(`upstream closed the socket (${info.code}${info.reason ? ` ${info.reason}` : ''})`));
    this.listener({ type: 'connected' });
    for (const market of this.options.markets) socket.send(encodeCall(this.nextId++, depthSubscribeCall(market, 100, '0', true)));
    socket.send(encodeCall(tradesId, { method: 'trades_subscribe', params: [...this.options.markets] }));
    const ping = this.timers.every(this.options.pingMs, () => socket.send(encodeCall(this.nextId++, pingCall())));
    socket.closed$.subscribe(() => ping());
    this.armStale(() => fail(`no frame for ${this.options.staleMs} ms`));
  }

  /** Drops the connection as lost (a depth gap: the books must be rebuilt from fresh snapshots). */
  drop(reason: string): void {
    this.failCurrent?.(reason);
  }

  private armStale(onStale: () => void): void {
    this.stale?.();
    this.stale = this.timers.setTimer(this.options.staleMs, onStale);
  }

  /** Reports the loss once, drops the socket and tries again after `reconnectMs`. */
  private lost(socket: WsTransport | null, reason: string): void {
    if (this.stopped) return;
    this.stale?.();
    this.stale = null;
    socket?.terminate();
    if (this.socket === socket) this.socket = null;
    this.failCurrent = null;
    this.listener({ type: 'down', reason });
    this.timers.setTimer(this.options.reconnectMs, () => void this.connect());
  }
}
