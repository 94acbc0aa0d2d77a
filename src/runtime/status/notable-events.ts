/**
 * The last few notable things the fleet did, as short lines for the terminal pane: fills, state
 * changes, stops, refusals, restarts. It is a market-log sink (market-log.ts), so it sees exactly
 * what the log says; the chatty per-order lines (an order sent, placed) are left to the log file.
 * Bounded: only the newest `capacity` lines are kept.
 */
import type { MarketLogSink } from '../market-log.js';

/** Lines of the log that the pane does not repeat: every fill has them, the log file keeps them. */
const QUIET = new Set(['counter-order sent', 'order sent']);

const hms = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

export class NotableEvents implements MarketLogSink {
  private readonly lines: string[] = [];

  constructor(
    private readonly capacity = 8,
    private readonly now: () => number = Date.now,
  ) {}

  info(obj: object, msg: string): void {
    this.add(obj, msg, '');
  }

  warn(obj: object, msg: string): void {
    this.add(obj, msg, '! ');
  }

  /** Adds a line as it is (a restart summary, a notice). */
  note(text: string): void {
    this.push(`${hms(this.now())} ${text}`);
  }

  /** The newest lines, oldest first. */
  recent(): readonly string[] {
    return this.lines;
  }

  private add(obj: object, msg: string, mark: string): void {
    if (QUIET.has(msg) || msg.startsWith('order placed via')) return;
    const f = obj as { market?: unknown; side?: unknown; amount?: unknown; price?: unknown };
    const market = typeof f.market === 'string' ? f.market : '';
    let text = msg;
    if (msg === 'fill') text = `fill ${String(f.side)} ${String(f.amount)} @ ${String(f.price)}`;
    if (market !== '' && !text.startsWith(market)) text = `${market} ${text}`;
    this.push(`${hms(this.now())} ${mark}${text}`);
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }
}

/** Returns a sink that hands every line to each of `sinks`, in order. */
export function teeSink(...sinks: readonly MarketLogSink[]): MarketLogSink {
  return {
    info: (obj, msg) => {
      for (const s of sinks) s.info(obj, msg);
    },
    warn: (obj, msg) => {
      for (const s of sinks) s.warn(obj, msg);
    },
  };
}
