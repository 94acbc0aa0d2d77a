/**
 * The candle file `gridbot history` writes: the backtest's `klines-jsonl` (src/backtest/data/klines.ts),
 * one WhiteBIT v1 kline row per line exactly as the exchange sends it,
 * `[open time s, "open", "close", "high", "low", "base volume", "quote volume"]`, ascending by time,
 * one row per interval with no gap and no repeat.
 *
 * Append-safety: rows are only ever appended, a page at a time in one write followed by fsync. A
 * crash can at worst leave the last line cut short; {@link readTail} finds the last whole row and
 * how many bytes after it to cut, so the next run continues from that row and the file is whole again.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { type KlineRow, isPriceDataError, klineLine, parseKlinesJsonl } from '../backtest/data/index.js';

/** The last candle of a file: all a continuation needs (where to go on, and the close a gap repeats). */
export interface LastCandle {
  /** Open time, Unix seconds. */
  readonly time: number;
  readonly close: string;
}

/** The bytes read from the end of the file to find its last row (far more than one row). */
const TAIL_BYTES = 64 * 1024;

/** What the end of an existing file says. */
export type FileTail =
  | { readonly kind: 'absent' }
  /** The file exists but holds no whole row yet. */
  | { readonly kind: 'empty'; readonly keepBytes: number }
  /** `last` is the last whole row; bytes from `keepBytes` on are a cut line to drop. */
  | { readonly kind: 'rows'; readonly last: LastCandle; readonly keepBytes: number; readonly cutBytes: number }
  /** `reason` names the file (and the line when the whole file was read) as the backtest loader does. */
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * Reads the end of `path`: its last whole row (checked by the backtest's own loader, so a file that
 * continues is a file `backtest --data` reads) and whether a cut line follows it.
 */
export function readTail(path: string): FileTail {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    const from = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    const text = buf.toString('utf8');
    // Only text up to the last newline is whole: anything after it was cut by a crash.
    const end = text.lastIndexOf('\n');
    const whole = end < 0 ? '' : text.slice(0, end);
    const keepBytes = from + (end < 0 ? 0 : Buffer.byteLength(text.slice(0, end + 1)));
    const lines = whole.split('\n');
    const lastLine = lines[lines.length - 1] ?? '';
    if (lastLine.trim() === '') {
      if (from === 0 && whole.trim() === '') return { kind: 'empty', keepBytes: 0 };
      return { kind: 'invalid', reason: `${path}: ends with a blank line` };
    }
    try {
      const series = parseKlinesJsonl(lastLine, path);
      const candle = series.kind === 'candles' ? series.candles[0] : undefined;
      if (!candle) return { kind: 'invalid', reason: `${path}: the last line holds no kline` };
      return { kind: 'rows', last: { time: candle.timeMs / 1000, close: candle.close }, keepBytes, cutBytes: size - keepBytes };
    } catch (e) {
      if (!isPriceDataError(e)) throw e;
      // The loader numbered the one line it saw: give the file's line when the whole file was read.
      const where = from === 0 ? `${path}:${lines.length}` : `${path} (last line)`;
      return { kind: 'invalid', reason: `${where}${e.field !== null ? ` ${e.field}` : ''}: ${e.problem}` };
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * A candle file being extended: opened at the first page that has rows (a run that fails before
 * that creates nothing), cutting a torn tail once, then appending whole pages durably.
 */
export class KlineAppender {
  private fd: number | null = null;

  /** `keepBytes`: the file's whole rows end there; bytes after it are a line cut by a crash. */
  constructor(
    private readonly path: string,
    private readonly keepBytes: number,
  ) {}

  /** Appends `rows` in one write and flushes them to disk. */
  append(rows: readonly KlineRow[]): void {
    if (rows.length === 0) return;
    if (this.fd === null) {
      const fd = openSync(this.path, 'a+');
      if (fstatSync(fd).size > this.keepBytes) ftruncateSync(fd, this.keepBytes);
      this.fd = fd;
    }
    const buf = Buffer.from(rows.map((r) => `${klineLine(r)}\n`).join(''), 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
