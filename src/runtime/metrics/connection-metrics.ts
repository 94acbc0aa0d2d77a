/**
 * Metrics of the shared WebSocket connection.
 *
 * Counted on the path, from the connection actor's snapshots (rare: state changes, replies, gaps):
 *   gridbot_ws_reconnects_total              connections lost after being open (each starts a reconnect)
 *   gridbot_ws_resubscribes_total{cause}     `reconnect`: a full subscribe round on a new socket;
 *                                            `depth_gap`: a depth channel re-sent after a gap
 * Read at scrape time from counters the socket actor and the router already keep (FrameStats,
 * RouterStats: plain integer increments on the frame path, nothing added per frame for metrics):
 *   gridbot_ws_state{state}                  1 for the connection's current state, 0 for the others
 *   gridbot_ws_state_since_timestamp_seconds
 *   gridbot_ws_frames_total{channel}         frames received: deals, ordersPending, lastprice, depth,
 *                                            balanceSpot, reply (replies, pongs, errors), unknown, undecodable
 *   gridbot_ws_decode_errors_total           frames that did not decode, binary ones included (dropped, socket kept)
 *   gridbot_ws_lost_frame_reconciles_total   reconciles asked of markets after unreadable private frames
 *   gridbot_ws_handler_errors_total          frames whose handling threw (a bug; socket kept)
 *   gridbot_ws_depth_gaps_total              depth deltas that did not follow the previous one
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RouterStats } from '../../machines/connection/frame-router.js';
import type { FrameStats } from '../exchange/index.js';

export const CONNECTION_STATES = ['connecting', 'authorizing', 'subscribing', 'open', 'backoff', 'stopped'] as const;

/** What the scrape reads. */
export interface ConnectionSource {
  readonly frames: FrameStats;
  readonly router: { readonly stats: RouterStats };
  /** The current state (`open`, `backoff`, …), as `Runtime.connectionState()` names it. */
  state(): string;
  /** Epoch ms it was entered, when known. */
  since(): number | null;
}

export class ConnectionMetrics {
  private readonly reconnects: Counter;
  private readonly resubscribes: Counter<'cause'>;
  private readonly state: Gauge<'state'>;
  private readonly since: Gauge;
  private readonly frames: Counter<'channel'>;
  private readonly decodeErrors: Counter;
  private readonly handlerErrors: Counter;
  private readonly lostReconciles: Counter;
  private readonly depthGaps: Counter;
  private wasOpen = false;

  constructor(registry: Registry) {
    const registers = [registry];
    this.reconnects = new Counter({
      name: 'gridbot_ws_reconnects_total',
      help: 'WebSocket connections lost after being open (each starts a reconnect).',
      registers,
    });
    this.resubscribes = new Counter({
      name: 'gridbot_ws_resubscribes_total',
      help: 'Resubscriptions: a full round after a reconnect, or one depth channel after a gap.',
      labelNames: ['cause'] as const,
      registers,
    });
    this.resubscribes.inc({ cause: 'reconnect' }, 0);
    this.resubscribes.inc({ cause: 'depth_gap' }, 0);
    this.state = new Gauge({
      name: 'gridbot_ws_state',
      help: "1 for the connection's current state, 0 for the others.",
      labelNames: ['state'] as const,
      registers,
    });
    this.since = new Gauge({
      name: 'gridbot_ws_state_since_timestamp_seconds',
      help: 'When the connection entered its current state (unix seconds).',
      registers,
    });
    this.frames = new Counter({ name: 'gridbot_ws_frames_total', help: 'WebSocket frames received, by channel.', labelNames: ['channel'] as const, registers });
    this.decodeErrors = new Counter({
      name: 'gridbot_ws_decode_errors_total',
      help: 'WebSocket frames that did not decode, binary ones included (dropped; the socket stays up).',
      registers,
    });
    this.handlerErrors = new Counter({
      name: 'gridbot_ws_handler_errors_total',
      help: 'WebSocket frames whose handling threw (dropped; the socket stays up).',
      registers,
    });
    this.lostReconciles = new Counter({
      name: 'gridbot_ws_lost_frame_reconciles_total',
      help: 'Reconciles asked of markets after private frames arrived unreadable (one per market per burst).',
      registers,
    });
    this.depthGaps = new Counter({
      name: 'gridbot_ws_depth_gaps_total',
      help: 'Depth updates that did not follow the previous one (the book is resubscribed).',
      registers,
    });
  }

  /** The connection actor changed state (`from` null: its first snapshot). */
  stateChanged(from: string | null, to: string): void {
    if (from === 'open' && to !== 'stopped') this.reconnects.inc();
    if (to === 'subscribing' && this.wasOpen) this.resubscribes.inc({ cause: 'reconnect' });
    if (to === 'open') this.wasOpen = true;
  }

  /** The connection got `n` depth gaps while open: it re-sends each market's depth subscription. */
  depthGapResubscribe(n = 1): void {
    this.resubscribes.inc({ cause: 'depth_gap' }, n);
  }

  /** Sets the scrape-time values. */
  refresh(source: ConnectionSource | null): void {
    this.state.reset();
    const current = source?.state() ?? 'connecting';
    for (const s of CONNECTION_STATES) this.state.set({ state: s }, s === current ? 1 : 0);
    if (!(CONNECTION_STATES as readonly string[]).includes(current)) this.state.set({ state: current }, 1);
    const since = source?.since() ?? null;
    this.since.reset();
    if (since !== null) this.since.set(since / 1000);
    if (source === null) return;
    const f = source.frames;
    const k = f.updatesByKind;
    this.frames.reset();
    this.frames.inc({ channel: 'deals' }, k.deals_update);
    this.frames.inc({ channel: 'ordersPending' }, k.ordersPending_update);
    this.frames.inc({ channel: 'lastprice' }, k.lastprice_update);
    this.frames.inc({ channel: 'depth' }, k.depth_update);
    this.frames.inc({ channel: 'balanceSpot' }, k.balanceSpot_update);
    this.frames.inc({ channel: 'reply' }, f.replies);
    this.frames.inc({ channel: 'unknown' }, f.unknown);
    this.frames.inc({ channel: 'undecodable' }, f.decodeErrors);
    setCounter(this.decodeErrors, f.decodeErrors);
    setCounter(this.handlerErrors, f.handlerErrors);
    setCounter(this.lostReconciles, f.lostReconciles);
    setCounter(this.depthGaps, source.router.stats.depthGaps);
  }
}

/** Sets an unlabelled counter to a running total kept elsewhere (monotonic for the runtime's life). */
function setCounter(c: Counter, total: number): void {
  c.reset();
  c.inc(total);
}
