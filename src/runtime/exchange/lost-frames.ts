/**
 * Private frames that arrived but could not be read, turned into one reconcile per market.
 *
 * Why: WhiteBIT never repeats an `ordersPending` or `deals` update, so an unreadable one may hide an
 * order's end or a fill until the next periodic reconcile (minutes). The socket actor notes each
 * such frame here with its market when the text names one (null: every market listening, since the
 * frame could have been anyone's); the first note opens a short window and, when it closes, each
 * noted market's stream is told once (`frame_lost`, a `feed.lost` for its market actor). A burst of
 * corrupt frames thus costs one reconcile per market, not one per frame.
 */
import type { Clock } from '../../adapters/whitebit/index.js';
import type { FrameRouter } from '../../machines/connection/frame-router.js';

/** How long the first lost frame waits for others before its markets are told. */
export const LOST_FRAME_WINDOW_MS = 250;

export class LostFrames {
  private readonly noted = new Set<string>();
  private everyMarket = false;
  private timer: unknown = null;

  constructor(
    private readonly router: Pick<FrameRouter, 'lost' | 'markets'>,
    private readonly timers: Pick<Clock, 'setTimeout' | 'clearTimeout'>,
    /** Told the markets of each window as they are told (a log line, a counter). */
    private readonly onTold: (markets: readonly string[]) => void = () => {},
    private readonly windowMs = LOST_FRAME_WINDOW_MS,
  ) {}

  /** Notes a lost frame of `market`, or of any market when the frame does not say. */
  note(market: string | null): void {
    if (market === null) this.everyMarket = true;
    else this.noted.add(market);
    if (this.timer === null) this.timer = this.timers.setTimeout(() => this.tell(), this.windowMs);
  }

  /** Forgets what is noted (the socket closed: the reconnect reconciles anyway). */
  dispose(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.noted.clear();
    this.everyMarket = false;
  }

  private tell(): void {
    this.timer = null;
    const listening = this.router.markets();
    // A market name the corruption invented (or nobody trades) tells no one: then every market is told.
    const named = [...this.noted].filter((m) => listening.includes(m));
    const markets = this.everyMarket || named.length < this.noted.size ? listening : named;
    this.noted.clear();
    this.everyMarket = false;
    const told = markets.filter((m) => this.router.lost(m));
    if (told.length > 0) this.onTold(told);
  }
}
