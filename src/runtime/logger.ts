/**
 * The process logger: one pino root, a child per market (`{ market }` on every line).
 *
 * Entry points: `createLogger({ level })`, `marketLogger(root, market)`, `fixedShapeLogger(root)`, `REDACT_PATHS`,
 * `asyncDestination(dest)` and `lineGatherer(logger)`.
 *
 * Secrets are kept out of logs twice over: credentials are `Secret`s that serialise as
 * `[redacted]` (credentials.ts), and pino's `redact` censors any field named like a key, secret or
 * signature, and the X-TXC-* auth headers, up to four levels deep, should a raw string reach a
 * log call anyway.
 *
 * Output: pretty (pino-pretty in a worker) only when stdout is a terminal, coloured unless `NO_COLOR`
 * is set (or the target fd is not a terminal); otherwise JSON lines
 * through an async destination. Call `logger.flush()` before exiting so buffered lines are written.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config/schema.js';

/** Field names whose values are never logged (each also in any case variant WhiteBIT or undici uses). */
const SECRET_FIELDS = [
  'apiKey',
  'apiSecret',
  'api_key',
  'api_secret',
  'secret',
  'signature',
  'X-TXC-APIKEY',
  'X-TXC-PAYLOAD',
  'X-TXC-SIGNATURE',
  'x-txc-apikey',
  'x-txc-payload',
  'x-txc-signature',
] as const;

const accessor = (name: string): string => (/^[A-Za-z_]\w*$/.test(name) ? name : `["${name}"]`);

/** The pino redact paths: every secret field at the top level and up to three objects down. */
export const REDACT_PATHS: readonly string[] = SECRET_FIELDS.flatMap((name) => {
  const a = accessor(name);
  const join = (prefix: string) => (a.startsWith('[') ? `${prefix}${a}` : `${prefix}.${a}`);
  return [a, join('*'), join('*.*'), join('*.*.*')];
});

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Where lines go; default stdout (pretty on a TTY, async JSON otherwise). Tests pass a stream. */
  readonly destination?: DestinationStream;
  /** Force pretty output on or off; default: stdout is a TTY. Ignored when `destination` is given. */
  readonly pretty?: boolean;
  /** File descriptor of the pretty or JSON output: 1 (default) or 2, to keep stdout for a status table. */
  readonly fd?: 1 | 2;
}

/** Returns the root logger. */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    base: { app: 'gridbot' },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  };
  if (options.destination !== undefined) return pino(base, options.destination);
  const fd = options.fd ?? 1;
  if (options.pretty ?? process.stdout.isTTY === true) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: colorEnabled(fd), translateTime: 'SYS:HH:MM:ss.l', destination: fd } } });
  }
  return pino(base, asyncDestination(fd));
}

/** How long a line may wait in the buffer of {@link asyncDestination} before it is written. */
export const LOG_FLUSH_MS = 200;

/**
 * The smallest block {@link asyncDestination} writes, in characters (bytes for ASCII lines), but for
 * a flush. Lines are held until then (at most {@link LOG_FLUSH_MS}), so a block costs one join and
 * one file write however many lines it holds: measured for the market log's three lines per fill
 * (in process, median of 3 runs), 8 KiB ~15.5, 32 KiB ~12.8, 64 KiB ~11.5 µs of CPU per fill.
 */
export const LOG_BLOCK_BYTES = 65_536;

/**
 * sonic-boom's own `minLength` under {@link asyncDestination}: below its 16 KiB `maxWrite`, as it
 * requires, and above 0 so that `flush(cb)` waits for the write (with 0 it calls back at once).
 * Every block it is handed is larger, so it writes each at once.
 */
const SONIC_MIN_LENGTH = 8192;

/**
 * Returns the async destination for JSON lines on `dest` (a file descriptor or path): lines are
 * written in blocks of at least {@link LOG_BLOCK_BYTES}, and at the latest {@link LOG_FLUSH_MS} after they were logged.
 *
 * Why: unbuffered, every line (or every few) is its own `fs.write`, a thread-pool round trip and a
 * wake-up of the loop; at 1,000 fills/s with two lines per fill that was ~9 % of the bot's CPU in the
 * bench profile. The block is built here, not in sonic-boom (see {@link gatheringDestination}).
 * pino flushes the destination synchronously on exit, which hands over what is held first, so
 * nothing logged is lost.
 */
export function asyncDestination(dest: number | string): AsyncDestination {
  return gatheringDestination(
    pino.destination({ dest, sync: false, minLength: SONIC_MIN_LENGTH, periodicFlush: LOG_FLUSH_MS, ...(typeof dest === 'string' ? { mkdir: true } : {}) }),
    LOG_BLOCK_BYTES,
  );
}

/** Runs work whose log lines reach the destination as one write. */
export interface LineGatherer {
  /** Runs `work`; every line it logs is handed on in one piece when it returns (or throws). */
  gather(work: () => void): void;
}

/** The destination of {@link asyncDestination}: sonic-boom, whose writes a {@link LineGatherer} can join. */
export type AsyncDestination = ReturnType<typeof pino.destination> & LineGatherer;

/** What a destination may have besides `write`: each hands over the held lines before it runs. */
const HANDING_OVER = ['flush', 'flushSync', 'end'] as const;

/**
 * Adds `gather` to a destination (sonic-boom in {@link asyncDestination}) and, with `blockChars`,
 * holds its lines until they make a block of that many characters, which it hands to the
 * destination as one write; `flush`, `flushSync` and `end` hand over what is held first
 * (sonic-boom's periodic flush calls `flush`: a line waits no longer than it did in sonic-boom).
 *
 * Why: sonic-boom's `write` measures the UTF-8 length of the whole chunk it is appending to, once
 * per write (`Buffer.byteLength`, which also flattens the concatenated string), so each line (or
 * each turn's lines, joined by `gather`) appended to a pending block of several KiB costs a scan and
 * a copy of that block. Held as an array and joined once per block, they cost a push: the market
 * log's three lines per fill measured ~20.3 -> ~16.3 µs of CPU per fill with 8 KiB blocks, ~11.5
 * with 64 KiB (in process: market log, deferred sink, pino, the file; median of 3 runs of 20,000
 * fills, two gathers per fill as the runtime has). `gather` alone (no block) measured ~4.3 -> ~1.6 µs per line with 30 lines per turn.
 */
export function gatheringDestination<T extends { write(line: string): boolean }>(stream: T, blockChars = 0): T & LineGatherer {
  const write = stream.write.bind(stream);
  let parts: string[] | null = null;
  let held: string[] = [];
  let heldChars = 0;
  const handOver = (): boolean => {
    if (held.length === 0) return true;
    const block = held.length === 1 ? (held[0] ?? '') : held.join('');
    held = [];
    heldChars = 0;
    // pino replaces `write` with a no-op on EPIPE (the reader is gone): what was held goes the same way.
    return stream.write === gathering ? write(block) : true;
  };
  const hold = (text: string): boolean => {
    held.push(text);
    heldChars += text.length;
    return heldChars >= blockChars ? handOver() : true;
  };
  const gathering = (line: string): boolean => {
    if (parts === null) return hold(line);
    parts.push(line);
    return true;
  };
  stream.write = gathering;
  const methods = stream as unknown as Record<string, unknown>;
  for (const name of HANDING_OVER) {
    const method = methods[name];
    if (typeof method !== 'function') continue;
    methods[name] = (...args: unknown[]): unknown => {
      handOver();
      return (method as (...a: unknown[]) => unknown).apply(stream, args);
    };
  }
  const gather = (work: () => void): void => {
    if (parts !== null) {
      work();
      return;
    }
    parts = [];
    try {
      work();
    } finally {
      const gathered = parts;
      parts = null;
      if (gathered.length > 0 && stream.write === gathering) hold(gathered.length === 1 ? (gathered[0] ?? '') : gathered.join(''));
    }
  };
  return Object.assign(stream, { gather });
}

/** Returns the gatherer of `logger`'s destination when it is an {@link asyncDestination}, else null (a test stream, pretty output). */
export function lineGatherer(logger: Logger): LineGatherer | null {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as Partial<LineGatherer> | undefined;
  return typeof stream?.gather === 'function' ? (stream as LineGatherer) : null;
}

/**
 * True when output on `fd` may carry ANSI colours: it is a terminal and `NO_COLOR` is unset or
 * empty (https://no-color.org). Nothing else in gridbot prints colour.
 */
export function colorEnabled(fd: 1 | 2, env: NodeJS.ProcessEnv = process.env, isTTY = (fd === 1 ? process.stdout : process.stderr).isTTY === true): boolean {
  return isTTY && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

/**
 * Returns a logger for lines whose shape the code fixes (the market log's fills and orders: market,
 * ids, side, price, amount), with only the top-level secret paths redacted.
 *
 * Why: pino's wildcard redact paths clone every logged object and cost ~130 µs per line here,
 * against ~8 µs without them; the market log writes two lines per fill, which made logging the
 * largest CPU cost of a fill and capped the fills per second a logging bot could follow. Those
 * lines are built field by field from domain events, so no nested object can carry a secret;
 * every other line keeps the full redaction.
 */
export function fixedShapeLogger(root: Logger): Logger {
  return root.child({}, { redact: { paths: REDACT_PATHS.filter((p) => !p.includes('*')), censor: '[redacted]' } });
}

/** Returns the logger of one market actor: every line carries `market`. */
export function marketLogger(root: Logger, market: string): Logger {
  return root.child({ market });
}
