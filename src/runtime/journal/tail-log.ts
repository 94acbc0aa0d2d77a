/**
 * The journal's tail: an append-only file beside the SQLite journal (`<journal>-tail`) that makes a
 * batch's events durable with one `write` before its counter-orders leave, filed into SQLite later,
 * off the fill path (journal.ts, option `tail`).
 *
 * Why: a commit of one INSERT in SQLite's WAL mode is eight system calls (six `fcntl` locks on the
 * shared-memory index and two `pwrite`s of the WAL frame); on the fill path of the bench machine it
 * cost 38–62 µs, where one `write` of the same rows cost about half (bench/README.md, "Where a
 * reaction's time goes"). The durability is the same: the bytes are in the OS page cache when the
 * call returns, so they survive the process being killed; a power loss may lose the last writes of
 * either (the WAL is not fsynced per commit either, schema.ts).
 *
 * Format: one line per event row, `[id,runId,market,checkpointId,seq,type,at]` as JSON, a tab, then
 * the event's payload (the journal's encoded JSON, which holds no raw tab or newline). A line is a
 * row only with its newline: a write cut short by a crash leaves a last line without one, and that
 * event was never acted on (nothing leaves before the write returns), so it is dropped. Reading
 * stops at the first line that is not a row.
 *
 * The file holds rows that may already be in SQLite: it is emptied once everything written to it was
 * committed there, and a reader takes only the rows past the table's last id.
 *
 * Entry points: {@link TailLog} (`open`, `append`, `clear`, `close`), {@link readTail},
 * {@link tailPathOf}, {@link tailLine}.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from 'node:fs';

/** One event row as the `events` table holds it. */
export interface TailRow {
  readonly id: number;
  readonly runId: number;
  readonly market: string;
  readonly checkpointId: number;
  readonly seq: number;
  readonly type: string;
  readonly payload: string;
  readonly at: number;
}

/**
 * The tail file of the journal at `journalPath`: beside the file the path leads to, so every alias
 * of one journal (a symlink, another spelling) finds the same tail. Null for a journal with no file
 * (`:memory:`, or `''`: SQLite's temporary database).
 */
export function tailPathOf(journalPath: string): string | null {
  if (journalPath === '' || journalPath === ':memory:') return null;
  let real = journalPath;
  try {
    real = realpathSync(journalPath);
  } catch {
    // Not there yet: its name is the one it will have.
  }
  return `${real}-tail`;
}

/** Returns the line of one row (with its newline). */
export function tailLine(id: number, runId: number, market: string, checkpointId: number, seq: number, type: string, payload: string, at: number): string {
  return `${JSON.stringify([id, runId, market, checkpointId, seq, type, at])}\t${payload}\n`;
}

function rowOf(line: string): TailRow | null {
  const tab = line.indexOf('\t');
  if (tab < 0) return null;
  let head: unknown;
  try {
    head = JSON.parse(line.slice(0, tab));
  } catch {
    return null;
  }
  if (!Array.isArray(head) || head.length !== 7) return null;
  const [id, runId, market, checkpointId, seq, type, at] = head as unknown[];
  if (
    !Number.isSafeInteger(id) ||
    !Number.isSafeInteger(runId) ||
    typeof market !== 'string' ||
    !Number.isSafeInteger(checkpointId) ||
    !Number.isSafeInteger(seq) ||
    typeof type !== 'string' ||
    typeof at !== 'number'
  )
    return null;
  return { id: id as number, runId: runId as number, market, checkpointId: checkpointId as number, seq: seq as number, type, payload: line.slice(tab + 1), at };
}

/**
 * Returns the rows of the tail file at `path`, in file order: none when it is missing or empty.
 * `cut` is true when reading stopped before the end (a last line without its newline, or a line
 * that is not a row).
 */
export function readTail(path: string): { readonly rows: readonly TailRow[]; readonly cut: boolean } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { rows: [], cut: false };
    throw e;
  }
  const rows: TailRow[] = [];
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    if (end < 0) return { rows, cut: true };
    const row = rowOf(text.slice(start, end));
    if (row === null) return { rows, cut: true };
    rows.push(row);
    start = end + 1;
  }
  return { rows, cut: false };
}

/** The writer's side of a tail file: one open descriptor, appends and truncation. */
export class TailLog {
  private fd: number | null;
  private written = 0;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Opens (creating) the tail file at `path` for appending, emptied first: call it once what it held is filed. */
  static open(path: string): TailLog {
    const fd = openSync(path, 'a');
    try {
      ftruncateSync(fd, 0);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return new TailLog(path, fd);
  }

  /** Appends `text` with one `write` (looping only if the kernel took part of it). Throws when it cannot. */
  append(text: string): void {
    const fd = this.descriptor();
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    this.written += buf.length;
  }

  /** Empties the file (everything in it is filed elsewhere). */
  clear(): void {
    if (this.written === 0) return;
    ftruncateSync(this.descriptor(), 0);
    this.written = 0;
  }

  /** Closes the file; with `remove`, deletes it (a clean close: nothing in it is needed). Idempotent. */
  close(remove: boolean): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
    if (remove) {
      try {
        unlinkSync(this.path);
      } catch {
        // Already gone: nothing to remove.
      }
    }
  }

  private descriptor(): number {
    if (this.fd === null) throw new Error(`journal tail ${this.path} is closed`);
    return this.fd;
  }
}
