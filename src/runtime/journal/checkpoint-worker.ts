/**
 * Checkpoints the journal's WAL from a worker thread with its own SQLite connection, and starts
 * the WAL over from there once it passes `restartBytes`.
 *
 * Why: a checkpoint copies the WAL into the database file and fsyncs it, 5–20 ms on these
 * machines. On the main thread (a timer) that stall falls between events but still delays the next
 * fill by up to its length: one fill in a few dozen at 100 fills/s, which is the bench's p99. In a
 * worker the event loop never waits for it; SQLite's WAL lets the checkpointer run beside the
 * writer (PASSIVE never blocks it, and the writer's commits do not wait for the checkpoint).
 *
 * Past `restartBytes` the worker also starts the WAL over (wal-checkpoint-step.ts): under steady
 * commits a PASSIVE checkpoint never copies every frame, and the WAL would start over only after
 * the writer's own checkpoint, a pause on the event loop (wal-limit.ts, the fallback).
 *
 * The worker is an eval'd CommonJS script (no build step, works from `src` under vitest and from
 * `dist`), loading better-sqlite3 from the path this module resolves.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { checkpointStep } from './wal-checkpoint-step.js';
import type { WalCheckpointResult } from './wal-limit.js';

/**
 * How long the worker's RESTART waits for the writer to be between transactions (its own thread
 * waits), and, once it holds the writer lock, for readers of the file (`gridbot status`) to leave
 * the WAL: the writer waits that long at most on a reader's account.
 */
const RESTART_WAIT_MS = 10;
/** At most this many PASSIVE checkpoints before the RESTART, until one finds nothing committed since the one before. */
const CATCH_UPS = 6;
/** Past `restartBytes` × this, the worker restarts even after a catch-up that kept finding new frames (the writer may wait for a few). */
const FORCE_FACTOR = 1.5;

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
const checkpointStep = ${checkpointStep.toString()};
const step = { restartBytes: workerData.restartBytes, forceBytes: workerData.forceBytes, frameBytes: db.pragma('page_size', { simple: true }) + 24, catchUps: workerData.catchUps, restartWaitMs: workerData.restartWaitMs };
const checkpoint = () => {
  try { parentPort.postMessage(checkpointStep(db, step)); } catch { /* busy or closing: the next tick tries again */ }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  Atomics.store(workerData.closed, 0, 1);
  Atomics.notify(workerData.closed, 0);
  parentPort.close();
});
`;

/** How long `stop` waits for the worker's connection to close (a final checkpoint's fsync is 5-20 ms here). */
const STOP_WAIT_MS = 2000;

export class CheckpointWorker {
  private readonly worker: Worker;
  /** Set to 1 by the worker once its connection is closed (see {@link stop}). */
  private readonly closed = new Int32Array(new SharedArrayBuffer(4));
  private failed = false;
  private stopped = false;

  /**
   * `restartBytes`: the WAL size past which the worker starts it over (Infinity: never): at a tick
   * whose catch-up found nothing new, or at any tick once past 1.5 × `restartBytes`.
   * `reported` receives each checkpoint's result (frames in the WAL, frames copied), in a turn of its own.
   */
  constructor(path: string, intervalMs: number, reported: (result: WalCheckpointResult) => void = () => {}, restartBytes = Infinity) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    const workerData = {
      module,
      path,
      intervalMs,
      restartBytes: Number.isFinite(restartBytes) ? restartBytes : Number.MAX_SAFE_INTEGER,
      forceBytes: Number.isFinite(restartBytes) ? restartBytes * FORCE_FACTOR : Number.MAX_SAFE_INTEGER,
      restartWaitMs: RESTART_WAIT_MS,
      catchUps: CATCH_UPS,
      closed: this.closed,
    };
    this.worker = new Worker(SOURCE, { eval: true, workerData });
    // A failed checkpointer costs only the stalls it was saving: the main thread's fallback is SQLite's own.
    this.worker.on('error', () => {
      this.failed = true;
    });
    this.worker.on('message', (m: WalCheckpointResult) => {
      if (!this.stopped) reported(m);
    });
    this.worker.unref();
  }

  /** Asks the worker to checkpoint once more, close its connection and exit; returns at once (see {@link waitClosed}). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.worker.postMessage('stop');
  }

  /**
   * Blocks until the worker's connection is closed (at most {@link STOP_WAIT_MS}); true when it is.
   * Why block: a connection still open after the journal closed keeps (or, from a worker still
   * starting, creates) the `-wal` and `-shm` files beside it; whoever acts on the journal file next
   * (a test removing its directory, the next run, a backup) would race a thread it cannot see.
   * Closing is a stop, so a few ms on this thread cost nothing.
   */
  waitClosed(): boolean {
    this.stop();
    if (this.failed) return false;
    return Atomics.wait(this.closed, 0, 0, STOP_WAIT_MS) !== 'timed-out';
  }
}
