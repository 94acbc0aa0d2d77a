/**
 * Keeps the journal's WAL file bounded when the checkpoint worker can never finish.
 *
 * Why: SQLite starts the WAL over only when a write transaction begins after a checkpoint that
 * copied every frame. The checkpoint worker (checkpoint-worker.ts) runs beside the writer, so
 * while commits never pause (the history bench; a busy runtime, whose open transaction waits up to
 * the commit lag) a commit always lands during the worker's checkpoint and the WAL never starts
 * over: it grew ~7 KiB per fill without end (720 MB after 100k fills of the history bench), and
 * every commit wrote further into an ever larger file.
 *
 * Two steps. Past `workerRestartBytes` (half the limit) the worker starts the WAL over itself: a
 * RESTART checkpoint in a gap between the writer's transactions (checkpoint-worker.ts); the writer
 * pays only its next commit's WAL-header fsync and, if it begins a transaction meanwhile, the
 * worker's short hold of the writer lock. Only when the worker finds no gap until the WAL passes
 * `limitBytes` (a writer that never pauses: the history bench) does the writer run one PASSIVE
 * checkpoint itself, between its transactions: at once when none is open, else after the turn of
 * the commit that closes it (never between a commit and the requests it releases: the
 * checkpoint's fsync is a pause: 25–110 ms measured on a loaded 2-core VM). It has only the frames
 * committed since the worker's to copy; its next write transaction then starts the WAL over,
 * truncated to `limitBytes` by SQLite's `journal_size_limit`. A checkpoint that fails (the worker
 * is at it again) waits for the next report.
 */
import dc from 'node:diagnostics_channel';
import type { Database } from 'better-sqlite3';

/** What `PRAGMA wal_checkpoint` returns: frames in the WAL, and how many of them are in the database file. */
export interface WalCheckpointResult {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
  /** Set when the worker ran a RESTART: how long it took, ms (the longest the writer can have waited for its lock). */
  readonly restartMs?: number;
}

/**
 * Published on {@link WAL_CHANNEL} (node:diagnostics_channel) for whoever measures pauses (the soak):
 * each RESTART of the worker and each checkpoint this thread ran itself, with its duration.
 */
export type WalRestartEvent =
  | { readonly by: 'worker'; readonly ms: number; readonly busy: boolean }
  | { readonly by: 'writer'; readonly ms: number }
  /** The writer's BEGIN IMMEDIATE (or a batch's events INSERT, a transaction of its own) waited this long for the writer lock (published from 1 ms on). */
  | { readonly by: 'lock-wait'; readonly ms: number };

export const WAL_CHANNEL = 'gridbot:journal:wal-restart';
const channel = dc.channel(WAL_CHANNEL);

/** Publishes how long the writer's BEGIN (or lone events INSERT) waited for the writer lock (the checkpoint worker's RESTART holds it), from 1 ms on. */
export function publishLockWait(ms: number): void {
  if (ms >= 1 && channel.hasSubscribers) channel.publish({ by: 'lock-wait', ms } satisfies WalRestartEvent);
}

export class WalLimit {
  private readonly frameBytes: number;
  private due = false;
  private scheduled = false;

  /**
   * @param idle true while the writer has no transaction open (a checkpoint cannot run inside one)
   * @param later runs the checkpoint after a commit later, off the turn whose held requests wait for that commit
   */
  constructor(
    private readonly db: Database,
    private readonly limitBytes: number,
    private readonly idle: () => boolean,
    private readonly later: (work: () => void) => void,
  ) {
    db.pragma(`journal_size_limit = ${Math.trunc(limitBytes)}`);
    // A frame is a page and its 24-byte header.
    this.frameBytes = (db.pragma('page_size', { simple: true }) as number) + 24;
  }

  /** The WAL size past which the checkpoint worker starts the WAL over, before this thread has to. */
  get workerRestartBytes(): number {
    return Math.floor(this.limitBytes / 2);
  }

  /** The worker's report of its checkpoint (it arrives in a turn of its own). */
  reported(result: WalCheckpointResult): void {
    if (result.restartMs !== undefined && channel.hasSubscribers) {
      channel.publish({ by: 'worker', ms: result.restartMs, busy: result.busy !== 0 } satisfies WalRestartEvent);
    }
    if (result.log * this.frameBytes <= this.limitBytes) return;
    this.due = true;
    this.restart();
  }

  /** Call after each commit: a restart still due runs `later`. */
  afterCommit(): void {
    if (!this.due || this.scheduled) return;
    this.scheduled = true;
    this.later(() => {
      this.scheduled = false;
      this.restart();
    });
  }

  private restart(): void {
    if (!this.due || !this.idle()) return;
    this.due = false;
    const t0 = performance.now();
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
      if (channel.hasSubscribers) channel.publish({ by: 'writer', ms: performance.now() - t0 } satisfies WalRestartEvent);
    } catch {
      // Not the journal's failure (what was committed stays committed): the next report tries again.
    }
  }
}
