/**
 * Keeps the journal's WAL file bounded under continuous writes.
 *
 * Why: SQLite starts the WAL over only when a write transaction begins after a checkpoint that
 * copied every frame. The checkpoint worker (checkpoint-worker.ts) runs beside the writer, so
 * while commits never pause (the history bench; a busy runtime, whose open transaction waits up to
 * the commit lag) a commit always lands during the worker's checkpoint and the WAL never starts
 * over: it grew ~7 KiB per fill without end (720 MB after 100k fills of the history bench), and
 * every commit wrote further into an ever larger file.
 *
 * So every `checkEvery` commits the writer looks at the WAL's size; past `limitBytes` it runs one
 * PASSIVE checkpoint itself, between transactions, which copies the few frames the worker has not
 * and lets its next write transaction start the WAL over (truncated to `limitBytes` by SQLite's
 * `journal_size_limit`). A checkpoint that finds the worker busy is tried again at the next check.
 */
import { statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';

export class WalLimit {
  private commits = 0;

  constructor(
    private readonly db: Database,
    private readonly walPath: string,
    private readonly limitBytes: number,
    private readonly checkEvery: number,
  ) {
    db.pragma(`journal_size_limit = ${Math.trunc(limitBytes)}`);
  }

  /** Call after a commit, with no transaction open. */
  afterCommit(): void {
    this.commits += 1;
    if (this.commits < this.checkEvery) return;
    this.commits = 0;
    const size = statSync(this.walPath, { throwIfNoEntry: false })?.size ?? 0;
    if (size <= this.limitBytes) return;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Not the journal's failure (what was committed stays committed): the next check tries again.
    }
  }
}
