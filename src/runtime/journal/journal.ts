/**
 * The journal: an SQLite file (better-sqlite3, synchronous) that lets a killed bot come back
 * without placing a counter-order twice or losing one.
 *
 * What it stores (see schema.ts):
 * - per market actor start, a checkpoint: the `MarketInput` it started from (`beginMarketRun`);
 * - every event the actor receives, in order (`appendMarketEvent`), which the runtime calls from
 *   XState's `inspect` before the actor processes the event (see inspect-hook.ts): the write-ahead log;
 * - reporting tables (orders, fills, transitions, PnL), derived from those events and from what the
 *   runtime reports, written later in batches (`writeReports`, or in slices: `writeReportSlice`), off the fill path.
 *
 * Why event sourcing: the market machine is deterministic given its input and the events it
 * receives, so `restoreBook` replays the latest checkpoint's events through the machine (purely,
 * see replay.ts) and gets the book the actor had at its last journaled event. Because each event is
 * committed before anything the actor does about it leaves the process (a counter-order sent to the
 * desk), the restored book has that order as sent: the restart reconciles it by client id and never
 * re-places it blindly.
 *
 * Group commit (the rules are in runtime/turn/turn-order.ts): between `openBatch` and `closeBatch`
 * appends are not committed: they wait encoded in memory, and `commit` inserts them in one
 * statement (event-rows.ts) before the batch's held requests leave. That INSERT is its own
 * transaction when nothing else is open (the usual case: no BEGIN and COMMIT statements around it,
 * ~3 µs less per commit; it waits for the writer lock as BEGIN IMMEDIATE would), else it goes into
 * the open one, committed with it. With the option `tail` (what `gridbot run` uses), a commit
 * with no transaction open is instead one write of the waiting rows to the tail file (tail-log.ts):
 * durable as a commit is, in one system call where SQLite's takes eight; the rows stay waiting and
 * are filed into SQLite by the lag timer or with the next transaction (a reporting slice), which
 * then empties the tail. Opening for writing files first whatever a killed bot left in the tail, and
 * read-only readers add it (`tailRowsPast`). Outside a batch an append commits before it returns (together
 * with anything still open). What no commit needed (a batch that held nothing, reporting rows) is
 * committed by the next commit or by the lag timer (`commitLagMs`). A failed commit fails the
 * journal for good (`JournalFailedError`): the actors saw events that are not on disk.
 *
 * A commit is in the WAL, or in the tail file, when it returns (durable across SIGKILL; see
 * schema.ts for power loss).
 * One bot per file (instance-lock.ts). Only a file that is a gridbot journal (or nothing yet) is
 * opened for writing (journal-file.ts); one exchange and account per file (identity.ts,
 * `claimIdentity`).
 *
 * Entry points: `openJournal`, `readLastMarketRun`, `tailRowsPast`, and on `Journal`: `beginMarketRun`, `appendMarketEvent`,
 * `openBatch` / `closeBatch` / `commit`, `recordIntents`, `recordTransition`, `recordPnl`,
 * `writeReports`, `writeReportSlice`, `sync`, `restoreBook`, `lastMarketRun`, `lastKillSwitchMs`, `identity`, `claimIdentity`,
 * `checkpoint`, `close`.
 */
import { randomUUID } from 'node:crypto';
import { truncateSync } from 'node:fs';
import { hostname } from 'node:os';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import type { AnyEventObject } from 'xstate';
import type { DecimalLike, LevelBook, OrderIntent } from '../../grid/index.js';
import type { ExchangeSnapshot } from '../../machines/market/market.io.js';
import type { MarketInput } from '../../machines/market/market.types.js';
import { type FigureRow, type FigureSet, sumFigureRows } from '../report/fleet-figures.js';
import { afterTurn } from '../turn/turn-order.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.js';
import { CheckpointWorker } from './checkpoint-worker.js';
import { DerivedTables, type EventStamp } from './derived-tables.js';
import { EventRows } from './event-rows.js';
import { acquireLock, processIsAlive, releaseLock } from './instance-lock.js';
import { type ExchangeIdentity, identityText, sameIdentity } from './identity.js';
import {
  JournalClosedError,
  JournalCorruptError,
  JournalError,
  JournalFailedError,
  JournalFileError,
  JournalMismatchError,
  JournalUsageError,
} from './journal-errors.js';
import { inspectJournalFile } from './journal-file.js';
import { replayMarket } from './replay.js';
import { SCHEMA_VERSION, prepareSchema } from './schema.js';
import { TailLog, type TailRow, readTail, tailPathOf } from './tail-log.js';
import { decodeValue, encodeValue } from './value-codec.js';
import { WalLimit, publishLockWait } from './wal-limit.js';

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
  /**
   * The longest an uncommitted write waits for a commit it does not need (a batch that held no
   * request, reporting rows): then the lag timer commits it. Default 100 ms; 0 commits at once.
   */
  readonly commitLagMs?: number;
  /**
   * With `checkpointIn: 'worker'`: the WAL's bound. Past half of it the worker starts the WAL over;
   * past all of it (the worker never found a gap) the writer checkpoints it itself (wal-limit.ts). Default 64 MiB.
   */
  readonly walLimitBytes?: number;
  /**
   * Makes a commit that needs no transaction (a batch's events, the hot path) durable with one write
   * to the journal's tail file (tail-log.ts) instead of an INSERT of its own: the rows are filed into
   * SQLite by the lag timer (`commitLagMs`) or the next transaction, whichever comes first. Default
   * false; `gridbot run` sets it. Whatever the option, opening for writing files what a tail holds.
   */
  readonly tail?: boolean;
}

/** The PnL figures the `pnl` table keeps per market (decimal strings or Decimals). */
export interface PnlFigures {
  readonly realisedQuote: DecimalLike;
  readonly feesQuote: DecimalLike;
  readonly inventoryBase: DecimalLike;
  /** What this run added (fleet-figures.ts), kept per run in `run_figures`: all time is their sum. */
  readonly run?: RunFigures;
}

/** What a run added to a market's figures, and the asset its money is in. */
export interface RunFigures {
  readonly figures: FigureSet;
  readonly quoteAsset: string | null;
  /** Why the market stopped (or is stopping); null while it trades. */
  readonly stopReason: string | null;
}

/** A market's latest checkpoint and its events, as stored. */
export interface MarketRunRecord {
  readonly checkpointId: number;
  readonly runId: number;
  readonly input: MarketInput;
  readonly events: readonly AnyEventObject[];
}

/**
 * Returns the rows of the tail file of the journal at `path` that its `events` table does not hold
 * yet (a bot killed before it filed them, or one running now), in order: what a reader of the file
 * adds to the table's rows (tail-log.ts). Any connection, a read-only one too.
 */
export function tailRowsPast(db: Database, path: string): readonly TailRow[] {
  const tailPath = tailPathOf(path);
  if (tailPath === null) return [];
  const { rows } = readTail(tailPath);
  if (rows.length === 0) return rows;
  const last = lastEventId(db);
  return rows.filter((r) => r.id > last);
}

/** The id of the last row of the `events` table, 0 when it has none. */
function lastEventId(db: Database): number {
  return (db.prepare('SELECT max(id) FROM events').pluck().get() as number | null) ?? 0;
}

/**
 * The payloads of checkpoint `checkpointId`'s events from the table, then those of `tail` past the
 * last the table gave (a running bot may have filed some of them since `tail` was read).
 */
function eventPayloads(db: Database, checkpointId: number, firstEventId: number, tail: readonly TailRow[]): string[] {
  const found = db.prepare('SELECT id, payload FROM events WHERE id >= ? AND checkpoint_id = ? ORDER BY id').all(firstEventId, checkpointId) as {
    id: number;
    payload: string;
  }[];
  const rows = found.map((r) => r.payload);
  const seen = found.at(-1)?.id ?? 0;
  for (const r of tail) if (r.checkpointId === checkpointId && r.id > seen) rows.push(r.payload);
  return rows;
}

/**
 * Returns the market's latest checkpoint with its events, decoded, or null (any connection, a
 * read-only one too). `tail`: rows of the journal's tail file past the table's ({@link tailRowsPast}).
 */
export function readLastMarketRun(db: Database, market: string, tail: readonly TailRow[] = []): MarketRunRecord | null {
  const cp = db.prepare('SELECT id, run_id, input, first_event_id FROM checkpoints WHERE market = ? ORDER BY id DESC LIMIT 1').get(market) as
    { id: number; run_id: number; input: string; first_event_id: number } | undefined;
  if (cp === undefined) return null;
  const events = eventPayloads(db, cp.id, cp.first_event_id, tail).map((p) => decodeValue(p) as AnyEventObject);
  return { checkpointId: cp.id, runId: cp.run_id, input: decodeCheckpoint(cp.input), events };
}

/**
 * Calls `fn` with each checkpoint of `market` (and its events) whose run has no `run_figures` row,
 * oldest first, one at a time: every run of a journal written before figures were recorded
 * (version 1: no such table), or a run that never wrote its row. Any connection, a read-only one too.
 */
export function forEachRunWithoutFigures(db: Database, market: string, fn: (run: MarketRunRecord) => void, tail: readonly TailRow[] = []): void {
  const hasFigures = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'run_figures'").get() !== undefined;
  const missing = hasFigures ? 'AND NOT EXISTS (SELECT 1 FROM run_figures f WHERE f.run_id = c.run_id AND f.market = c.market)' : '';
  const cps = db.prepare(`SELECT id, run_id, input, first_event_id FROM checkpoints c WHERE market = ? ${missing} ORDER BY id`).all(market) as {
    id: number;
    run_id: number;
    input: string;
    first_event_id: number;
  }[];
  for (const cp of cps) {
    const rows = eventPayloads(db, cp.id, cp.first_event_id, tail);
    fn({ checkpointId: cp.id, runId: cp.run_id, input: decodeCheckpoint(cp.input), events: rows.map((p) => decodeValue(p) as AnyEventObject) });
  }
}

/**
 * Files into `db` the rows of the journal's tail file past its `events` table (a bot killed before
 * it filed them), in one transaction, then empties the file. Run once the writer lock is held.
 * @throws JournalCorruptError when the tail holds rows that are not this journal's (a gap after the
 * table's last id, or a checkpoint the journal does not have): it is left as it is
 */
function fileTail(db: Database, path: string): { readonly rows: number; readonly cut: boolean } {
  const tailPath = tailPathOf(path);
  if (tailPath === null) return { rows: 0, cut: false };
  const { rows, cut } = readTail(tailPath);
  const last = lastEventId(db);
  const past = rows.filter((r) => r.id > last);
  if (past.length > 0) {
    const checkpoint = db.prepare('SELECT run_id AS runId, market FROM checkpoints WHERE id = ?');
    let expected = last + 1;
    for (const r of past) {
      const cp = checkpoint.get(r.checkpointId) as { runId: number; market: string } | undefined;
      if (r.id !== expected || cp === undefined || cp.runId !== r.runId || cp.market !== r.market) {
        throw new JournalCorruptError(
          `journal ${path}: its tail file ${tailPath} holds events that are not this journal's (event ${r.id} of checkpoint ${r.checkpointId}; the journal's last event is ${last}). If the journal was replaced on purpose, delete the tail file; after a power loss (the journal may have lost its last commits), deleting it lets the next run reconcile with the exchange`,
        );
      }
      expected += 1;
    }
    const insert = db.prepare('INSERT INTO events (id, run_id, market, checkpoint_id, seq, type, payload, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const r of past) insert.run(r.id, r.runId, r.market, r.checkpointId, r.seq, r.type, r.payload, r.at);
    }).immediate();
  }
  if (rows.length > 0 || cut) truncateSync(tailPath, 0);
  return { rows: past.length, cut };
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

/**
 * Event types the reporting tables derive rows from (derived-tables.ts `applyEvent`). Why the
 * journaled events the market received, and not the typed events it `emit`s (which the inspector,
 * the market log and the metrics consume): the tables are a function of the journal's own event
 * rows, so after a crash between an event's commit and its reporting write, `catchUpReports`
 * derives the missing rows again from the rows past `report_mark`. Emitted events are not
 * journaled, and tables fed by them could not be rebuilt.
 */
const REPORTED_EVENTS: ReadonlySet<string> = new Set([
  'feed.order',
  'feed.deal',
  'desk.result',
  'xstate.done.actor.placeBatch',
  'xstate.done.actor.fetchExchange',
  'xstate.done.actor.cancelAll',
  'xstate.done.actor.cancelOnStop',
  'xstate.done.actor.cancelOrders',
]);

/**
 * Reporting rows waiting for `writeReports`, in the order they happened. An event's or intents'
 * report is its own stamp (run, market, time), not a stamp object beside it. Why: reports wait
 * 250 ms and more for their round (inspect-hook.ts), as long as scavenges are apart at 1,000 fills/s
 * (~180 ms), so the objects of a report are promoted and left to a mark-compact: one object fewer
 * for each of the ~5 reports of a fill (issue 13).
 */
type Report =
  | (EventStamp & { readonly kind: 'event'; readonly event: AnyEventObject; readonly eventId: number })
  | (EventStamp & { readonly kind: 'intents'; readonly intents: readonly OrderIntent[] })
  | {
      readonly kind: 'transition';
      readonly actorId: string;
      readonly from: string | null;
      readonly to: string;
      readonly eventType: string;
      readonly at: number;
    };

interface PnlRow {
  readonly realised: string;
  readonly fees: string;
  readonly inventory: string;
  readonly at: number;
  readonly run: RunFigures | null;
}

/**
 * What writing a report costs, in rows: the unit of a reporting slice's bound. A reconcile snapshot
 * writes a row per open order and deal it lists; intents a row each.
 */
function reportCost(r: Report): number {
  if (r.kind === 'intents') return Math.max(1, r.intents.length);
  if (r.kind === 'event' && r.event.type === 'xstate.done.actor.fetchExchange') {
    const snapshot = (r.event as { output?: Partial<ExchangeSnapshot> }).output;
    return 1 + (snapshot?.openOrders?.length ?? 0) + (snapshot?.deals?.length ?? 0);
  }
  return 1;
}

/** A slice's time is never up (`writeReportSlice` without a time bound). */
const notYet = (): boolean => false;

/** More waiting reports than this are written at once, whoever forgot to call `writeReports`. */
export const REPORTS_CAP = 4096;

interface Segment {
  readonly checkpointId: number;
  seq: number;
}

function decimalText(v: DecimalLike): string {
  return typeof v === 'string' ? v : v.toFixed();
}

/** How `claimIdentity` found the journal. */
export type IdentityClaim =
  /** It had no identity and no run of a market: now it is this run's. */
  | 'new'
  | 'matched'
  /** It had markets' runs but no identity (written before identities were recorded): now stamped with this run's. */
  | 'adopted';

/**
 * Opens (or creates) the journal at `options.path`, takes it for this process and starts a new run.
 * @throws JournalFileError when the path holds no usable journal (left as it is)
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
  /** Events appended and not yet inserted: written as one statement before anything reads or commits them. */
  private readonly eventRows: EventRows;
  private readonly setReportMark: Statement;
  private readonly insertTransition: Statement;
  private readonly upsertPnl: Statement;
  private readonly upsertRunFigures: Statement;
  private readonly beginTx: Statement;
  private readonly commitTx: Statement;
  private readonly rollbackTx: Statement;
  private readonly checkpointTimer: NodeJS.Timeout | null;
  private readonly checkpointWorker: CheckpointWorker | null;
  private readonly walLimit: WalLimit | null;
  /** The tail file commits write to (option `tail`), or null: they insert into SQLite. */
  private readonly tail: TailLog | null;
  /** What opening found in the tail file and filed into SQLite (a bot killed before it filed them). */
  readonly tailFiled: { readonly rows: number; readonly cut: boolean };
  private readonly commitLagMs: number;
  private lagTimer: NodeJS.Timeout | null = null;
  private reports: Report[] = [];
  /** The reporting round being written in slices (`writeReportSlice`), or null. */
  private round: { readonly reports: readonly Report[]; next: number } | null = null;
  /** A reporting write that failed inside an append (the queue at its cap): thrown by the next `writeReports`. */
  private reportError: unknown = null;
  private readonly pnlDue = new Map<string, PnlRow>();
  /** The PnL last queued per market: an unchanged one is not written again. */
  private readonly pnlLast = new Map<string, PnlRow>();
  /** A batch is open: appends are not committed. */
  private batchOpen = false;
  /** This connection has a transaction of ours open (BEGIN run, no COMMIT yet). */
  private txOpen = false;
  private failure: JournalFailedError | null = null;
  private closed = false;

  constructor(options: JournalOptions) {
    this.path = options.path;
    this.now = options.now ?? Date.now;
    this.token = randomUUID();
    // Looked at read-only first: opening another program's file for writing would change it (WAL mode, our tables).
    const found = inspectJournalFile(options.path, SCHEMA_VERSION);
    if (found.kind === 'refused') throw new JournalFileError(options.path, found.reason);
    try {
      this.db = new BetterSqlite3(options.path);
    } catch (e) {
      throw new JournalFileError(options.path, `cannot be opened (${e instanceof Error ? e.message : String(e)})`);
    }
    let openedTail: TailLog | null = null;
    try {
      prepareSchema(this.db, options.busyTimeoutMs ?? 5000);
      const startedAt = this.now();
      const self = { pid: process.pid, host: hostname(), startedAt, token: this.token };
      acquireLock(this.db, this.path, self, options.isAlive ?? processIsAlive);
      try {
        // Before anything reads the events (the next id, the reporting catch-up, a restore).
        this.tailFiled = fileTail(this.db, this.path);
        const tailPath = options.tail === true ? tailPathOf(this.path) : null;
        openedTail = tailPath === null ? null : TailLog.open(tailPath);
        this.tail = openedTail;
      } catch (e) {
        releaseLock(this.db, this.token);
        throw e;
      }
      const run = this.db.prepare('INSERT INTO runs (started_at, pid, host) VALUES (?, ?, ?)').run(startedAt, self.pid, self.host);
      this.runId = Number(run.lastInsertRowid);
    } catch (e) {
      openedTail?.close(false);
      this.db.close();
      if (e instanceof JournalError) throw e;
      throw new JournalFileError(options.path, `cannot be opened as a journal (${e instanceof Error ? e.message : String(e)})`);
    }
    this.derived = new DerivedTables(this.db);
    this.setReportMark = this.db.prepare('INSERT INTO report_mark (id, event_id) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET event_id = excluded.event_id');
    try {
      this.catchUpReports();
    } catch (error) {
      // Reporting is best effort: the run goes on, and the next `writeReports` hands the error on.
      this.reportError = error;
    }
    this.eventRows = new EventRows(this.db);
    this.insertTransition = this.db.prepare('INSERT INTO transitions (run_id, actor_id, from_state, to_state, event_type, at) VALUES (?, ?, ?, ?, ?, ?)');
    this.upsertPnl = this.db.prepare(`
      INSERT INTO pnl (market, run_id, realised, fees, inventory, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (market) DO UPDATE SET run_id = excluded.run_id, realised = excluded.realised, fees = excluded.fees,
        inventory = excluded.inventory, updated_at = excluded.updated_at`);
    this.upsertRunFigures = this.db.prepare(`
      INSERT OR REPLACE INTO run_figures (run_id, market, quote_asset, fills, realised, fees, inventory, stop_reason, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // IMMEDIATE: the writer lock is taken at BEGIN, where SQLite waits out (busy_timeout) the checkpoint
    // worker's short hold of it (checkpoint-worker.ts); a deferred BEGIN that read first would get
    // SQLITE_BUSY at its first write without waiting, and fail the journal.
    this.beginTx = this.db.prepare('BEGIN IMMEDIATE');
    this.commitTx = this.db.prepare('COMMIT');
    this.rollbackTx = this.db.prepare('ROLLBACK');
    this.commitLagMs = Math.max(0, options.commitLagMs ?? 100);
    // Why a timer: SQLite's automatic checkpoint runs inside the commit that crosses the threshold
    // and fsyncs there: a 5–20 ms stall on one fill in a few hundred, on the fill → counter-order
    // path. From a timer the stall falls between events; from a worker (checkpointIn: 'worker')
    // it leaves the event loop entirely.
    const interval = options.checkpointIntervalMs ?? 1000;
    this.checkpointTimer = null;
    this.checkpointWorker = null;
    this.walLimit = null;
    if (interval > 0) {
      this.db.pragma('wal_autocheckpoint = 0');
      if (options.checkpointIn === 'worker') {
        const limit = new WalLimit(
          this.db,
          options.walLimitBytes ?? 64 * 1024 * 1024,
          // Rows waiting in the tail are durable already: only an open transaction or rows in neither
          // stop a checkpoint (without a tail no row is ever in it, so that is every waiting row).
          () => !this.closed && !this.txOpen && this.eventRows.notInTail === 0,
          (work) => afterTurn(work, () => {}),
        );
        this.walLimit = limit;
        this.checkpointWorker = new CheckpointWorker(this.path, interval, (r) => limit.reported(r), limit.workerRestartBytes);
      } else {
        this.checkpointTimer = setInterval(() => this.checkpoint(), interval);
        this.checkpointTimer.unref();
      }
    }
  }

  /** Copies the WAL into the database file as far as readers allow (PASSIVE: never waits). */
  checkpoint(): void {
    // Not inside our own open transaction (it would fail): the next tick of the timer does it.
    if (!this.closed && !this.txOpen) this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /**
   * Stores the input a market actor starts from (its checkpoint) and opens its event sequence.
   * Call it before the actor starts, after `restoreBook`, with the exact input the actor gets.
   * Calling it again for a market (an actor restarted within the run) starts a new sequence.
   */
  beginMarketRun(input: MarketInput): void {
    this.assertWritable();
    if (this.batchOpen) this.ensureTx();
    this.writeEvents();
    const r = this.db
      .prepare('INSERT INTO checkpoints (run_id, market, input, first_event_id, at) VALUES (?, ?, ?, ?, ?)')
      .run(this.runId, input.market, encodeCheckpoint(input), this.eventRows.nextId, this.now());
    this.segments.set(input.market, { checkpointId: Number(r.lastInsertRowid), seq: 0 });
    if (!this.batchOpen) this.commit();
  }

  /**
   * Appends one event a market actor received (the write-ahead log). Outside a batch it returns
   * once committed; inside one it waits, encoded, for `commit`, which inserts the batch's events in
   * one statement before it commits them (event-rows.ts). Its reporting rows wait for `writeReports`.
   * @throws JournalUsageError when `beginMarketRun` was not called for `market` in this run
   * @throws JournalCodecError when the event holds something that is not plain data
   * @throws JournalFailedError after a failed commit
   */
  appendMarketEvent(market: string, event: AnyEventObject): void {
    this.assertWritable();
    const segment = this.segments.get(market);
    if (segment === undefined) {
      throw new JournalUsageError(`journal: event ${event.type} for ${market}, whose run was not begun (call beginMarketRun first)`);
    }
    const payload = encodeValue(event);
    const at = this.now();
    // No transaction is begun for it (see the module comment); one open is checked SQLite did not roll it back.
    if (this.txOpen) this.ensureTx();
    const eventId = this.eventRows.push(this.runId, market, segment.checkpointId, segment.seq, event.type, payload, at);
    segment.seq += 1;
    // Outside a batch the event is delivered on return: committed first, with whatever is open.
    if (!this.batchOpen) this.commit();
    if (REPORTED_EVENTS.has(event.type)) this.queue({ kind: 'event', runId: this.runId, market, at, event, eventId });
  }

  /**
   * Reports queued behind the reporting round in progress (at `REPORTS_CAP` they are written at
   * once): report-slices.ts stops giving way to waiting frames before that.
   */
  get reportsQueued(): number {
    return this.reports.length;
  }

  /** True once a commit failed: every later write refuses (fail-stop). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Opens a batch: appends wait for `commit`, uncommitted (turn-order.ts rule 2). */
  openBatch(): void {
    this.assertWritable();
    this.batchOpen = true;
  }

  /** Closes the batch: appends commit on their own again; what is open waits for a commit (the lag timer at most). */
  closeBatch(): void {
    this.batchOpen = false;
    if (this.txOpen || this.eventRows.pending > 0) this.armLag();
  }

  /**
   * Commits everything open. Fail-stop: when it cannot (or SQLite already rolled the open
   * transaction back), the journal is failed for good.
   * @throws JournalFailedError
   */
  commit(): void {
    if (this.failure !== null) throw this.failure;
    if (!this.txOpen) {
      this.commitEventsAlone();
      return;
    }
    this.txOpen = false;
    if (!this.db.inTransaction) this.fail(new Error('SQLite rolled the open transaction back'));
    try {
      this.eventRows.write();
      this.commitTx.run();
    } catch (e) {
      if (this.db.inTransaction) this.rollbackTx.run();
      this.fail(e);
    }
    // Everything the tail held is in SQLite now (committed with the rows `write` inserted). A
    // truncation that fails is not the journal's failure: rows in the tail that the table holds are
    // skipped by every reader, and the next commit tries again.
    if (this.tail !== null && this.eventRows.pending === 0) {
      try {
        this.tail.clear();
      } catch {
        // Tried again after the next commit.
      }
    }
    this.walLimit?.afterCommit();
  }

  /**
   * Queues intents handed to the exchange (a placement batch, a desk request) as orders being sent.
   * Like every reporting call, a no-op once closed: `close` wrote what was queued, and a report
   * deferred past it (an after-turn write) has nowhere to go.
   */
  recordIntents(market: string, intents: readonly OrderIntent[]): void {
    if (this.closed) return;
    if (intents.length > 0) this.queue({ kind: 'intents', runId: this.runId, market, at: this.now(), intents });
  }

  /** Queues a state change of any actor (`from` null for its first state). */
  recordTransition(actorId: string, from: string | null, to: string, eventType: string): void {
    if (this.closed) return;
    this.queue({ kind: 'transition', actorId, from, to, eventType, at: this.now() });
  }

  /** Queues a market's current PnL figures unless they are the ones queued last (the last before `writeReports` wins). */
  recordPnl(market: string, pnl: PnlFigures): void {
    if (this.closed) return;
    const row = {
      realised: decimalText(pnl.realisedQuote),
      fees: decimalText(pnl.feesQuote),
      inventory: decimalText(pnl.inventoryBase),
      at: this.now(),
      run: pnl.run ?? null,
    };
    const last = this.pnlLast.get(market);
    if (
      last !== undefined &&
      last.realised === row.realised &&
      last.fees === row.fees &&
      last.inventory === row.inventory &&
      last.run?.figures.fills === row.run?.figures.fills &&
      last.run?.stopReason === row.run?.stopReason
    )
      return;
    this.pnlLast.set(market, row);
    this.pnlDue.set(market, row);
  }

  /**
   * Writes the queued reporting rows (orders, fills, intents, transitions, PnL) in the open
   * transaction (one is begun if none is), left for the next commit or the lag timer: the round in
   * progress first, then everything queued since. A report that fails ends its round (the rest of
   * that round is dropped, so no row is retried forever); the error is thrown.
   */
  writeReports(): void {
    // A failure met inside an append (the queue at its cap) surfaces here, where reporting errors go.
    const earlier = this.reportError;
    this.reportError = null;
    this.writeAll();
    if (earlier !== null) throw earlier;
  }

  /**
   * Writes the next slice of the reporting round and commits it (outside a batch): at most
   * `maxRows` rows' worth of reports (`reportCost`) from the oldest, then the due PnL rows within
   * what is left of it, and none after `spent` says its time is up (asked after each report; at
   * least one report is written, so a round always ends). A round is what was queued when its
   * first slice began; reports queued later wait for the next round (so a round ends, and the rows
   * of many turns still merge). Returns true while the round has more. Why: a round of a busy
   * 250 ms (hundreds of fills) written at once held the event loop for milliseconds, and a fill
   * frame read meanwhile waited for all of it. Committed here, not on the next frame batch's
   * commit, so those pages are not written on a fill's path. Failures as {@link writeReports}.
   */
  writeReportSlice(maxRows: number, spent: () => boolean = notYet): boolean {
    const earlier = this.reportError;
    this.reportError = null;
    let more = false;
    try {
      more = this.writeSlice(maxRows, spent);
    } finally {
      if (!this.batchOpen && this.txOpen) this.commit();
    }
    if (earlier !== null) throw earlier;
    return more;
  }

  /** Writes every queued report, the round in progress first, in the open transaction. */
  private writeAll(): void {
    try {
      while (!this.closed && (this.round !== null || this.reports.length > 0 || this.pnlDue.size > 0)) this.writeSlice(Infinity, notYet);
    } finally {
      // A row that failed leaves the rest of the transaction (events included) to be committed.
      if (!this.batchOpen && this.txOpen) this.armLag();
    }
  }

  /** Writes one slice of the round (beginning one if none is in progress); true while the round has more. */
  private writeSlice(maxRows: number, spent: () => boolean): boolean {
    if (this.closed) return false;
    let round = this.round;
    if (round === null) {
      if (this.reports.length === 0 && this.pnlDue.size === 0) return false;
      round = { reports: this.reports, next: 0 };
      this.reports = [];
      this.round = round;
    }
    this.assertWritable();
    this.ensureTx();
    this.writeEvents();
    let rows = 0;
    let mark = 0;
    try {
      while (round.next < round.reports.length) {
        const r = round.reports[round.next] as Report;
        // A report bigger than the bound is written alone.
        const cost = reportCost(r);
        if (rows > 0 && (rows + cost > maxRows || spent())) break;
        round.next += 1;
        rows += cost;
        if (r.kind === 'event') {
          this.derived.applyEvent(r, r.event);
          mark = r.eventId;
        } else if (r.kind === 'intents') this.derived.recordIntents(r, r.intents);
        else this.insertTransition.run(this.runId, r.actorId, r.from, r.to, r.eventType, r.at);
      }
      this.derived.flush();
      // In the same transaction as the rows: the mark never runs ahead of what was derived.
      if (mark > 0) this.setReportMark.run(mark);
      if (round.next >= round.reports.length) {
        for (const [market, p] of this.pnlDue) {
          const cost = p.run === null ? 1 : 2;
          if (rows > 0 && (rows + cost > maxRows || spent())) break;
          this.pnlDue.delete(market);
          rows += cost;
          this.upsertPnl.run(market, this.runId, p.realised, p.fees, p.inventory, p.at);
          if (p.run !== null) {
            const f = p.run.figures;
            this.upsertRunFigures.run(this.runId, market, p.run.quoteAsset, f.fills, f.realisedQuote, f.feesQuote, f.inventoryBase, p.run.stopReason, p.at);
          }
        }
      }
    } catch (error) {
      this.round = null;
      throw error;
    }
    const done = round.next >= round.reports.length && this.pnlDue.size === 0;
    if (done) this.round = null;
    return !done;
  }

  /** Writes the queued reporting rows and commits everything: what `close` does, and what a reader of the file waits for. */
  sync(): void {
    this.writeReports();
    if (!this.batchOpen) this.fileAll();
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

  /**
   * Sets what run `runId` added to `market`'s figures, keeping its stop reason. Called at start with
   * the figures replayed from that run's events: a run killed before its last reporting write
   * (SIGKILL) left a row behind its events, and the all-time sum would lose the difference.
   */
  settleRunFigures(runId: number, market: string, run: FigureSet, quoteAsset: string | null): void {
    this.assertWritable();
    this.db
      .prepare(
        `INSERT INTO run_figures (run_id, market, quote_asset, fills, realised, fees, inventory, stop_reason, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)
         ON CONFLICT (run_id, market) DO UPDATE SET quote_asset = COALESCE(excluded.quote_asset, run_figures.quote_asset),
           fills = excluded.fills, realised = excluded.realised, fees = excluded.fees, inventory = excluded.inventory`,
      )
      .run(runId, market, quoteAsset, run.fills, run.realisedQuote, run.feesQuote, run.inventoryBase, this.now());
  }

  /** Returns the sum of the figures the earlier runs recorded for `market` (the base of its all-time figures). */
  priorFigures(market: string): FigureSet {
    const rows = this.db
      .prepare('SELECT fills, realised, fees, inventory FROM run_figures WHERE market = ? AND run_id < ?')
      .all(market, this.runId) as FigureRow[];
    return sumFigureRows(rows);
  }

  /** Calls `fn` with each run of `market` that has no `run_figures` row (see {@link forEachRunWithoutFigures}). */
  forEachRunWithoutFigures(market: string, fn: (run: MarketRunRecord) => void): void {
    this.assertOpen();
    this.writeEvents();
    forEachRunWithoutFigures(this.db, market, fn);
  }

  /** Returns the market's latest checkpoint with its events, decoded, or null. */
  lastMarketRun(market: string): MarketRunRecord | null {
    this.assertOpen();
    this.writeEvents();
    return readLastMarketRun(this.db, market);
  }

  /** Returns the exchange and account the journal belongs to, or null before a run claimed it. */
  identity(): ExchangeIdentity | null {
    this.assertOpen();
    const row = this.db.prepare('SELECT exchange, endpoint, account, key_fingerprint FROM identity WHERE id = 1').get() as
      { exchange: ExchangeIdentity['exchange']; endpoint: string; account: string | null; key_fingerprint: string } | undefined;
    return row === undefined ? null : { exchange: row.exchange, endpoint: row.endpoint, account: row.account, keyFingerprint: row.key_fingerprint };
  }

  /**
   * Refuses `id` when the journal belongs to another exchange or account, writing nothing: a start
   * checks this first and claims (`claimIdentity`) only once every other check passed, so a start
   * refused for another reason leaves no identity behind to refuse the next one.
   * Returns the recorded identity (null: none yet).
   * @throws JournalMismatchError
   */
  checkIdentity(id: ExchangeIdentity): ExchangeIdentity | null {
    const recorded = this.identity();
    if (recorded !== null && !sameIdentity(recorded, id)) throw new JournalMismatchError(this.path, identityText(recorded), identityText(id));
    return recorded;
  }

  /**
   * Claims the journal for `id`: records it when the journal has none, and refuses another. Call it
   * before anything of the journal is acted on against the exchange (preflight does).
   * @throws JournalMismatchError when the journal belongs to another exchange or account
   */
  claimIdentity(id: ExchangeIdentity): IdentityClaim {
    this.assertWritable();
    if (this.checkIdentity(id) !== null) return 'matched';
    const used = this.db.prepare('SELECT 1 FROM checkpoints LIMIT 1').get() !== undefined;
    this.db
      .prepare('INSERT INTO identity (id, exchange, endpoint, account, key_fingerprint, stamped_at) VALUES (1, ?, ?, ?, ?, ?)')
      .run(id.exchange, id.endpoint, id.account, id.keyFingerprint, this.now());
    return used ? 'adopted' : 'new';
  }

  /** Gives the journal up (lock row removed) and closes the file. Idempotent. */
  close(): void {
    if (this.closed) return;
    if (this.checkpointTimer !== null) clearInterval(this.checkpointTimer);
    this.checkpointWorker?.stop();
    try {
      this.batchOpen = false;
      if (this.failure === null) {
        try {
          this.writeReports();
        } finally {
          this.fileAll();
        }
      }
    } finally {
      this.closed = true;
      this.disarmLag();
      try {
        // Kept when something in it may not be in SQLite (a failed journal): the next open files it.
        this.tail?.close(this.failure === null && this.eventRows.pending === 0);
      } catch {
        // The file stays; the next open files what it holds past the table, and empties it.
      }
      try {
        // A failed journal keeps what was committed; whatever is still open is not.
        if (this.db.inTransaction) this.rollbackTx.run();
        releaseLock(this.db, this.token);
      } finally {
        this.db.close();
        // After this connection: the worker's is the last to close and takes the -wal and -shm files with it.
        this.checkpointWorker?.waitClosed();
      }
    }
  }

  /**
   * Derives the reporting rows of the events a run journaled but did not report (it was killed
   * within its reporting window): those after `report_mark`, in their order. A journal without a
   * mark (written before it existed) reported with its events: the mark starts at its last event.
   */
  private catchUpReports(): void {
    const mark = this.db.prepare('SELECT event_id FROM report_mark WHERE id = 1').pluck().get() as number | undefined;
    if (mark === undefined) {
      this.setReportMark.run(lastEventId(this.db));
      return;
    }
    const types = [...REPORTED_EVENTS];
    const rows = this.db
      .prepare(`SELECT id, run_id AS runId, market, payload, at FROM events WHERE id > ? AND type IN (${types.map(() => '?').join(', ')}) ORDER BY id`)
      .all(mark, ...types) as { id: number; runId: number; market: string; payload: string; at: number }[];
    if (rows.length === 0) return;
    this.db.transaction(() => {
      for (const r of rows) this.derived.applyEvent({ runId: r.runId, market: r.market, at: r.at }, decodeValue(r.payload) as AnyEventObject);
      this.derived.flush();
      this.setReportMark.run(rows[rows.length - 1]?.id ?? mark);
    })();
  }

  private queue(report: Report): void {
    this.reports.push(report);
    if (this.reports.length < REPORTS_CAP) return;
    // Never out of an append: its event row is in the open transaction already, and a throw here
    // would stop XState delivering the event, leaving a journaled event the actor never got.
    try {
      this.writeAll();
    } catch (error) {
      this.reportError ??= error;
    }
  }

  /**
   * Inserts the events waiting in `eventRows` into the open transaction (begun if none is), before
   * a statement that reads the events table or writes after them. Fail-stop when it cannot: their
   * actors have seen them.
   */
  private writeEvents(): void {
    if (this.eventRows.pending === 0 || this.failure !== null) return;
    // Into a transaction of ours, committed with it: a read within a batch sees its events uncommitted.
    this.ensureTx();
    try {
      this.eventRows.write();
    } catch (e) {
      this.txOpen = false;
      if (this.db.inTransaction) this.rollbackTx.run();
      this.fail(e);
    }
  }

  /**
   * Commits the waiting events when no transaction of ours is open: their INSERT, one statement, is
   * its own transaction (atomic: all of them or none). Its wait for the writer lock (busy_timeout)
   * is published as BEGIN's was. More rows than one statement takes go in a transaction of their own.
   */
  private commitEventsAlone(): void {
    if (this.eventRows.pending === 0) return;
    if (this.tail !== null) {
      this.appendTail();
      return;
    }
    if (!this.eventRows.fitsOneStatement) {
      this.ensureTx();
      this.commit();
      return;
    }
    const t0 = performance.now();
    try {
      this.eventRows.write();
    } catch (e) {
      // Nothing of it is written (a statement that fails is rolled back), but its actors saw the events.
      this.fail(e);
    }
    publishLockWait(performance.now() - t0);
    this.walLimit?.afterCommit();
  }

  /**
   * Makes the waiting events durable with one write to the tail file; they stay waiting, to be
   * filed into SQLite by the lag timer or the next transaction. Fail-stop when it cannot.
   */
  private appendTail(): void {
    const tail = this.tail;
    if (tail === null || this.eventRows.notInTail === 0) return;
    try {
      tail.append(this.eventRows.tailText());
    } catch (e) {
      this.fail(e);
    }
    this.armLag();
  }

  /** Commits what waits into SQLite itself, not only into the tail: the lag timer, `sync` and `close`. */
  private fileAll(): void {
    if (this.tail !== null && this.eventRows.pending > 0 && this.failure === null) this.ensureTx();
    this.commit();
  }

  private ensureTx(): void {
    if (!this.txOpen) {
      const t0 = performance.now();
      try {
        this.beginTx.run();
        publishLockWait(performance.now() - t0);
      } catch (e) {
        // The writer lock not free within busy_timeout (the checkpoint worker holds it for a few ms):
        // nothing of this transaction is written yet, but the event cannot be made durable first.
        this.fail(e);
      }
      this.txOpen = true;
    } else if (!this.db.inTransaction) {
      // An error (disk full, I/O) made SQLite roll our open transaction back: its events are lost.
      this.fail(new Error('SQLite rolled the open transaction back'));
    }
  }

  private armLag(): void {
    if (this.commitLagMs === 0) {
      this.fileAll();
      return;
    }
    // A timer already armed stays: it fires sooner than this one would, and a commit does not clear
    // it (it finds nothing open then). At a thousand batches a second, a timer set and cleared per
    // batch cost ~9 µs a fill; this way it is one timer per lag period at most.
    if (this.lagTimer !== null) return;
    // A throw here is an uncaught exception: fail-stop, as for any failed commit.
    this.lagTimer = setTimeout(() => {
      this.lagTimer = null;
      if (!this.closed && (this.txOpen || this.eventRows.pending > 0)) this.fileAll();
    }, this.commitLagMs);
    this.lagTimer.unref();
  }

  private disarmLag(): void {
    if (this.lagTimer === null) return;
    clearTimeout(this.lagTimer);
    this.lagTimer = null;
  }

  private fail(cause: unknown): never {
    this.failure ??= new JournalFailedError(this.path, cause);
    throw this.failure;
  }

  private assertOpen(): void {
    if (this.closed) throw new JournalClosedError(this.path);
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.failure !== null) throw this.failure;
  }
}
