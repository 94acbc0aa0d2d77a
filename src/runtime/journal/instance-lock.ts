/**
 * One bot per journal: a `lock` row (pid, host, start time, token) taken inside `BEGIN IMMEDIATE`.
 *
 * Why a row and not an OS lock: SQLite's own exclusive locking mode (or an flock on the file) would
 * also shut out readers (a report, the inspector) for the bot's whole life, and a refused second
 * bot could not say who holds the file. The row names the holder, and WAL readers are unaffected.
 *
 * Why it is safe: `BEGIN IMMEDIATE` takes SQLite's write lock, so two bots opening at once are
 * serialised, and the second sees the first's row. A row whose process is gone (SIGKILL, crash:
 * nothing released it) is taken over: on the same host `process.kill(pid, 0)` tells whether the
 * pid still exists (EPERM means it exists under another user). A row from another host cannot be
 * checked and is never taken over.
 *
 * Hazard: a pid reused by an unrelated process after a crash makes the stale row look alive; the
 * error names the pid so the operator can see it is not a gridbot. A zombie (killed, not yet
 * reaped by its parent) also counts as alive.
 *
 * Entry points: `acquireLock`, `releaseLock`, `lockState` (what a lock row means: the one rule that
 * `acquireLock`, `gridbot doctor` and `gridbot status` share), `processIsAlive`.
 */
import type { Database } from 'better-sqlite3';
import { hostname } from 'node:os';
import { type LockHolder, JournalLockedError } from './journal-errors.js';

export interface LockClaim extends LockHolder {
  /** Unique to this open: only the opener releases the row. */
  readonly token: string;
}

interface LockRow {
  readonly pid: number;
  readonly host: string;
  readonly started_at: number;
}

/** True when a process with `pid` exists on this host. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What a journal's lock row says about its holder:
 * - `free`: no row;
 * - `running`: a process with that pid exists on this host (a bot, or a reused pid: see the hazard above);
 * - `elsewhere`: held from another host, which cannot be checked (counts as running: never taken over);
 * - `stale`: the holder on this host is gone (SIGKILL, crash) and the next run takes the row over.
 */
export type LockState = { readonly kind: 'free' } | { readonly kind: 'running' | 'elsewhere' | 'stale'; readonly holder: LockHolder };

/** Returns what `holder` (the lock row, or null) means seen from host `here`. */
export function lockState(holder: LockHolder | null, here: string = hostname(), isAlive: (pid: number) => boolean = processIsAlive): LockState {
  if (holder === null) return { kind: 'free' };
  if (holder.host !== here) return { kind: 'elsewhere', holder };
  return { kind: isAlive(holder.pid) ? 'running' : 'stale', holder };
}

/**
 * Takes the journal for `claim`, taking over a row left by a dead process on this host.
 * @throws JournalLockedError when a live process (or one on another host) holds it, this one included
 */
export function acquireLock(db: Database, path: string, claim: LockClaim, isAlive: (pid: number) => boolean = processIsAlive): void {
  db.transaction(() => {
    const row = db.prepare('SELECT pid, host, started_at FROM lock WHERE id = 1').get() as LockRow | undefined;
    const holder = row === undefined ? null : { pid: row.pid, host: row.host, startedAt: row.started_at };
    const state = lockState(holder, claim.host, isAlive);
    if (state.kind === 'running' || state.kind === 'elsewhere') throw new JournalLockedError(path, state.holder);
    db.prepare('INSERT OR REPLACE INTO lock (id, pid, host, started_at, token) VALUES (1, ?, ?, ?, ?)').run(
      claim.pid,
      claim.host,
      claim.startedAt,
      claim.token,
    );
  }).immediate();
}

/** Gives the journal up, if `token` still holds it. */
export function releaseLock(db: Database, token: string): void {
  db.prepare('DELETE FROM lock WHERE id = 1 AND token = ?').run(token);
}
