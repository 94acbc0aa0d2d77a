/**
 * Checkpoints the journal's WAL from a worker thread with its own SQLite connection.
 *
 * Why: a checkpoint copies the WAL into the database file and fsyncs it, 5–20 ms on these
 * machines. On the main thread (a timer) that stall falls between events but still delays the next
 * fill by up to its length: one fill in a few dozen at 100 fills/s, which is the bench's p99. In a
 * worker the event loop never waits for it; SQLite's WAL lets the checkpointer run beside the
 * writer (PASSIVE never blocks it, and the writer's commits do not wait for the checkpoint).
 *
 * The worker is an eval'd CommonJS script (no build step, works from `src` under vitest and from
 * `dist`), loading better-sqlite3 from the path this module resolves.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { WalCheckpointResult } from './wal-limit.js';

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
const checkpoint = () => {
  try { parentPort.postMessage(db.pragma('wal_checkpoint(PASSIVE)')[0]); } catch { /* busy or closing: the next tick tries again */ }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export class CheckpointWorker {
  private readonly worker: Worker;
  private stopped = false;

  /** `reported` receives each checkpoint's result (frames in the WAL, frames copied), in a turn of its own. */
  constructor(path: string, intervalMs: number, reported: (result: WalCheckpointResult) => void = () => {}) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(SOURCE, { eval: true, workerData: { module, path, intervalMs } });
    // A failed checkpointer costs only the stalls it was saving: the main thread's fallback is SQLite's own.
    this.worker.on('error', () => {});
    this.worker.on('message', (m: WalCheckpointResult) => {
      if (!this.stopped) reported(m);
    });
    this.worker.unref();
  }

  /** Asks the worker to checkpoint once more and exit; never blocks the caller. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.worker.postMessage('stop');
  }
}
