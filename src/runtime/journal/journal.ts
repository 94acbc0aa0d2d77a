/**
 * The journal: an SQLite file (better-sqlite3, synchronous) that lets a killed bot come back
 * without placing a counter-order twice or losing one.
 *
 * What it stores (see schema.ts):
 * - per market actor start, a checkpoint: the `MarketInput` it started from (`beginMarketRun`);
 * - every event the actor receives, in order (`appendMarketEvent`), which the runtime calls from
 *   XState's `inspect` before the actor processes the event (see inspect-hook.ts);
 * - reporting tables derived from those events in the same transaction (orders, fills), plus
 *   state transitions and PnL the runtime reports.
 *
 * Why event sourcing: the market machine is deterministic given its input and the events it
 * receives, so `restoreBook` replays the latest checkpoint's events through the machine (purely,
 * see replay.ts) and gets the book the actor had at its last journaled event. Because each event is
 * committed before the actor sees it, anything the actor did (a counter-order sent to the desk) is
 * covered by a committed event, and the restored book has that order as sent: the restart
 * reconciles it by client id and never re-places it blindly.
 *
 * Every write is synchronous and returns once committed to the WAL (durable across SIGKILL; see
 * schema.ts for power loss). One bot per file (instance-lock.ts).
 *
 * Entry points: `openJournal`, and on `Journal`: `beginMarketRun`, `appendMarketEvent`,
 * `restoreBook`, `lastMarketRun`, `lastKillSwitchMs`, `recordIntents`, `recordTransition`, `recordPnl`, `checkpoint`, `close`.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import type { AnyEventObject } from 'xstate';
import type { DecimalLike, LevelBook, OrderIntent } from '../../grid/index.js';
import type { MarketInput } from '../../machines/market/market.types.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.js';
import { CheckpointWorker } from './checkpoint-worker.js';
import { DerivedTables } from './derived-tables.js';
import { acquireLock, processIsAlive, releaseLock } from './instance-lock.js';
import { JournalClosedError, JournalUsageError } from './journal-errors.js';
import { replayMarket } from './replay.js';
import { prepareSchema } from './schema.js';
import { decodeValue, encodeValue } from './value-codec.js';

export interface JournalOptions {
  /** The SQLite file; created with its tables if missing. */
  readonly path: string;
  /** Epoch ms for the `at` columns. Default `Date.now`. */
  readonly now?: () => number;
  /** How long an open waits for another process's write lock. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Liveness check of a lock holder's pid (tests). Default `process.kill(pid, 0)`. */
  readonly isAlive?: (pid: number) => boolean;
  /**
   * How often the WAL is checkpointed into the database file, from a timer. Default 1000 ms; 0
   * leaves it to SQLite, which checkpoints inside whichever commit crosses 1000 pages.
   */
  readonly checkpointIntervalMs?: number;
  /**
   * Where the timed checkpoint runs: `timer` (default) on this thread, `worker` in a worker thread
   * with its own connection, so its fsync never stalls the event loop (checkpoint-worker.ts).
   * `gridbot run` uses `worker`.
   */
  readonly checkpointIn?: 'timer' | 'worker';
}

/** The PnL figures the `pnl` table keeps per market (decimal strings or Decimals). */
export interface PnlFigures {
  readonly realisedQuote: DecimalLike;
  readonly feesQuote: DecimalLike;
  readonly inventoryBase: DecimalLike;
}

/** A market's latest checkpoint and its events, as stored. */
export interface MarketRunRecord {
  readonly checkpointId: number;
  readonly runId: number;
  readonly input: MarketInput;
  readonly events: readonly AnyEventObject[];
}

/** Returns the book a journaled run ended with: its checkpoint input replayed with its events. */
export function bookOfRun(run: MarketRunRecord): LevelBook | null {
  return replayMarket(run.input, run.events).context.book ?? run.input.restore;
}

/** Returns the kill-switch cancellation time (epoch ms) a journaled run last received, or null. */
export function killSwitchMsOfRun(run: MarketRunRecord): number | null {
  let last: number | null = null;
  for (const e of run.events) {
    if (e.type !== 'xstate.done.actor.armKillSwitch' && e.type !== 'xstate.done.actor.refreshKillSwitch') continue;
    const ms = (e as { output?: { cancellationTimeMs?: unknown } }).output?.cancellationTimeMs;
    if (typeof ms === 'number') last = ms;
  }
  return last;
}

interface Segment {
  readonly checkpointId: number;
  seq: number;
}

function decimalText(v: DecimalLike): string {
  return typeof v === 'string' ? v : v.toFixed();
}

/**
 * Opens (or creates) the journal at `options.path`, takes it for this process and starts a new run.
 * @throws JournalLockedError when another live bot holds it
 * @throws JournalCorruptError when a newer gridbot wrote it
 */
export function openJournal(options: JournalOptions): Journal {
  return new Journal(options);
}

export class Journal {
  readonly path: string;
  /** This process's run: one per open. */
  readonly runId: number;
  private readonly db: Database;
  private readonly now: () => number;
  private readonly token: string;
  private readonly derived: DerivedTables;
  private readonly segments = new Map<string, Segment>();
  private readonly insertEvent: Statement;
  private readonly insertTransition: Statement;
  private readonly upsertPnl: Statement;
  private readonly appendTx: (market: string, segment: Segment, event: AnyEventObject) => void;
  private readonly intentsTx: (market: string, intents: readonly OrderIntent[]) => void;
  private readonly checkpointTimer: NodeJS.Timeout | null;
  private readonly checkpointWorker: CheckpointWorker | null;
  private closed = false;

  constructor(options: JournalOptions) {
    this.path = options.path;
    this.now = options.now ?? Date.now;
    this.token = randomUUID();
    this.db = new BetterSqlite3(options.path);
    try {
      prepareSchema(this.db, options.busyTimeoutMs ?? 5000);
      const startedAt = this.now();
      const self = { pid: process.pid, host: hostname(), startedAt, token: this.token };
      acquireLock(this.db, this.path, self, options.isAlive ?? processIsAlive);
      const run = this.db.prepare('INSERT INTO runs (started_at, pid, host) VALUES (?, ?, ?)').run(startedAt, self.pid, self.host);
      this.runId = Number(run.lastInsertRowid);
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.derived = new DerivedTables(this.db);
    this.insertEvent = this.db.prepare(
      'INSERT INTO events (run_id, market, checkpoint_id, seq, type, payload, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertTransition = this.db.prepare(
      'INSERT INTO transitions (run_id, actor_id, from_state, to_state, event_type, at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.upsertPnl = this.db.prepare(`
      INSERT INTO pnl (market, run_id, realised, fees, inventory, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (market) DO UPDATE SET run_id = excluded.run_id, realised = excluded.realised, fees = excluded.fees,
        inventory = excluded.inventory, updated_at = excluded.updated_at`);
    this.appendTx = this.db.transaction((market: string, segment: Segment, event: AnyEventObject) => {
      const at = this.now();
      this.insertEvent.run(this.runId, market, segment.checkpointId, segment.seq, event.type, encodeValue(event), at);
      this.derived.applyEvent({ runId: this.runId, market, at }, event);
    });
    this.intentsTx = this.db.transaction((market: string, intents: readonly OrderIntent[]) => {
      this.derived.recordIntents({ runId: this.runId, market, at: this.now() }, intents);
    });
    // Why a timer: SQLite's automatic checkpoint runs inside the commit that crosses the threshold
    // and fsyncs there: a 5–20 ms stall on one fill in a few hundred, on the fill → counter-order
    // path. From a timer the stall falls between events; from a worker (checkpointIn: 'worker')
    // it leaves the event loop entirely.
    const interval = options.checkpointIntervalMs ?? 1000;
    this.checkpointTimer = null;
    this.checkpointWorker = null;
    if (interval > 0) {
      this.db.pragma('wal_autocheckpoint = 0');
      if (options.checkpointIn === 'worker') {
        this.checkpointWorker = new CheckpointWorker(this.path, interval);
      } else {
        this.checkpointTimer = setInterval(() => this.checkpoint(), interval);
        this.checkpointTimer.unref();
      }
    }
  }

  /** Copies the WAL into the database file as far as readers allow (PASSIVE: never waits). */
  checkpoint(): void {
    if (!this.closed) this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /**
   * Stores the input a market actor starts from (its checkpoint) and opens its event sequence.
   * Call it before the actor starts, after `restoreBook`, with the exact input the actor gets.
   * Calling it again for a market (an actor restarted within the run) starts a new sequence.
   */
  beginMarketRun(input: MarketInput): void {
    this.assertOpen();
    const lastEventId = (this.db.prepare('SELECT max(id) FROM events').pluck().get() as number | null) ?? 0;
    const r = this.db
      .prepare('INSERT INTO checkpoints (run_id, market, input, first_event_id, at) VALUES (?, ?, ?, ?, ?)')
      .run(this.runId, input.market, encodeCheckpoint(input), lastEventId + 1, this.now());
    this.segments.set(input.market, { checkpointId: Number(r.lastInsertRowid), seq: 0 });
  }

  /**
   * Appends one event a market actor received, and what it says about orders and fills, in one
   * transaction; returns once it is committed. Hot path: one prepared INSERT and a few small ones.
   * @throws JournalUsageError when `beginMarketRun` was not called for `market` in this run
   * @throws JournalCodecError when the event holds something that is not plain data
   */
  appendMarketEvent(market: string, event: AnyEventObject): void {
    this.assertOpen();
    const segment = this.segments.get(market);
    if (segment === undefined) {
      throw new JournalUsageError(`journal: event ${event.type} for ${market}, whose run was not begun (call beginMarketRun first)`);
    }
    this.appendTx(market, segment, event);
    segment.seq += 1;
  }

  /** Records intents handed to the exchange (a placement batch, a desk request) as orders being sent. */
  recordIntents(market: string, intents: readonly OrderIntent[]): void {
    this.assertOpen();
    if (intents.length > 0) this.intentsTx(market, intents);
  }

  /** Records a state change of any actor (`from` null for its first state). */
  recordTransition(actorId: string, from: string | null, to: string, eventType: string): void {
    this.assertOpen();
    this.insertTransition.run(this.runId, actorId, from, to, eventType, this.now());
  }

  /** Records a market's current PnL figures. */
  recordPnl(market: string, pnl: PnlFigures): void {
    this.assertOpen();
    this.upsertPnl.run(market, this.runId, decimalText(pnl.realisedQuote), decimalText(pnl.feesQuote), decimalText(pnl.inventoryBase), this.now());
  }

  /**
   * Returns the market's book as its latest journaled actor left it: that actor's checkpoint input
   * replayed with its events. Null when the market was never journaled or never had a book. An
   * actor that died before building a book (killed while loading) leaves the book it was started
   * with. Call it before `beginMarketRun` of this run, which would make the new start the latest.
   * @throws JournalCorruptError when a stored checkpoint or event cannot be decoded
   */
  restoreBook(market: string): LevelBook | null {
    const last = this.lastMarketRun(market);
    return last === null ? null : bookOfRun(last);
  }

  /**
   * Returns the kill-switch cancellation time (epoch ms) the market's latest journaled run last
   * received from the exchange, or null: how a restart recognises the timer its dead run left.
   */
  lastKillSwitchMs(market: string): number | null {
    const last = this.lastMarketRun(market);
    return last === null ? null : killSwitchMsOfRun(last);
  }

  /** Returns the market's latest checkpoint with its events, decoded, or null. */
  lastMarketRun(market: string): MarketRunRecord | null {
    this.assertOpen();
    const cp = this.db
      .prepare('SELECT id, run_id, input, first_event_id FROM checkpoints WHERE market = ? ORDER BY id DESC LIMIT 1')
      .get(market) as { id: number; run_id: number; input: string; first_event_id: number } | undefined;
    if (cp === undefined) return null;
    const rows = this.db
      .prepare('SELECT payload FROM events WHERE id >= ? AND checkpoint_id = ? ORDER BY id')
      .pluck()
      .all(cp.first_event_id, cp.id) as string[];
    const events = rows.map((p) => decodeValue(p) as AnyEventObject);
    return { checkpointId: cp.id, runId: cp.run_id, input: decodeCheckpoint(cp.input), events };
  }

  /** Gives the journal up (lock row removed) and closes the file. Idempotent. */
  close(): void {
    if (this.closed) return;
    if (this.checkpointTimer !== null) clearInterval(this.checkpointTimer);
    this.checkpointWorker?.stop();
    this.closed = true;
    try {
      releaseLock(this.db, this.token);
    } finally {
      this.db.close();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new JournalClosedError(this.path);
  }
}
