/**
 * A log sink that writes one event-loop turn later, in order.
 *
 * Why: the market log's lines for a fill ("fill", "counter-order sent") are produced inside the
 * inspection hook, synchronously, before the counter-order request has left the process. Even with
 * pino's asynchronous destination, building a line costs tens of µs, and on a cold CPU several
 * hundred: measured in the bench, the logging bot handed its counter-order to undici ~400 µs later
 * than the same bot without logging. Deferred to the after-turn phase (turn/turn-order.ts rule 5), the
 * lines are built after undici's own write, so the order goes first and the log loses nothing.
 *
 * Bounded: lines are written in blocks (`LINES_PER_FLUSH`), which give way to waiting frames for a
 * while (`LINE_YIELD`); should lines still pile up to `LINES_CAP`, they are all written at once.
 */
import type { LineGatherer } from './logger.js';
import { afterTurn, framesWaiting } from './turn/turn-order.js';

export interface LineSink {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface DeferredSink extends LineSink {
  /** Writes every buffered line now (before exit). */
  flush(): void;
}

type Line = { readonly level: 'info' | 'warn'; readonly obj: object; readonly msg: string };

/**
 * Lines one scheduled flush writes at most (~15-20 µs each on this VM, so well under a millisecond);
 * the rest go in the next flush. Why: a turn that routed hundreds of fills (a burst over 500
 * markets) built its lines in one piece of tens of ms, and a fill frame read meanwhile waited.
 */
export const LINES_PER_FLUSH = 48;

/** Lines written from the front of a buffer that has not emptied, past which it is copied without them. */
const COMPACT_AFTER = 1024;

/** When a scheduled flush gives way to frames read already and waiting (turn-order.ts rule 5). */
export interface LineYield {
  /** True while frames read already wait to be routed. Default turn-order.ts `framesWaiting`. */
  readonly framesWaiting: () => boolean;
  /** Milliseconds. Default `performance.now`. */
  readonly now: () => number;
  /** How long (ms, from the first flush put off since the buffer was last empty) flushes give way. */
  readonly maxMs: number;
  /** Flushes stop giving way once this many lines wait. */
  readonly maxLines: number;
}

/**
 * The bounds of giving way, as the journal's reporting slices (report-slices.ts `REPORT_SLICE`).
 * Why: in a burst (every one of 500 markets fills at once) the backlog of frames lasts the burst's
 * whole span, and a block of 48 lines (~0.7 ms) ran between every two backlog batches (~1 ms): the
 * last counter-orders waited for the lines of the fills before them. 1,000 ms covers a burst (the
 * simulator's span is 200-700 ms on the shared VM); 4,096 lines (~1,400 fills at three lines a
 * fill, ~1 MiB) bound the buffer of a bot that cannot keep up, whose flushes then run one per
 * after-turn phase and outpace the lines a backlog batch adds.
 */
export const LINE_YIELD: LineYield = { framesWaiting, now: () => performance.now(), maxMs: 1000, maxLines: 4096 };

/**
 * Waiting lines at which every one of them is written at once, in the call that adds the last
 * (on a fill's path), as the journal does with its reports (journal.ts `REPORTS_CAP`). Why: past
 * `LINE_YIELD.maxLines` a flush writes one block per after-turn phase, and a producer that adds more
 * than a block's worth per phase for good would grow the buffer without end. Four times
 * `maxLines` (~4 MiB): a bot whose flushes keep up never reaches it, one that does not pays one
 * long write (~250-300 ms at ~15-20 µs a line) instead of running out of memory.
 */
export const LINES_CAP = 16_384;

/**
 * Returns a sink that buffers lines and writes them to `sink` on the next `schedule` callback, at
 * most `linesPerFlush` per callback, in order (more are scheduled again). With `gather` (logger.ts
 * `lineGatherer` of the sink's logger), a flush's lines reach the destination as one write. While
 * frames wait (`give`), a flush puts itself off to the next callback, within `give`'s bounds.
 * Once `cap` lines wait, they are all written at once, in order, before the call that added the
 * last returns.
 */
export function deferredSink(
  sink: LineSink,
  schedule: (f: () => void) => void = (f) => afterTurn(f),
  gather: LineGatherer | null = null,
  linesPerFlush: number = LINES_PER_FLUSH,
  give: LineYield = LINE_YIELD,
  cap: number = LINES_CAP,
): DeferredSink {
  let buffer: Line[] = [];
  // Lines before `head` are written already (a flush in slices).
  let head = 0;
  let scheduled = false;
  // When a flush first gave way since the buffer was last empty; null: none has.
  let givingSince: number | null = null;
  const writeAll = (lines: readonly Line[]): void => {
    for (const l of lines) {
      if (l.level === 'info') sink.info(l.obj, l.msg);
      else sink.warn(l.obj, l.msg);
    }
  };
  const write = (lines: readonly Line[]): void => {
    if (lines.length === 0) return;
    if (gather === null) writeAll(lines);
    else gather.gather(() => writeAll(lines));
  };
  const take = (max: number): Line[] => {
    const end = Math.min(buffer.length, head + max);
    const lines = head === 0 && end === buffer.length ? buffer : buffer.slice(head, end);
    if (end === buffer.length) {
      buffer = [];
      head = 0;
      givingSince = null;
    } else if (end >= COMPACT_AFTER && end * 2 >= buffer.length) {
      // A buffer that never empties (a bot behind for good) would keep every line written from it.
      buffer = buffer.slice(end);
      head = 0;
    } else head = end;
    return lines;
  };
  const flush = (): void => {
    scheduled = false;
    write(take(Infinity));
  };
  // Frames read already go first, until the lines have waited `maxMs` or pile up to `maxLines`.
  const giveWay = (): boolean => {
    const waiting = buffer.length - head;
    if (waiting === 0 || waiting >= give.maxLines || !give.framesWaiting()) return false;
    const now = give.now();
    givingSince ??= now;
    return now - givingSince < give.maxMs;
  };
  const flushSome = (): void => {
    if (giveWay()) {
      schedule(flushSome);
      return;
    }
    scheduled = false;
    const lines = take(linesPerFlush);
    // Scheduled before writing: a sink that throws loses its slice, not the lines after it.
    if (buffer.length > 0) {
      scheduled = true;
      schedule(flushSome);
    }
    write(lines);
  };
  const push = (line: Line): void => {
    buffer.push(line);
    if (buffer.length - head >= cap) {
      // A flush still scheduled finds the buffer empty, or the lines added after these.
      write(take(Infinity));
      return;
    }
    if (scheduled) return;
    scheduled = true;
    schedule(flushSome);
  };
  return {
    info: (obj, msg) => push({ level: 'info', obj, msg }),
    warn: (obj, msg) => push({ level: 'warn', obj, msg }),
    flush,
  };
}
