/**
 * `gridbot history MARKET --days N --out FILE [--interval 1m] [--exchange-url URL] [--page N]`:
 * downloads candles from the exchange's public kline endpoint into a JSON Lines file that
 * `gridbot backtest --data` reads (format: src/history/kline-file.ts). Re-running with the same
 * --out continues after the file's last candle. Public data only: no keys are read or sent.
 */
import { parseArgs } from 'node:util';
import { type Clock, WHITEBIT_LIVE, WhitebitError, WhitebitRestClient } from '../../adapters/whitebit/index.js';
import { KLINE_INTERVALS } from '../../sim/candle-intervals.js';
import { type PageProgress, downloadKlines } from '../../history/download.js';
import { KlineAppender, readTail } from '../../history/kline-file.js';
import { KlinePageError, MAX_PAGE } from '../../history/kline-pages.js';
import { describeError } from '../exchange/index.js';

export const HISTORY_USAGE = `usage: gridbot history MARKET --days N --out FILE [--interval 1m] [--exchange-url URL] [--page N]

  MARKET               the market, e.g. BTC_USDT
  --days N             how far back to start a new file (whole days before the exchange's clock)
  --out FILE           the candle file (JSON Lines, one WhiteBIT kline row per line); an existing
                       file is continued after its last candle (--days then does not move its start)
  --interval NAME      candle interval, one of ${[...KLINE_INTERVALS.keys()].join(' ')} (default 1m)
  --exchange-url URL   where to download from (default ${WHITEBIT_LIVE.rest}; a \`gridbot sim\` serves the same route)
  --page N             candles per request, 1-${MAX_PAGE} (default ${MAX_PAGE})

Downloads every closed candle from N days ago (or the file's last candle) up to the last one closed
on the exchange, page by page under the exchange's public rate limit, waiting out a 429 (Retry-After)
before asking again. Each page is appended and flushed before the next is asked, so a run that is
stopped or killed leaves whole candles behind and the next run continues without a gap or a repeat.
A minute without any trade is written as a flat candle at the previous close with zero volume.
Progress goes to stderr, one summary line at the end.

example: gridbot history BTC_USDT --days 30 --out btc-30d.jsonl
`;

/** Market names as WhiteBIT spells them (the order-book route's rule). */
const MARKET = /^[A-Za-z0-9_-]{1,40}$/;

/** What tests swap: the clock the REST client waits on (429 backoff, rate-limit refill). */
export interface HistoryDeps {
  readonly clock?: Clock;
}

const iso = (s: number): string => new Date(s * 1000).toISOString().replace(':00.000Z', 'Z');

function positiveInt(name: string, v: string | undefined, max: number): number | string {
  if (v === undefined) return `--${name} is required`;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) return `--${name} must be a whole number from 1 to ${max}, got '${v}'`;
  return Number(v);
}

export async function historyCommand(args: string[], deps: HistoryDeps = {}): Promise<number> {
  const bad = (msg: string): number => {
    process.stderr.write(`gridbot history: ${msg}\n\n${HISTORY_USAGE}`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        days: { type: 'string' },
        out: { type: 'string' },
        interval: { type: 'string', default: '1m' },
        'exchange-url': { type: 'string' },
        page: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return bad(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HISTORY_USAGE);
    return 0;
  }
  const [market, ...extra] = positionals;
  if (market === undefined) return bad('MARKET is required');
  if (extra.length > 0) return bad(`unexpected argument '${extra[0]}'`);
  if (!MARKET.test(market)) return bad(`MARKET '${market}' is not a market name (letters, digits, _ and -)`);
  const days = positiveInt('days', values.days, 3_650);
  if (typeof days === 'string') return bad(days);
  const page = values.page === undefined ? MAX_PAGE : positiveInt('page', values.page, MAX_PAGE);
  if (typeof page === 'string') return bad(page);
  if (values.out === undefined || values.out === '') return bad('--out FILE is required');
  const intervalS = KLINE_INTERVALS.get(values.interval);
  if (intervalS === undefined) return bad(`--interval '${values.interval}' is not one of ${[...KLINE_INTERVALS.keys()].join(' ')}`);
  const baseUrl = values['exchange-url'] ?? WHITEBIT_LIVE.rest;
  let origin: string;
  try {
    const u = new URL(baseUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
    origin = u.origin;
  } catch {
    return bad(`--exchange-url '${baseUrl}' is not an http(s) URL`);
  }

  const out = values.out;
  const tail = readTail(out);
  if (tail.kind === 'invalid') {
    return bad(`not a candle file gridbot history can continue: ${tail.reason}`);
  }
  if (tail.kind === 'rows' && tail.last.time % intervalS !== 0 && intervalS < 7 * 86_400) {
    return bad(`${out}: its last candle (${tail.last.time}) is not on the ${values.interval} grid: was it written with another --interval?`);
  }
  const resumeAfter = tail.kind === 'rows' ? tail.last : null;
  if (tail.kind === 'rows') {
    const cut = tail.cutBytes > 0 ? ` (dropping a cut line of ${tail.cutBytes} bytes)` : '';
    process.stderr.write(`history: ${out} ends at ${iso(tail.last.time)}: continuing after it${cut}\n`);
  }

  // Long waits are fine for a download: only the per-attempt timeouts bound a request.
  const rest = new WhitebitRestClient({ baseUrl: origin, deadlineMs: 600_000, retry: { maxAttempts: 10 }, ...(deps.clock ? { clock: deps.clock } : {}) });
  const appender = new KlineAppender(out, tail.kind === 'absent' ? 0 : tail.keepBytes);
  const progress = (p: PageProgress): void => {
    process.stderr.write(`history: ${market} page ${p.page}/${p.pages} ${iso(p.start)} .. ${iso(p.end)}: ${p.written} candles so far\n`);
  };
  try {
    const r = await downloadKlines(rest, appender, { market, interval: values.interval, intervalS, days, page, resumeAfter }, progress);
    const range = r.first === null ? 'no new candles' : `${r.written} candles ${iso(r.first)} .. ${iso(r.last ?? r.first)}`;
    const filled = r.filled > 0 ? `, ${r.filled} of them flat (no trades)` : '';
    if (r.first === null && tail.kind === 'absent') {
      process.stderr.write(
        `history: ${market} ${values.interval}: the exchange has no candles in the last ${days} days (${r.requests} requests); no file written\n`,
      );
      return 0;
    }
    process.stderr.write(`history: ${market} ${values.interval}: ${range}${filled} in ${r.requests} requests -> ${out} (up to date to ${iso(r.upTo)})\n`);
    return 0;
  } catch (e) {
    if (WhitebitError.is(e) && (e.kind === 'unknownMarket' || e.kind === 'invalidRequest')) {
      return bad(`${origin} refused the request: ${e.message}`);
    }
    const why = e instanceof KlinePageError ? e.message : describeError(e);
    process.stderr.write(`gridbot history: download stopped: ${why}; the candles so far are in ${out}, run the same command again to continue\n`);
    return 1;
  } finally {
    appender.close();
    await rest.close();
  }
}
