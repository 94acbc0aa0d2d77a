/**
 * The paper exchange: the embedded WhiteBIT-compatible engine with its markets, ticker, order book
 * and public trades taken from live WhiteBIT (public endpoints and channels only, no keys), while
 * balances, orders and fills stay local. `startPaperExchange` reads the upstream's markets and ticker,
 * starts the simulator without its price process, and keeps the live feed (feed.ts) mirrored into it:
 * - depth: every book change is rested as house orders (mirror.ts), so paper orders trade against the
 *   live book at live prices, and a live book moving through a resting paper order fills it;
 * - trades: a live trade at or through a resting paper order's price fills it after the live queue
 *   ahead of it (queue.ts); every live trade goes on the local tape and ticker;
 * - the feed lost (socket closed, stale, a depth gap): the exchange stops trading at once. It closes
 *   its clients' WS connections and answers REST with 503 until every book is rebuilt from a fresh
 *   snapshot, so a bot sees `reconnecting`, never fills on stale prices.
 *
 * Entry point: {@link startPaperExchange}.
 */
import { WhitebitRestClient } from '../../adapters/whitebit/index.js';
import { ZERO } from '../decimal.js';
import { HOUSE_ACCOUNT, startSimulator, type Simulator, type SimulatorOptions } from '../index.js';
import type { Market } from '../markets.js';
import { PriceProcess } from '../price-process.js';
import { UpstreamFeed, type FeedEvent } from './feed.js';
import { LiveBook } from './live-book.js';
import { HouseMirror } from './mirror.js';
import { QueueTracker, type LiveTrade } from './queue.js';
import type { TradesUpdate } from './trades-codec.js';
import { PaperUpstreamError, WHITEBIT_PUBLIC_UPSTREAM, marketSpecs, type UpstreamUrls } from './upstream.js';

export { PAPER_DEFAULT_MARKETS, PaperUpstreamError, WHITEBIT_PUBLIC_UPSTREAM, type UpstreamUrls } from './upstream.js';

/** `syncing`: connected, not every book rebuilt yet; `live`: trading; `down`: the feed is lost. */
export type PaperFeedState = 'syncing' | 'live' | 'down';

export interface PaperOptions {
  /** The markets to mirror (each must be a spot market of the upstream). */
  readonly markets: readonly string[];
  /** Default {@link WHITEBIT_PUBLIC_UPSTREAM}. */
  readonly upstream?: UpstreamUrls;
  /** No frame from upstream for this long (pings included) counts as lost. Default 20 000 ms. */
  readonly staleMs?: number;
  /** Keepalive ping period. Default 5 000 ms. */
  readonly pingMs?: number;
  /** Wait before reconnecting a lost feed. Default 2 000 ms. */
  readonly reconnectMs?: number;
  /** How long the start waits for every book's first snapshot. Default 30 000 ms. */
  readonly startTimeoutMs?: number;
  /** The local side: accounts, port, clock, limits. Markets, the price process and availability are the paper exchange's. */
  readonly simulator?: Omit<SimulatorOptions, 'markets' | 'priceProcess' | 'tickMs' | 'available'>;
}

export interface PaperExchange extends Simulator {
  readonly upstream: UpstreamUrls;
  feedState(): PaperFeedState;
  /** Why the feed was last lost (null while it never was). */
  lastLoss(): string | null;
  /** Set when the upstream has no public trades channel: resting orders then fill from the book only. */
  tradesMissing(): string | null;
  /** Resolves the next time the feed is live (at once when it is). */
  whenLive(): Promise<void>;
  /** Told every feed state change; returns the unsubscribe function. */
  onFeedState(listener: (state: PaperFeedState) => void): () => void;
}

/** Starts the paper exchange; resolves once every book is live. @throws PaperUpstreamError */
export async function startPaperExchange(options: PaperOptions): Promise<PaperExchange> {
  const upstream = options.upstream ?? WHITEBIT_PUBLIC_UPSTREAM;
  const rest = new WhitebitRestClient({ baseUrl: upstream.rest, retry: { maxAttempts: 2, baseDelayMs: 500 }, timeoutMs: 10_000 });
  let specs;
  try {
    specs = marketSpecs(options.markets, await rest.publicMarkets(), await rest.publicTicker(), upstream.rest);
  } catch (e) {
    if (e instanceof PaperUpstreamError) throw e;
    throw new PaperUpstreamError(`cannot read markets from ${upstream.rest}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await rest.close();
  }

  let state: PaperFeedState = 'syncing';
  let loss: string | null = null;
  let tradesMissing: string | null = null;
  let waiters: (() => void)[] = [];
  const sim = await startSimulator({ ...options.simulator, markets: specs, priceProcess: false, tickMs: 0, available: () => state === 'live' });
  const exchange = sim.exchange;
  const clock = sim.clock;
  exchange.openAccount({ id: HOUSE_ACCOUNT, balances: PriceProcess.houseBalances(exchange.markets.values()), keepHistory: false });

  const books = new Map<string, { market: Market; live: LiveBook; mirror: HouseMirror; lastTradeId: number }>();
  for (const market of exchange.markets.values()) {
    books.set(market.name, { market, live: new LiveBook(), mirror: new HouseMirror(exchange, HOUSE_ACCOUNT, market), lastTradeId: 0 });
  }
  const queue = new QueueTracker();
  exchange.on((e) => {
    if (e.type !== 'order' || e.accountId === HOUSE_ACCOUNT) return;
    if (e.event === 1) queue.join(e.order.id, e.order.side, e.order.price, books.get(e.order.market)?.live.amountAt(e.order.side, e.order.price) ?? ZERO);
    else if (e.event === 3) queue.leave(e.order.id);
  });

  const stateListeners = new Set<(s: PaperFeedState) => void>();
  const setState = (next: PaperFeedState): void => {
    if (next === state) return;
    state = next;
    for (const l of [...stateListeners]) l(next);
    if (next !== 'live') return;
    const ready = waiters;
    waiters = [];
    for (const w of ready) w();
  };

  const onTrades = (update: TradesUpdate, snapshot: boolean): void => {
    const book = books.get(update.market);
    if (!book) return;
    for (const t of update.trades) {
      if (t.id <= book.lastTradeId) continue;
      book.lastTradeId = t.id;
      exchange.recordExternalTrade({
        id: t.id,
        market: book.market.name,
        timeMs: t.timeMs,
        price: t.price,
        amount: t.amount,
        quote: t.amount.times(t.priceD),
        takerSide: t.takerSide,
        makerAccountId: HOUSE_ACCOUNT,
        takerAccountId: HOUSE_ACCOUNT,
        makerOrderId: 0,
        takerOrderId: 0,
      });
      // The snapshot is history: only trades printed while the feed is live can fill.
      if (!snapshot && state === 'live') fillFromTrade(book.market.name, t);
    }
  };

  const fillFromTrade = (market: string, trade: LiveTrade): void => {
    const resting = exchange
      .activeOrders(null, { market })
      .filter((o) => o.accountId !== HOUSE_ACCOUNT)
      .map((o) => ({ id: o.id, side: o.side, price: o.price, priceD: o.priceD, left: o.left, seq: o.id }));
    for (const fill of queue.allocate(trade, resting, clock.now())) exchange.fillResting(fill.orderId, HOUSE_ACCOUNT, fill.amount, clock.now());
  };

  const onFeed = (e: FeedEvent): void => {
    switch (e.type) {
      case 'connected':
        setState('syncing');
        return;
      case 'depth': {
        const book = books.get(e.update.market);
        if (!book) return;
        const changes = book.live.apply({
          full: e.update.full_reload,
          updateId: e.update.update_id,
          pastUpdateId: e.update.past_update_id,
          asks: e.update.asks,
          bids: e.update.bids,
        });
        if (changes === 'gap') return feed.drop(`depth gap on ${book.market.name}`);
        book.mirror.apply(changes, clock.now());
        for (const c of changes) queue.levelChanged(c.side, c.price, c.to, clock.now());
        if (state === 'syncing' && [...books.values()].every((b) => b.live.isSynced)) setState('live');
        return;
      }
      case 'trades':
        return onTrades(e.update, e.snapshot);
      case 'noTrades':
        tradesMissing = e.reason;
        return;
      case 'down': {
        loss = e.reason;
        if (state === 'down') return;
        const now = clock.now();
        for (const b of books.values()) {
          b.live.clear();
          b.mirror.clear(now);
        }
        // The gate closes before the sockets do, so a client that reconnects at once is refused.
        setState('down');
        sim.faults.closeSockets('all');
        return;
      }
    }
  };

  const feed = new UpstreamFeed(
    {
      wsUrl: upstream.ws,
      markets: [...books.keys()],
      clock,
      staleMs: options.staleMs ?? 20_000,
      pingMs: options.pingMs ?? 5_000,
      reconnectMs: options.reconnectMs ?? 2_000,
    },
    onFeed,
  );

  const whenLive = (): Promise<void> => (state === 'live' ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)));
  const paper: PaperExchange = {
    ...sim,
    upstream,
    feedState: () => state,
    lastLoss: () => loss,
    tradesMissing: () => tradesMissing,
    whenLive,
    onFeedState: (listener) => {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    close: async () => {
      feed.stop();
      await sim.close();
    },
  };
  feed.start();
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let cancelTimeout = (): void => undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    cancelTimeout = clock.setTimer(timeoutMs, () => resolve('timeout'));
  });
  const first = await Promise.race([whenLive(), timedOut]);
  cancelTimeout();
  if (first === 'timeout') {
    await paper.close();
    throw new PaperUpstreamError(`no live book from ${upstream.ws} within ${timeoutMs} ms${loss ? ` (${loss})` : ''}`);
  }
  return paper;
}
