/**
 * One tick of the checkpoint worker (checkpoint-worker.ts runs it in its thread, from its source
 * text: it must stay self-contained, no imports, no outer names).
 *
 * A PASSIVE checkpoint copies what it can beside the writer. Past `restartBytes` of WAL, the WAL
 * has to start over, which SQLite does only at a write transaction that begins with every frame
 * copied: under steady commits one always lands during the copy. So a few more PASSIVE checkpoints
 * follow, each copying what was committed during the one before, until one finds nothing new (or
 * `catchUps` ran); then a RESTART, which holds the writer lock while it copies what is left, so
 * the writer's next transaction starts the WAL over. The writer that begins a transaction during
 * that hold waits for it (under its busy_timeout, at BEGIN IMMEDIATE or its events' INSERT): nothing, when the catch-up
 * found nothing new (no frame to copy, no fsync); else a few frames and two fsyncs. So the RESTART
 * runs only after a catch-up that found nothing new, or once the WAL is past `forceBytes` anyway.
 * It waits up to `restartWaitMs` for the writer to be between transactions (this thread sleeps,
 * never the writer's); no gap: it copies as a PASSIVE would, `busy` 1, and the next tick tries again.
 */
import type { WalCheckpointResult } from './wal-limit.js';

/** The part of a better-sqlite3 connection a step uses. */
export interface CheckpointConnection {
  pragma(source: string): unknown;
}

export interface CheckpointStepOptions {
  /** WAL size (frames × `frameBytes`) past which the step starts the WAL over. */
  readonly restartBytes: number;
  /** A WAL frame: a page and its 24-byte header. */
  readonly frameBytes: number;
  /** WAL size past which the step restarts even when its catch-up kept finding new frames. */
  readonly forceBytes: number;
  /** PASSIVE checkpoints at most before the RESTART. */
  readonly catchUps: number;
  /** How long the RESTART waits for the writer lock, ms. */
  readonly restartWaitMs: number;
}

/** Runs one checkpoint (and the restart when due) on `db`, a connection other than the writer's; returns SQLite's last result. */
export function checkpointStep(db: CheckpointConnection, o: CheckpointStepOptions): WalCheckpointResult {
  const run = (mode: string): WalCheckpointResult => (db.pragma(`wal_checkpoint(${mode})`) as WalCheckpointResult[])[0] as WalCheckpointResult;
  let r = run('PASSIVE');
  if (r.log * o.frameBytes <= o.restartBytes) return r;
  let last = -1;
  for (let i = 0; i < o.catchUps && r.log !== last; i += 1) {
    last = r.log;
    r = run('PASSIVE');
  }
  if (r.log !== last && r.log * o.frameBytes <= o.forceBytes) return r;
  db.pragma(`busy_timeout = ${o.restartWaitMs}`);
  const t0 = performance.now();
  try {
    return { ...run('RESTART'), restartMs: performance.now() - t0 };
  } finally {
    db.pragma('busy_timeout = 0');
  }
}
